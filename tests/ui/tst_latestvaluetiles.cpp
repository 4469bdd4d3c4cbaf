#include "telemetry/latestvaluesmodel.h"
#include "ui/latestvaluetiles.h"

#include <QImage>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kNowMs = 1'764'000'000'000;

TelemetryData point(const QString &device, double cpuTemp, double gpuTemp)
{
    TelemetryData p;
    p.deviceId = device;
    p.tsMs = kNowMs;
    p.fields.insert(QStringLiteral("cpu_temp_c"), cpuTemp);
    p.fields.insert(QStringLiteral("gpu_temp_c"), gpuTemp);
    return p;
}

// How far apart two colours are, channel by channel.
int distance(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

} // namespace

// The tiles' delegate caches each card's background and the label's layout:
// these tests check that what is drawn still follows the data, the selection
// and the palette.
class tst_LatestValueTiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void aTileShowsItsValue();
    void theCurrentTileIsHighlighted();
    void cardsFollowThePalette();

private:
    QImage grabTile(int row) const;
    QColor borderOf(int row) const;

    std::unique_ptr<LatestValuesModel> m_model;
    std::unique_ptr<LatestValueTiles> m_tiles;
};

void tst_LatestValueTiles::init()
{
    m_model = std::make_unique<LatestValuesModel>();
    m_model->applyPoint(point(QStringLiteral("jetson-01"), 47.5, 52.25));
    m_tiles = std::make_unique<LatestValueTiles>(m_model.get(), [] { return kNowMs; });
    m_tiles->resize(400, 200);
    m_tiles->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_tiles.get()));
    QCOMPARE(m_model->rowCount(), 2);
}

void tst_LatestValueTiles::cleanup()
{
    m_tiles.reset();
    m_model.reset();
}

QImage tst_LatestValueTiles::grabTile(int row) const
{
    const QRect rect = m_tiles->visualRect(m_model->index(row));
    return m_tiles->viewport()->grab(rect).toImage();
}

// The left border, half way down the card (the card is inset 3 px).
QColor tst_LatestValueTiles::borderOf(int row) const
{
    const QImage tile = grabTile(row);
    return tile.pixelColor(3, tile.height() / 2);
}

void tst_LatestValueTiles::aTileShowsItsValue()
{
    const QImage before = grabTile(0);
    // Text pixels: far from the card's fill, in the value's band.
    const QColor fill = m_tiles->palette().color(QPalette::AlternateBase);
    auto inkIn = [&fill](const QImage &tile) {
        int ink = 0;
        for (int y = tile.height() / 3; y < 2 * tile.height() / 3; ++y)
            for (int x = 13; x < tile.width() - 13; ++x)
                ink += distance(tile.pixelColor(x, y), fill) > 200;
        return ink;
    };
    QVERIFY(inkIn(before) > 50);

    TelemetryData next = point(QStringLiteral("jetson-01"), 81.0, 52.25);
    next.tsMs = kNowMs + 1;
    m_model->applyPoint(next);
    QTRY_VERIFY(grabTile(0) != before); // the new value is drawn
}

void tst_LatestValueTiles::theCurrentTileIsHighlighted()
{
    const QColor highlight = m_tiles->palette().color(QPalette::Highlight);
    const QColor plain = borderOf(1);
    QVERIFY(distance(plain, highlight) > 60);

    m_tiles->setFocus();
    m_tiles->setCurrentIndex(m_model->index(0));
    QTRY_VERIFY2(distance(borderOf(0), highlight) < 60, qPrintable(borderOf(0).name()));
    QCOMPARE(borderOf(1), plain);

    m_tiles->setCurrentIndex(m_model->index(1));
    QTRY_VERIFY(distance(borderOf(1), highlight) < 60);
    QTRY_COMPARE(borderOf(0), plain);
}

void tst_LatestValueTiles::cardsFollowThePalette()
{
    QPalette palette = m_tiles->palette();
    palette.setColor(QPalette::AlternateBase, QColor(200, 30, 30));
    m_tiles->setPalette(palette);
    // Inside the card, right of the text.
    QTRY_VERIFY(distance(grabTile(0).pixelColor(grabTile(0).width() - 12, 12), QColor(200, 30, 30)) < 10);
}

QTEST_MAIN(tst_LatestValueTiles)
#include "tst_latestvaluetiles.moc"
