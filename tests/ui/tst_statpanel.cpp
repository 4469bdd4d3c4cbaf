#include "telemetry/alerttablemodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/severitycolors.h"
#include "ui/statpanel.h"

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Sightline;

namespace {

constexpr qint64 kNowMs = 1'764'000'000'000;
constexpr int kUiTimeoutMs = 5000;

const QString kCpuTemp = QStringLiteral("cpu_temp_c");
const QString kGpuTemp = QStringLiteral("gpu_temp_c");
const QString kPower = QStringLiteral("power_mw");

QStringList names(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *name : list)
        result.append(QString::fromLatin1(name));
    return result;
}

// How far apart two colours are, channel by channel.
int distance(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green())
        + std::abs(a.blue() - b.blue());
}

// The x of every pixel of the card near colour, as fractions of the card's width.
QList<double> columnsOf(const QImage &card, const QColor &colour)
{
    QList<double> xs;
    for (int y = 0; y < card.height(); ++y)
        for (int x = 0; x < card.width(); ++x)
            if (distance(card.pixelColor(x, y), colour) < 40)
                xs.append(static_cast<double>(x) / card.width());
    return xs;
}

QPalette darkPalette()
{
    // What a desktop's dark theme hands the application (as in tst_mainwindow).
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x2f, 0x2f, 0x2f));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Mid, QColor(0x50, 0x50, 0x50));
    return p;
}

// Counts the viewport's paints and keeps the region of the last one.
class PaintWatcher : public QObject
{
public:
    explicit PaintWatcher(QWidget *widget) { widget->installEventFilter(this); }
    int paints = 0;
    QRegion lastRegion;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            ++paints;
            lastRegion = static_cast<QPaintEvent *>(event)->region();
        }
        return false;
    }
};

} // namespace

// The stat panel over real stores: which cards it shows, what they say and
// how they are coloured, the sparkline's time range, and clicks.
class tst_StatPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cardsFollowPatterns_data();
    void cardsFollowPatterns();
    void newDevicesAndFieldsGetCards();
    void cardsFlowWithThePanelWidth();
    void cardShowsValueWithOnePrecisionPerField();
    void oldValueShowsItsAge();
    void firingAlertColoursTheCard();
    void sparklineIsDrawnInTheCard();
    void sparklineShowsOnlyTheWorkspaceRange();
    void liveSparklineMovesWithTheClock();
    void onlyCardsOfTheChangedDeviceRepaint();
    void clickingACardActivatesItsDevice();
    void readableInLightAndDarkPalettes_data();
    void readableInLightAndDarkPalettes();

private:
    // A point of every field in fields at tMs, into both stores.
    void addPoint(const QString &device, qint64 tMs, const QMap<QString, double> &fields);
    // One point a second over [fromMs, toMs] with these values.
    void addSeconds(
        const QString &device, qint64 fromMs, qint64 toMs, const QMap<QString, double> &fields);
    void fireAlert(const QString &device, const QString &field, Severity severity, double threshold,
        AlertEvent::State state = AlertEvent::State::Firing);
    QImage grabCard(const QString &device, const QString &field) const;
    void showPanel(QSize size = QSize(700, 420));

    qint64 m_now = kNowMs;
    std::unique_ptr<SeriesStore> m_store;
    std::unique_ptr<LatestValuesModel> m_latest;
    std::unique_ptr<AlertTableModel> m_alerts;
    std::unique_ptr<WorkspaceTime> m_time;
    std::unique_ptr<StatPanel> m_panel;
};

void tst_StatPanel::initTestCase()
{
    // Thousands separators as an English desktop shows them.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void tst_StatPanel::init()
{
    m_now = kNowMs;
    const Clock clock = [this] { return m_now; };
    m_store = std::make_unique<SeriesStore>();
    m_latest = std::make_unique<LatestValuesModel>();
    m_alerts = std::make_unique<AlertTableModel>(clock);
    m_time = std::make_unique<WorkspaceTime>(clock);
    m_time->setLiveWindow(WorkspaceTime::kMinWindowMs);
    m_panel
        = std::make_unique<StatPanel>(m_store.get(), m_latest.get(), m_alerts.get(), m_time.get());
}

void tst_StatPanel::cleanup()
{
    m_panel.reset();
    m_time.reset();
    m_alerts.reset();
    m_latest.reset();
    m_store.reset();
}

void tst_StatPanel::addPoint(const QString &device, qint64 tMs, const QMap<QString, double> &fields)
{
    TelemetryData point;
    point.deviceId = device;
    point.tsMs = tMs;
    for (auto it = fields.begin(); it != fields.end(); ++it)
        point.fields.insert(it.key(), it.value());
    m_store->addPoint(point);
    m_latest->applyPoint(point);
}

void tst_StatPanel::addSeconds(
    const QString &device, qint64 fromMs, qint64 toMs, const QMap<QString, double> &fields)
{
    for (qint64 t = fromMs; t <= toMs; t += 1000)
        addPoint(device, t, fields);
}

void tst_StatPanel::fireAlert(const QString &device, const QString &field, Severity severity,
    double threshold, AlertEvent::State state)
{
    AlertEvent alert;
    alert.deviceId = device;
    alert.ruleId = QStringLiteral("%1-%2").arg(field, severityName(severity));
    alert.severity = severity;
    alert.state = state;
    alert.field = field;
    alert.value = threshold + 1;
    alert.threshold = threshold;
    alert.tsMs = m_now;
    m_alerts->applyAlert(alert);
}

QImage tst_StatPanel::grabCard(const QString &device, const QString &field) const
{
    const QRect rect = m_panel->cardRect(device, field);
    return m_panel->grab(rect).toImage();
}

void tst_StatPanel::showPanel(QSize size)
{
    m_panel->resize(size);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void tst_StatPanel::cardsFollowPatterns_data()
{
    QTest::addColumn<QStringList>("devicePatterns");
    QTest::addColumn<QStringList>("fieldPatterns");
    QTest::addColumn<QStringList>("cards"); // "device/field"

    const QStringList all = names({ "jetson-01/cpu_temp_c", "jetson-01/gpu_temp_c",
        "jetson-01/power_mw", "jetson-02/cpu_temp_c", "jetson-02/gpu_temp_c", "jetson-02/power_mw",
        "orin-01/cpu_temp_c", "orin-01/gpu_temp_c", "orin-01/power_mw" });
    QTest::newRow("no patterns show every device and field")
        << QStringList() << QStringList() << all;
    QTest::newRow("a star shows everything") << names({ "*" }) << names({ "*" }) << all;
    QTest::newRow("one device by name")
        << names({ "orin-01" }) << QStringList()
        << names({ "orin-01/cpu_temp_c", "orin-01/gpu_temp_c", "orin-01/power_mw" });
    QTest::newRow("devices by glob, one field")
        << names({ "jetson-*" }) << names({ "power_mw" })
        << names({ "jetson-01/power_mw", "jetson-02/power_mw" });
    QTest::newRow("fields by glob") << names({ "jetson-02" }) << names({ "*_temp_c" })
                                    << names({ "jetson-02/cpu_temp_c", "jetson-02/gpu_temp_c" });
    QTest::newRow("several patterns")
        << names({ "orin-01", "jetson-01" }) << names({ "gpu*", "power*" })
        << names({ "jetson-01/gpu_temp_c", "jetson-01/power_mw", "orin-01/gpu_temp_c",
               "orin-01/power_mw" });
    QTest::newRow("a pattern that matches nothing")
        << names({ "xavier-*" }) << QStringList() << QStringList();
}

void tst_StatPanel::cardsFollowPatterns()
{
    QFETCH(QStringList, devicePatterns);
    QFETCH(QStringList, fieldPatterns);
    QFETCH(QStringList, cards);

    const QMap<QString, double> fields = { { kCpuTemp, 45 }, { kGpuTemp, 50 }, { kPower, 7000 } };
    for (const QString &device : names({ "jetson-01", "jetson-02", "orin-01" }))
        addPoint(device, kNowMs, fields);
    m_panel->setDevicePatterns(devicePatterns);
    m_panel->setFieldPatterns(fieldPatterns);
    showPanel();

    QCOMPARE(m_panel->cardCount(), cards.size());
    for (const QString &device : names({ "jetson-01", "jetson-02", "orin-01" })) {
        for (const QString &field : fields.keys()) {
            const bool shown = cards.contains(device + QLatin1Char('/') + field);
            QCOMPARE(m_panel->cardRect(device, field).isValid(), shown);
            QCOMPARE(m_panel->cardText(device, field).isEmpty(), !shown);
        }
    }
}

void tst_StatPanel::newDevicesAndFieldsGetCards()
{
    m_panel->setDevicePatterns({ QStringLiteral("jetson-*") });
    showPanel();
    QCOMPARE(m_panel->cardCount(), 0);

    addPoint(QStringLiteral("jetson-01"), kNowMs, { { kCpuTemp, 45 } });
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->cardCount(), 1, kUiTimeoutMs);
    addPoint(QStringLiteral("jetson-02"), kNowMs, { { kCpuTemp, 47 } });
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->cardCount(), 2, kUiTimeoutMs);
    // A field jetson-01 had not reported before.
    addPoint(QStringLiteral("jetson-01"), kNowMs + 1000, { { kCpuTemp, 46 }, { kPower, 7200 } });
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->cardCount(), 3, kUiTimeoutMs);
    QVERIFY(m_panel->cardRect(QStringLiteral("jetson-01"), kPower).isValid());
    // Another device that does not match.
    addPoint(QStringLiteral("orin-01"), kNowMs, { { kCpuTemp, 40 } });
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_panel->cardText(QStringLiteral("jetson-02"), kCpuTemp).isEmpty(), kUiTimeoutMs);
    QCOMPARE(m_panel->cardCount(), 3);
    QVERIFY(!m_panel->cardRect(QStringLiteral("orin-01"), kCpuTemp).isValid());

    // Cards are ordered by device, then field.
    const QRect first = m_panel->cardRect(QStringLiteral("jetson-01"), kCpuTemp);
    const QRect second = m_panel->cardRect(QStringLiteral("jetson-01"), kPower);
    const QRect third = m_panel->cardRect(QStringLiteral("jetson-02"), kCpuTemp);
    QVERIFY(first.left() < second.left() || first.top() < second.top());
    QVERIFY(second.left() < third.left() || second.top() < third.top());
}

void tst_StatPanel::cardsFlowWithThePanelWidth()
{
    for (int i = 0; i < 6; ++i)
        addPoint(QStringLiteral("jetson-%1").arg(i), kNowMs, { { kCpuTemp, 40 + i } });
    showPanel(QSize(1000, 600));
    const auto rectOf
        = [this](int i) { return m_panel->cardRect(QStringLiteral("jetson-%1").arg(i), kCpuTemp); };

    // Wide: several cards side by side, none outside the panel, no scrolling.
    QCOMPARE(rectOf(0).top(), rectOf(1).top());
    QCOMPARE(rectOf(0).top(), rectOf(2).top());
    const int wideWidth = rectOf(0).width();
    for (int i = 0; i < 6; ++i)
        QVERIFY(m_panel->rect().contains(rectOf(i)));
    QCOMPARE(m_panel->verticalScrollBar()->maximum(), 0);

    // Narrow: one column that scrolls down, cards no narrower than before.
    m_panel->resize(260, 300);
    QTRY_VERIFY_WITH_TIMEOUT(rectOf(1).top() > rectOf(0).bottom(), kUiTimeoutMs);
    QCOMPARE(rectOf(0).left(), rectOf(1).left());
    QVERIFY(rectOf(0).width() >= std::min(wideWidth, 190));
    QVERIFY(m_panel->verticalScrollBar()->maximum() > 0);

    // Narrower than a card: the card keeps its size and the panel scrolls sideways.
    const int narrowWidth = rectOf(0).width();
    m_panel->resize(120, 300);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->horizontalScrollBar()->maximum() > 0, kUiTimeoutMs);
    QVERIFY(rectOf(0).width() >= std::min(narrowWidth, 190));
    QVERIFY(rectOf(0).width() > m_panel->viewport()->width());
}

void tst_StatPanel::cardShowsValueWithOnePrecisionPerField()
{
    addPoint(QStringLiteral("jetson-01"), kNowMs, { { kCpuTemp, 46.1 }, { kPower, 17500 } });
    addPoint(QStringLiteral("jetson-02"), kNowMs, { { kCpuTemp, 41 }, { kPower, 9000 } });
    showPanel();
    QCOMPARE(m_panel->cardText(QStringLiteral("jetson-01"), kCpuTemp),
        QStringLiteral("jetson-01\nCPU temp\n46.1°C"));
    // Whole, but the field has shown a decimal: "41.0°C", not "41°C".
    QCOMPARE(m_panel->cardText(QStringLiteral("jetson-02"), kCpuTemp),
        QStringLiteral("jetson-02\nCPU temp\n41.0°C"));
    QCOMPARE(m_panel->cardText(QStringLiteral("jetson-01"), kPower),
        QStringLiteral("jetson-01\nPower\n17,500 mW"));

    // The new value is what the card draws.
    const QImage before = grabCard(QStringLiteral("jetson-02"), kCpuTemp);
    const QColor fill = m_panel->palette().color(QPalette::AlternateBase);
    int ink = 0;
    for (int y = 0; y < before.height(); ++y)
        for (int x = 0; x < before.width(); ++x)
            ink += distance(before.pixelColor(x, y), m_panel->palette().color(QPalette::Text))
                < 100;
    QVERIFY2(ink > 50, "the value's text is drawn");
    QVERIFY(distance(fill, m_panel->palette().color(QPalette::Text)) > 200);
    addPoint(QStringLiteral("jetson-02"), kNowMs + 1000, { { kCpuTemp, 88.4 } });
    QTRY_VERIFY_WITH_TIMEOUT(
        m_panel->cardText(QStringLiteral("jetson-02"), kCpuTemp).endsWith(QStringLiteral("88.4°C")),
        kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        grabCard(QStringLiteral("jetson-02"), kCpuTemp) != before, kUiTimeoutMs);
}

void tst_StatPanel::oldValueShowsItsAge()
{
    // One point a second until two minutes ago: the device has gone quiet.
    addSeconds(
        QStringLiteral("jetson-01"), kNowMs - 180'000, kNowMs - 120'000, { { kCpuTemp, 50 } });
    addSeconds(QStringLiteral("jetson-02"), kNowMs - 30'000, kNowMs, { { kCpuTemp, 50 } });
    showPanel();
    QCOMPARE(m_panel->cardText(QStringLiteral("jetson-01"), kCpuTemp),
        QStringLiteral("jetson-01\nCPU temp\n50°C\n2 min ago"));
    QCOMPARE(m_panel->cardText(QStringLiteral("jetson-02"), kCpuTemp),
        QStringLiteral("jetson-02\nCPU temp\n50°C"));
    // A few intervals later the fresh one is old too.
    m_now += 5000;
    QCOMPARE(m_panel->cardText(QStringLiteral("jetson-02"), kCpuTemp),
        QStringLiteral("jetson-02\nCPU temp\n50°C\n5 s ago"));
}

void tst_StatPanel::firingAlertColoursTheCard()
{
    addSeconds(QStringLiteral("jetson-01"), kNowMs - 50'000, kNowMs,
        { { kCpuTemp, 47 }, { kGpuTemp, 52 } });
    showPanel();
    const QPalette pal = m_panel->palette();
    // Inside the card by its right edge, half way down (the border is 3..5 px in).
    const auto fillOf = [this](const QString &field) {
        const QImage card = grabCard(QStringLiteral("jetson-01"), field);
        return card.pixelColor(card.width() - 7, card.height() / 2);
    };
    const auto borderOf = [this](const QString &field) {
        const QImage card = grabCard(QStringLiteral("jetson-01"), field);
        return card.pixelColor(card.width() - 5, card.height() / 2);
    };
    // The bottom of the card, inside the border: the sparkline's band.
    const auto plotPixelsNear = [this](const QColor &colour) {
        const QImage card = grabCard(QStringLiteral("jetson-01"), kCpuTemp);
        int count = 0;
        for (int y = card.height() * 2 / 3; y < card.height() - 8; ++y)
            for (int x = 8; x < card.width() - 8; ++x)
                count += distance(card.pixelColor(x, y), colour) < 40;
        return count;
    };
    const QColor plain = pal.color(QPalette::AlternateBase);
    QCOMPARE(fillOf(kCpuTemp), plain);
    const QColor critical = toneColor(Tone::Critical, pal);
    QCOMPARE(plotPixelsNear(critical), 0);

    fireAlert(QStringLiteral("jetson-01"), kCpuTemp, Severity::Warning, 45);
    QTRY_VERIFY_WITH_TIMEOUT(
        distance(fillOf(kCpuTemp), toneBackground(Tone::Warning, pal)) < 10, kUiTimeoutMs);
    QVERIFY(distance(borderOf(kCpuTemp), toneColor(Tone::Warning, pal)) < 40);
    QCOMPARE(fillOf(kGpuTemp), plain); // another field of the device

    // A critical rule too: the worse severity colours the card, and its
    // threshold is a dashed line in the sparkline.
    fireAlert(QStringLiteral("jetson-01"), kCpuTemp, Severity::Critical, 46);
    QTRY_VERIFY_WITH_TIMEOUT(
        distance(fillOf(kCpuTemp), toneBackground(Tone::Critical, pal)) < 10, kUiTimeoutMs);
    QVERIFY(distance(borderOf(kCpuTemp), critical) < 40);
    QVERIFY(plotPixelsNear(critical) > 20);
    QVERIFY(plotPixelsNear(toneColor(Tone::Warning, pal)) > 20);

    fireAlert(
        QStringLiteral("jetson-01"), kCpuTemp, Severity::Critical, 46, AlertEvent::State::Resolved);
    QTRY_VERIFY_WITH_TIMEOUT(
        distance(fillOf(kCpuTemp), toneBackground(Tone::Warning, pal)) < 10, kUiTimeoutMs);
    QCOMPARE(plotPixelsNear(critical), 0);
    fireAlert(
        QStringLiteral("jetson-01"), kCpuTemp, Severity::Warning, 45, AlertEvent::State::Resolved);
    QTRY_COMPARE_WITH_TIMEOUT(fillOf(kCpuTemp), plain, kUiTimeoutMs);

    // Alerts of another device or field colour nothing here (the GPU card
    // turning shows they were all seen).
    fireAlert(QStringLiteral("jetson-02"), kCpuTemp, Severity::Critical, 46);
    fireAlert(QStringLiteral("jetson-01"), kPower, Severity::Critical, 46);
    fireAlert(QStringLiteral("jetson-01"), kGpuTemp, Severity::Critical, 60);
    QTRY_VERIFY_WITH_TIMEOUT(
        distance(fillOf(kGpuTemp), toneBackground(Tone::Critical, pal)) < 10, kUiTimeoutMs);
    QCOMPARE(fillOf(kCpuTemp), plain);
}

void tst_StatPanel::sparklineIsDrawnInTheCard()
{
    // A rising line over the last 50 s of the one-minute window.
    for (int i = 0; i <= 50; ++i)
        addPoint(QStringLiteral("jetson-01"), kNowMs - 50'000 + i * 1000,
            { { kCpuTemp, 40.0 + i * 0.5 } });
    addPoint(QStringLiteral("jetson-02"), kNowMs, { { kCpuTemp, 40 } });
    showPanel();
    const QColor line = m_panel->palette().color(QPalette::Highlight);
    const QList<double> xs = columnsOf(grabCard(QStringLiteral("jetson-01"), kCpuTemp), line);
    QVERIFY2(xs.size() > 50, qPrintable(QString::number(xs.size())));
    // From a sixth of the way in to the right edge, inside the card.
    const double left = *std::min_element(xs.begin(), xs.end());
    const double right = *std::max_element(xs.begin(), xs.end());
    QVERIFY2(left > 0.15 && left < 0.3, qPrintable(QString::number(left)));
    QVERIFY2(right > 0.85 && right < 0.99, qPrintable(QString::number(right)));
    // Nothing of the line outside its card: the neighbour shows its single point as a dot.
    const qsizetype dot = columnsOf(grabCard(QStringLiteral("jetson-02"), kCpuTemp), line).size();
    QVERIFY2(dot > 0 && dot < 50, qPrintable(QString::number(dot)));
}

void tst_StatPanel::sparklineShowsOnlyTheWorkspaceRange()
{
    // Points every second over the last 30 s, and one point 100 s ago.
    addPoint(QStringLiteral("jetson-01"), kNowMs - 100'000, { { kCpuTemp, 45 } });
    addSeconds(QStringLiteral("jetson-01"), kNowMs - 30'000, kNowMs, { { kCpuTemp, 45 } });
    showPanel();
    const QColor line = m_panel->palette().color(QPalette::Highlight);
    const auto leftmost = [&] {
        const QList<double> xs = columnsOf(grabCard(QStringLiteral("jetson-01"), kCpuTemp), line);
        return xs.isEmpty() ? -1.0 : *std::min_element(xs.begin(), xs.end()); // -1: no line at all
    };

    // The last minute: the line starts half way; the old point is not drawn.
    QVERIFY(m_time->setAbsoluteRange(kNowMs - 60'000, kNowMs));
    QTRY_VERIFY2_WITH_TIMEOUT(leftmost() > 0.45 && leftmost() < 0.6,
        qPrintable(QString::number(leftmost())), kUiTimeoutMs);
    // Two minutes: the old point appears a sixth of the way in (after a gap).
    QVERIFY(m_time->setAbsoluteRange(kNowMs - 120'000, kNowMs));
    QTRY_VERIFY2_WITH_TIMEOUT(leftmost() > 0.12 && leftmost() < 0.25,
        qPrintable(QString::number(leftmost())), kUiTimeoutMs);
    const QList<double> xs = columnsOf(grabCard(QStringLiteral("jetson-01"), kCpuTemp), line);
    const int inGap = static_cast<int>(
        std::count_if(xs.begin(), xs.end(), [](double x) { return x > 0.3 && x < 0.7; }));
    QCOMPARE(inGap, 0);
}

void tst_StatPanel::liveSparklineMovesWithTheClock()
{
    addSeconds(QStringLiteral("jetson-01"), kNowMs - 30'000, kNowMs, { { kCpuTemp, 45 } });
    showPanel();
    PaintWatcher watcher(m_panel->viewport());
    const QColor line = m_panel->palette().color(QPalette::Highlight);
    const auto rightmost = [&] {
        const QList<double> xs = columnsOf(grabCard(QStringLiteral("jetson-01"), kCpuTemp), line);
        return xs.isEmpty() ? 2.0 : *std::max_element(xs.begin(), xs.end()); // 2: no line at all
    };
    QVERIFY2(rightmost() > 0.85 && rightmost() < 1, qPrintable(QString::number(rightmost())));

    // Twenty seconds pass without a point or a signal: the window moves on
    // and the panel repaints by itself.
    m_now += 20'000;
    const int paints = watcher.paints;
    QTRY_VERIFY_WITH_TIMEOUT(watcher.paints > paints, kUiTimeoutMs);
    QVERIFY2(rightmost() < 0.75, qPrintable(QString::number(rightmost())));
}

void tst_StatPanel::onlyCardsOfTheChangedDeviceRepaint()
{
    addSeconds(QStringLiteral("jetson-01"), kNowMs - 10'000, kNowMs,
        { { kCpuTemp, 45 }, { kGpuTemp, 50 } });
    addSeconds(QStringLiteral("jetson-02"), kNowMs - 10'000, kNowMs, { { kCpuTemp, 45 } });
    m_time->setPaused(true); // nothing moves by itself
    PaintWatcher watcher(m_panel->viewport());
    showPanel();
    QTRY_VERIFY_WITH_TIMEOUT(watcher.paints > 0, kUiTimeoutMs); // the first frame after showing

    const int paints = watcher.paints;
    addPoint(QStringLiteral("jetson-02"), kNowMs + 500, { { kCpuTemp, 46 } });
    addPoint(QStringLiteral("jetson-02"), kNowMs + 600, { { kCpuTemp, 47 } });
    QTRY_VERIFY_WITH_TIMEOUT(watcher.paints > paints, kUiTimeoutMs);
    const QPoint viewportOrigin = m_panel->viewport()->geometry().topLeft();
    const auto inViewport = [&](const QString &device, const QString &field) {
        return m_panel->cardRect(device, field).translated(-viewportOrigin);
    };
    QVERIFY(watcher.lastRegion.intersects(inViewport(QStringLiteral("jetson-02"), kCpuTemp)));
    QVERIFY(!watcher.lastRegion.intersects(inViewport(QStringLiteral("jetson-01"), kCpuTemp)));
    QVERIFY(!watcher.lastRegion.intersects(inViewport(QStringLiteral("jetson-01"), kGpuTemp)));
}

void tst_StatPanel::clickingACardActivatesItsDevice()
{
    addPoint(QStringLiteral("jetson-01"), kNowMs, { { kCpuTemp, 45 } });
    addPoint(QStringLiteral("jetson-02"), kNowMs, { { kCpuTemp, 45 } });
    showPanel();
    QSignalSpy activated(m_panel.get(), &StatPanel::deviceActivated);
    QWidget *viewport = m_panel->viewport();
    const auto click = [&](QPoint inPanel) {
        QTest::mouseClick(viewport, Qt::LeftButton, {}, viewport->mapFrom(m_panel.get(), inPanel));
    };

    click(m_panel->cardRect(QStringLiteral("jetson-02"), kCpuTemp).center());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("jetson-02"));
    // Below the last card: nothing.
    click(QPoint(m_panel->width() / 2,
        m_panel->cardRect(QStringLiteral("jetson-02"), kCpuTemp).bottom() + 40));
    QCOMPARE(activated.size(), 1);
    click(m_panel->cardRect(QStringLiteral("jetson-01"), kCpuTemp).topLeft() + QPoint(20, 20));
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), QStringLiteral("jetson-01"));
}

void tst_StatPanel::readableInLightAndDarkPalettes_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light palette") << false;
    QTest::newRow("dark palette") << true;
}

void tst_StatPanel::readableInLightAndDarkPalettes()
{
    QFETCH(bool, dark);
    const QStringList devices = names({ "jetson-01", "jetson-02", "orin-01" });
    for (int d = 0; d < devices.size(); ++d) {
        for (int i = 0; i <= 55; ++i) {
            const double wave = std::sin((i + d * 7) / 6.0);
            addPoint(devices.at(d), kNowMs - 55'000 + i * 1000,
                { { kCpuTemp, 46 + 4 * wave + d }, { kGpuTemp, 52 + 6 * wave },
                    { kPower, 12000 + 3000 * wave } });
        }
    }
    fireAlert(QStringLiteral("jetson-02"), kGpuTemp, Severity::Critical, 56);
    fireAlert(QStringLiteral("orin-01"), kCpuTemp, Severity::Warning, 49);
    m_now += 40'000; // jetson-01 and the others went quiet: their ages show
    addSeconds(QStringLiteral("jetson-01"), kNowMs, m_now, { { kCpuTemp, 47.5 } });
    showPanel(QSize(760, 420));
    // Changed after showing, as a theme switch does.
    if (dark)
        m_panel->setPalette(darkPalette());
    const QPalette pal = m_panel->palette();
    QCOMPARE(isDarkPalette(pal), dark);

    const auto fillOf = [this](const QString &device, const QString &field) {
        const QImage card = grabCard(device, field);
        return card.pixelColor(card.width() - 7, card.height() / 2);
    };
    QTRY_COMPARE_WITH_TIMEOUT(fillOf(QStringLiteral("jetson-01"), kGpuTemp),
        pal.color(QPalette::AlternateBase), kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        distance(fillOf(QStringLiteral("jetson-02"), kGpuTemp), toneBackground(Tone::Critical, pal))
            < 10,
        kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        distance(fillOf(QStringLiteral("orin-01"), kCpuTemp), toneBackground(Tone::Warning, pal))
            < 10,
        kUiTimeoutMs);
    // Text, line and alert colours stand out from every card's fill.
    for (const Tone tone : { Tone::Warning, Tone::Critical }) {
        QVERIFY(distance(toneColor(tone, pal), toneBackground(tone, pal)) > 150);
        QVERIFY(distance(pal.color(QPalette::Text), toneBackground(tone, pal)) > 250);
    }
    QVERIFY(distance(pal.color(QPalette::Highlight), pal.color(QPalette::AlternateBase)) > 150);
    QVERIFY(!columnsOf(grabCard(QStringLiteral("orin-01"), kPower), pal.color(QPalette::Highlight))
                 .isEmpty());

    const QString dir = qEnvironmentVariable("SIGHTLINE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(m_panel->grab().save(QDir(dir).filePath(
            dark ? QStringLiteral("statpanel-dark.png") : QStringLiteral("statpanel.png"))));
}

QTEST_MAIN(tst_StatPanel)
#include "tst_statpanel.moc"
