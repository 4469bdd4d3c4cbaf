#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/smallmultiplespanel.h"

#include <QImage>
#include <QMouseEvent>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kNowMs = 1'764'000'000'000;

TelemetryData point(const QString &device, qint64 tsMs, const QMap<QString, double> &fields)
{
    TelemetryData p;
    p.deviceId = device;
    p.tsMs = tsMs;
    p.fields = fields;
    return p;
}

// Whether any pixel of column x within [top, bottom] has the colour (roughly).
bool columnHasColour(const QImage &image, int x, int top, int bottom, QColor colour)
{
    for (int y = top; y <= bottom; ++y) {
        const QColor c = image.pixelColor(x, y);
        if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) + std::abs(c.blue() - colour.blue()) < 60)
            return true;
    }
    return false;
}

} // namespace

class tst_SmallMultiplesPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void oneCellPerFieldOfTheDevice();
    void newFieldsAppear();
    void gridReflowsWithWidth();
    void linesAreDrawnWhereThePointsAre();
    void hoverSetsTheSharedCrosshair();

private:
    qint64 m_now = kNowMs;
    std::unique_ptr<SeriesStore> m_store;
    std::unique_ptr<WorkspaceTime> m_time;
    std::unique_ptr<SmallMultiplesPanel> m_panel;
};

void tst_SmallMultiplesPanel::init()
{
    m_now = kNowMs;
    m_store = std::make_unique<SeriesStore>();
    m_time = std::make_unique<WorkspaceTime>([this] { return m_now; });
    m_time->setLiveWindow(60'000);
    for (int i = 0; i < 60; ++i) {
        m_store->addPoint(point(QStringLiteral("jetson-01"), kNowMs - 59'000 + i * 1000,
                                {{QStringLiteral("cpu_temp_c"), 40 + i % 5}, {QStringLiteral("gpu_util_pct"), i}}));
        m_store->addPoint(point(QStringLiteral("jetson-02"), kNowMs - 59'000 + i * 1000, {{QStringLiteral("cpu_temp_c"), 50}}));
    }
    m_panel = std::make_unique<SmallMultiplesPanel>(m_store.get(), m_time.get());
    m_panel->setDevicePatterns({QStringLiteral("jetson-01")});
    m_panel->resize(560, 400);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void tst_SmallMultiplesPanel::cleanup()
{
    m_panel.reset();
    m_time.reset();
    m_store.reset();
}

void tst_SmallMultiplesPanel::oneCellPerFieldOfTheDevice()
{
    const QList<SmallMultiplesPanel::Cell> expected{{QStringLiteral("jetson-01"), QStringLiteral("cpu_temp_c")},
                                                    {QStringLiteral("jetson-01"), QStringLiteral("gpu_util_pct")}};
    QCOMPARE(m_panel->cells(), expected);
    m_panel->setFieldPatterns({QStringLiteral("*_temp_c")});
    QCOMPARE(m_panel->cells().size(), 1);
    m_panel->setDevicePatterns({QStringLiteral("jetson-*")});
    QCOMPARE(m_panel->cells().size(), 2); // cpu_temp_c of both
    QCOMPARE(m_panel->cells().at(1).deviceId, QStringLiteral("jetson-02"));
}

void tst_SmallMultiplesPanel::newFieldsAppear()
{
    QCOMPARE(m_panel->cells().size(), 2);
    m_store->addPoint(point(QStringLiteral("jetson-01"), kNowMs + 1000, {{QStringLiteral("power_vdd_in_mw"), 5000}}));
    QTRY_COMPARE(m_panel->cells().size(), 3);
}

void tst_SmallMultiplesPanel::gridReflowsWithWidth()
{
    QCOMPARE(m_panel->columnCount(), 2);
    QCOMPARE(m_panel->cellRect(1).top(), m_panel->cellRect(0).top()); // side by side
    m_panel->resize(300, 400);
    QTRY_COMPARE(m_panel->columnCount(), 1);
    QVERIFY(m_panel->cellRect(1).top() > m_panel->cellRect(0).bottom()); // one under the other
    QVERIFY(m_panel->cellRect(0).width() >= SmallMultiplesPanel::kCellMinWidth);
}

void tst_SmallMultiplesPanel::linesAreDrawnWhereThePointsAre()
{
    // Only the first half of the window has gpu_util_pct points: the line
    // is in the left half of its plot and absent from the right half.
    m_store->clear();
    for (int i = 0; i < 30; ++i)
        m_store->addPoint(point(QStringLiteral("jetson-01"), kNowMs - 59'000 + i * 1000, {{QStringLiteral("gpu_util_pct"), i}}));
    m_store->addPoint(point(QStringLiteral("jetson-01"), kNowMs - 59'000 + 29'000, {{QStringLiteral("gpu_util_pct"), 29}}));
    m_panel->setFieldPatterns({QStringLiteral("gpu_util_pct")});
    QTRY_COMPARE(m_panel->cells().size(), 1);
    const int frames = m_panel->frameCount();
    m_panel->canvas()->repaint();
    QVERIFY(m_panel->frameCount() > frames);
    const QImage image = m_panel->canvas()->grab().toImage();
    const QRect plot = m_panel->plotRect(0);
    const QColor line = m_panel->palette().color(QPalette::Highlight);
    const int quarter = plot.left() + plot.width() / 4;
    const int threeQuarters = plot.left() + plot.width() * 3 / 4;
    QVERIFY(columnHasColour(image, quarter, plot.top(), plot.bottom(), line));
    QVERIFY(!columnHasColour(image, threeQuarters, plot.top(), plot.bottom(), line));
}

void tst_SmallMultiplesPanel::hoverSetsTheSharedCrosshair()
{
    const QRect plot = m_panel->plotRect(0);
    const QPoint middle(plot.left() + plot.width() / 2, plot.center().y());
    QMouseEvent move(QEvent::MouseMove, middle, m_panel->canvas()->mapToGlobal(middle), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QCoreApplication::sendEvent(m_panel->canvas(), &move);
    const qint64 expected = m_time->fromMs() + 30'000;
    QVERIFY2(std::abs(m_time->crosshairMs() - expected) < 500, qPrintable(QString::number(m_time->crosshairMs() - expected)));
    QEvent leave(QEvent::Leave);
    QCoreApplication::sendEvent(m_panel->canvas(), &leave);
    QCOMPARE(m_time->crosshairMs(), 0);
}

QTEST_MAIN(tst_SmallMultiplesPanel)
#include "tst_smallmultiplespanel.moc"
