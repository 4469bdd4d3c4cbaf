#include "telemetry/devicelistmodel.h"
#include "telemetry/statetimeline.h"
#include "telemetry/workspacetime.h"
#include "ui/severitycolors.h"
#include "ui/timelinepanel.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using namespace Sightline;

using State = StateTimeline::State;

namespace {

constexpr qint64 kNowMs = 1'764'000'000'000;
constexpr qint64 kMinute = 60 * 1000;
constexpr int kUiTimeoutMs = 10000; // generous: CI runs on a loaded 2-core machine

const QString kJetson1 = QStringLiteral("jetson-01");
const QString kJetson2 = QStringLiteral("jetson-02");
const QString kOrin = QStringLiteral("orin-01");

DeviceInfo device(const QString &id, const QString &site)
{
    DeviceInfo info;
    info.deviceId = id;
    info.siteId = site;
    info.status = DeviceStatusEvent::Status::Online;
    return info;
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    palette.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    palette.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    return palette;
}

QPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::Text, Qt::black);
    palette.setColor(QPalette::WindowText, Qt::black);
    return palette;
}

int distance(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green())
        + std::abs(a.blue() - b.blue());
}

QString clockTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

class tst_TimelinePanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void rowsFollowThePatterns_data();
    void rowsFollowThePatterns();
    void bandsShowTheStates_data();
    void bandsShowTheStates();
    void hoverSetsTheSharedCrosshair();
    void clickActivatesTheDevice();
    void tooltipNamesStateAndInterval();

private:
    QPoint pointAt(const QString &deviceId, qint64 ms) const;

    std::unique_ptr<DeviceListModel> m_devices;
    std::unique_ptr<StateTimeline> m_timeline;
    std::unique_ptr<WorkspaceTime> m_time;
    std::unique_ptr<TimelinePanel> m_panel;
};

void tst_TimelinePanel::init()
{
    const Clock clock = [] { return kNowMs; };
    m_devices = std::make_unique<DeviceListModel>(clock);
    m_devices->setDevices({ device(kJetson1, QStringLiteral("north")),
        device(kJetson2, QStringLiteral("north")), device(kOrin, QStringLiteral("south")) });
    m_timeline = std::make_unique<StateTimeline>(clock);
    m_time = std::make_unique<WorkspaceTime>(clock);
    m_time->setLiveWindow(10 * kMinute);

    // jetson-01: online, offline for three minutes, online again, with a
    // critical alert for the last two minutes but one.
    m_timeline->noteDeviceState(kJetson1, State::Online, kNowMs - 10 * kMinute);
    m_timeline->noteDeviceState(kJetson1, State::Offline, kNowMs - 6 * kMinute);
    m_timeline->noteDeviceState(kJetson1, State::Online, kNowMs - 3 * kMinute);
    AlertEvent alert;
    alert.deviceId = kJetson1;
    alert.ruleId = QStringLiteral("gpu-hot");
    alert.severity = Severity::Critical;
    m_timeline->noteAlert(alert, kNowMs - 2 * kMinute);
    alert.state = AlertEvent::State::Resolved;
    m_timeline->noteAlert(alert, kNowMs - kMinute);
    m_timeline->noteDeviceState(kJetson2, State::Stale, kNowMs - 5 * kMinute);

    m_panel = std::make_unique<TimelinePanel>(m_timeline.get(), m_devices.get(), m_time.get());
    m_panel->resize(720, 240);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get(), kUiTimeoutMs));
}

void tst_TimelinePanel::cleanup()
{
    m_panel.reset();
    m_time.reset();
    m_timeline.reset();
    m_devices.reset();
}

QPoint tst_TimelinePanel::pointAt(const QString &deviceId, qint64 ms) const
{
    const QRect band = m_panel->bandRect(deviceId);
    // The lower part of the band: the alert stripe runs along its top.
    return QPoint(m_panel->xForMs(ms), band.top() + band.height() * 3 / 4);
}

void tst_TimelinePanel::rowsFollowThePatterns_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QStringList>("rows");
    QTest::newRow("no pattern: every device, in the list's order")
        << QStringList() << QStringList { kJetson1, kJetson2, kOrin };
    QTest::newRow("a glob") << QStringList { QStringLiteral("jetson-*") }
                            << QStringList { kJetson1, kJetson2 };
    QTest::newRow("a name and a glob")
        << QStringList { kOrin, QStringLiteral("*-02") } << QStringList { kJetson2, kOrin };
    QTest::newRow("nothing matches") << QStringList { QStringLiteral("nano-*") } << QStringList();
}

void tst_TimelinePanel::rowsFollowThePatterns()
{
    QFETCH(QStringList, patterns);
    QFETCH(QStringList, rows);
    m_panel->setDevicePatterns(patterns);
    QCOMPARE(m_panel->devicePatterns(), patterns);
    QCOMPARE(m_panel->shownDevices(), rows);
    for (const QString &id : { kJetson1, kJetson2, kOrin })
        QCOMPARE(m_panel->bandRect(id).isValid(), rows.contains(id));

    // A device that appears later gets its row when it matches.
    DeviceStatusEvent status;
    status.deviceId = QStringLiteral("jetson-03");
    status.status = DeviceStatusEvent::Status::Online;
    m_devices->applyStatus(status, QStringLiteral("north"));
    QCOMPARE(m_panel->shownDevices().contains(status.deviceId),
        patterns.isEmpty() || patterns.contains(QStringLiteral("jetson-*")));
}

void tst_TimelinePanel::bandsShowTheStates_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::newRow("light palette") << lightPalette();
    QTest::newRow("dark palette") << darkPalette();
}

void tst_TimelinePanel::bandsShowTheStates()
{
    QFETCH(QPalette, palette);
    m_panel->setPalette(palette);
    const QImage image = m_panel->grab().toImage();
    // Compared by name (#rrggbb): the palette's colours and the blended ones
    // differ in colour spec, not in what is drawn.
    const auto colourAt
        = [&](const QString &id, qint64 ms) { return image.pixelColor(pointAt(id, ms)).name(); };
    const QColor online = TimelinePanel::stateColor(State::Online, palette);
    const QColor offline = TimelinePanel::stateColor(State::Offline, palette);
    const QColor stale = TimelinePanel::stateColor(State::Stale, palette);
    // The states are told apart by colour, and from the background.
    const QColor base = palette.color(QPalette::Base);
    for (const QColor &a : { online, offline, stale }) {
        QVERIFY(distance(a, base) > 60);
        for (const QColor &b : { online, offline, stale })
            QVERIFY(a == b || distance(a, b) > 60);
    }

    QCOMPARE(colourAt(kJetson1, kNowMs - 8 * kMinute), online.name());
    QCOMPARE(colourAt(kJetson1, kNowMs - 4 * kMinute - kMinute / 2), offline.name());
    QCOMPARE(colourAt(kJetson1, kNowMs - 90 * 1000),
        online.name()); // under the alert stripe's band: still the state
    QCOMPARE(colourAt(kJetson2, kNowMs - 2 * kMinute), stale.name());
    // Before jetson-02 was seen: not a state colour.
    for (const QColor &c : { online, offline, stale })
        QVERIFY(distance(QColor(colourAt(kJetson2, kNowMs - 8 * kMinute)), c) > 30);

    // The alert's stripe along the top of the band, only while it fired.
    const QRect band = m_panel->bandRect(kJetson1);
    const QColor critical = toneColor(Tone::Critical, palette);
    QCOMPARE(image.pixelColor(m_panel->xForMs(kNowMs - 90 * 1000), band.top() + 1).name(),
        critical.name());
    QCOMPARE(image.pixelColor(m_panel->xForMs(kNowMs - 30 * 1000), band.top() + 1).name(),
        online.name());
}

void tst_TimelinePanel::hoverSetsTheSharedCrosshair()
{
    QSignalSpy crosshair(m_time.get(), &WorkspaceTime::crosshairChanged);
    const qint64 target = kNowMs - 5 * kMinute;
    QTest::mouseMove(m_panel.get(), pointAt(kJetson2, target));
    QTRY_VERIFY_WITH_TIMEOUT(m_time->crosshairMs() != 0, kUiTimeoutMs);
    // Within a pixel of the time under the mouse.
    const qint64 msPerPixel = 10 * kMinute / m_panel->bandRect(kJetson2).width() + 1;
    QVERIFY2(std::abs(m_time->crosshairMs() - target) <= msPerPixel,
        qPrintable(QStringLiteral("%1 ms off").arg(m_time->crosshairMs() - target)));
    // Over the names there is no time: the crosshair goes.
    QTest::mouseMove(m_panel.get(),
        QPoint(m_panel->bandRect(kJetson2).left() - 20, pointAt(kJetson2, target).y()));
    QTRY_COMPARE_WITH_TIMEOUT(m_time->crosshairMs(), qint64(0), kUiTimeoutMs);
    QVERIFY(crosshair.size() >= 2);
    // A crosshair set elsewhere is drawn here: a line in the text colour.
    m_time->setCrosshair(kNowMs - 7 * kMinute);
    const QImage image = m_panel->grab().toImage();
    const QPoint line(m_panel->xForMs(kNowMs - 7 * kMinute), pointAt(kJetson1, kNowMs).y());
    QCOMPARE(image.pixelColor(line).name(), m_panel->palette().color(QPalette::Text).name());
}

void tst_TimelinePanel::clickActivatesTheDevice()
{
    QSignalSpy activated(m_panel.get(), &TimelinePanel::deviceActivated);
    QTest::mouseClick(m_panel.get(), Qt::LeftButton, {}, pointAt(kJetson2, kNowMs - 3 * kMinute));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), kJetson2);
    // On the name too.
    QTest::mouseClick(m_panel.get(), Qt::LeftButton, {},
        QPoint(m_panel->bandRect(kOrin).left() - 20, pointAt(kOrin, kNowMs).y()));
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), kOrin);
    // Below the rows: nothing.
    QTest::mouseClick(
        m_panel.get(), Qt::LeftButton, {}, QPoint(m_panel->width() / 2, m_panel->height() - 2));
    QCOMPARE(activated.size(), 2);
}

void tst_TimelinePanel::tooltipNamesStateAndInterval()
{
    const QPoint pos = pointAt(kJetson1, kNowMs - 4 * kMinute);
    QHelpEvent help(QEvent::ToolTip, pos, m_panel->mapToGlobal(pos));
    QCoreApplication::sendEvent(m_panel.get(), &help);
    QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible(), kUiTimeoutMs);
    const QString text = QToolTip::text();
    QVERIFY2(text.contains(kJetson1), qPrintable(text));
    const QString expected
        = QStringLiteral("%1 %2 – %3")
              .arg(StateTimeline::stateName(State::Offline), clockTime(kNowMs - 6 * kMinute),
                  clockTime(kNowMs - 3 * kMinute));
    QVERIFY2(text.contains(expected), qPrintable(text + QStringLiteral(" lacks ") + expected));

    // Under the alert: the alert and its interval too; the state's interval
    // is the whole online stretch, not the part the alert cuts out.
    const QPoint alertPos = pointAt(kJetson1, kNowMs - 90 * 1000);
    QHelpEvent alertHelp(QEvent::ToolTip, alertPos, m_panel->mapToGlobal(alertPos));
    QCoreApplication::sendEvent(m_panel.get(), &alertHelp);
    QTRY_VERIFY_WITH_TIMEOUT(QToolTip::text().contains(QStringLiteral("critical")), kUiTimeoutMs);
    const QString alertText = QToolTip::text();
    QVERIFY2(alertText.contains(QStringLiteral("%1 – %2").arg(
                 clockTime(kNowMs - 2 * kMinute), clockTime(kNowMs - kMinute))),
        qPrintable(alertText));
    QVERIFY2(alertText.contains(QStringLiteral("%1 %2 – ")
                                    .arg(StateTimeline::stateName(State::Online),
                                        clockTime(kNowMs - 3 * kMinute))),
        qPrintable(alertText));
}

QTEST_MAIN(tst_TimelinePanel)
#include "tst_timelinepanel.moc"
