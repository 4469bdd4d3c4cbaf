#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/statetimeline.h"

#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

using State = StateTimeline::State;
using Source = StateTimeline::Source;
using Segment = StateTimeline::Segment;

namespace {

constexpr qint64 kT0 = 1'764'000'000'000;
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;

const QString kDevice = QStringLiteral("jetson-01");

Segment seg(qint64 start, qint64 end, State state, Source source,
    std::optional<Severity> alert = std::nullopt)
{
    return Segment { start, end, state, alert, source };
}

Segment unknown(qint64 start, qint64 end)
{
    return seg(start, end, State::Unknown, Source::None);
}

AlertEvent alert(const QString &rule, Severity severity, AlertEvent::State state, qint64 tsMs = 0)
{
    AlertEvent a;
    a.deviceId = kDevice;
    a.ruleId = rule;
    a.severity = severity;
    a.state = state;
    a.field = QStringLiteral("gpu_temp_c");
    a.tsMs = tsMs;
    return a;
}

QString describe(const QList<Segment> &segments)
{
    QStringList parts;
    for (const Segment &s : segments)
        parts << QStringLiteral("[%1..%2 %3 src%4 alert%5]")
                     .arg((s.startMs - kT0) / 1000.0)
                     .arg((s.endMs - kT0) / 1000.0)
                     .arg(StateTimeline::stateName(s.state))
                     .arg(static_cast<int>(s.source))
                     .arg(s.alertSeverity ? static_cast<int>(*s.alertSeverity) : -1);
    return parts.join(QLatin1Char(' '));
}

TelemetryData point(qint64 tsMs)
{
    TelemetryData p;
    p.deviceId = kDevice;
    p.tsMs = tsMs;
    p.fields.insert(QStringLiteral("cpu_temp_c"), 40);
    return p;
}

} // namespace

#define COMPARE_SEGMENTS(actual, expected)                                                         \
    do {                                                                                           \
        const QList<Segment> a_ = (actual);                                                        \
        const QList<Segment> e_ = (expected);                                                      \
        QVERIFY2(a_ == e_,                                                                         \
            qPrintable(QStringLiteral("\n  got      %1\n  expected %2")                            \
                           .arg(describe(a_), describe(e_))));                                     \
    } while (false)

class tst_StateTimeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transitionsBecomeSegments();
    void queriesAreClipped_data();
    void queriesAreClipped();
    void aDisconnectIsUnknown();
    void storedDataFillsWhatWasNotObserved();
    void laterCoverageReplacesEarlier();
    void coverageFromTheSeriesStore();
    void alertsOverlayTheWorstFiringSeverity();
    void alertSeverityChangeSplitsTheEpisode();
    void resolutionsThatDoNotMatchAnEpisodeAreIgnored();
    void followsTheDeviceModel();
    void followsTheAlertTable();
    void oldIntervalsArePruned();
    void aFlappingDeviceKeepsABoundedHistory();

private:
    qint64 m_now = kT0;
    Clock clock()
    {
        return [this] { return m_now; };
    }
};

void tst_StateTimeline::transitionsBecomeSegments()
{
    StateTimeline timeline(clock());
    QSignalSpy changed(&timeline, &StateTimeline::changed);
    timeline.noteDeviceState(kDevice, State::Online, kT0);
    timeline.noteDeviceState(kDevice, State::Online, kT0 + 5 * kSecond); // no change
    timeline.noteDeviceState(kDevice, State::Stale, kT0 + 10 * kSecond);
    timeline.noteDeviceState(kDevice, State::Offline, kT0 + 20 * kSecond);
    m_now = kT0 + 30 * kSecond;
    QCOMPARE(changed.size(), 3);
    QCOMPARE(changed.at(0).at(0).toString(), kDevice);

    // Unknown before the first observation and after now.
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0 - 10 * kSecond, kT0 + 40 * kSecond),
        (QList<Segment> { unknown(kT0 - 10 * kSecond, kT0),
            seg(kT0, kT0 + 10 * kSecond, State::Online, Source::Observed),
            seg(kT0 + 10 * kSecond, kT0 + 20 * kSecond, State::Stale, Source::Observed),
            seg(kT0 + 20 * kSecond, kT0 + 30 * kSecond, State::Offline, Source::Observed),
            unknown(kT0 + 30 * kSecond, kT0 + 40 * kSecond) }));
    // The open state grows with the clock.
    m_now = kT0 + 40 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0 + 20 * kSecond, kT0 + 40 * kSecond),
        (QList<Segment> {
            seg(kT0 + 20 * kSecond, kT0 + 40 * kSecond, State::Offline, Source::Observed) }));
    // A device never seen is unknown all along.
    COMPARE_SEGMENTS(timeline.segments(QStringLiteral("other"), kT0, kT0 + kSecond),
        (QList<Segment> { unknown(kT0, kT0 + kSecond) }));
}

void tst_StateTimeline::queriesAreClipped_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<QList<Segment>>("expected");

    // Online [0 s, 10 s), Offline [10 s, 20 s), now = 20 s.
    QTest::newRow("inside one state") << kT0 + 2 * kSecond << kT0 + 4 * kSecond
                                      << QList<Segment> { seg(kT0 + 2 * kSecond, kT0 + 4 * kSecond,
                                             State::Online, Source::Observed) };
    QTest::newRow("across a transition")
        << kT0 + 5 * kSecond << kT0 + 15 * kSecond
        << QList<Segment> { seg(kT0 + 5 * kSecond, kT0 + 10 * kSecond, State::Online,
                                Source::Observed),
               seg(kT0 + 10 * kSecond, kT0 + 15 * kSecond, State::Offline, Source::Observed) };
    QTest::newRow("wholly before the first observation")
        << kT0 - 20 * kSecond << kT0 - 10 * kSecond
        << QList<Segment> { unknown(kT0 - 20 * kSecond, kT0 - 10 * kSecond) };
    QTest::newRow("ending at the first observation")
        << kT0 - 20 * kSecond << kT0 << QList<Segment> { unknown(kT0 - 20 * kSecond, kT0) };
    QTest::newRow("empty range") << kT0 + 5 * kSecond << kT0 + 5 * kSecond << QList<Segment> {};
    QTest::newRow("inverted range") << kT0 + 5 * kSecond << kT0 << QList<Segment> {};
}

void tst_StateTimeline::queriesAreClipped()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(QList<Segment>, expected);
    StateTimeline timeline(clock());
    timeline.noteDeviceState(kDevice, State::Online, kT0);
    timeline.noteDeviceState(kDevice, State::Offline, kT0 + 10 * kSecond);
    m_now = kT0 + 20 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, from, to), expected);
}

void tst_StateTimeline::aDisconnectIsUnknown()
{
    StateTimeline timeline(clock());
    timeline.noteDeviceState(kDevice, State::Online, kT0);
    timeline.noteDeviceState(kDevice, State::Unknown, kT0 + 10 * kSecond);
    timeline.noteDeviceState(kDevice, State::Online, kT0 + 25 * kSecond);
    m_now = kT0 + 30 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 30 * kSecond),
        (QList<Segment> { seg(kT0, kT0 + 10 * kSecond, State::Online, Source::Observed),
            unknown(kT0 + 10 * kSecond, kT0 + 25 * kSecond),
            seg(kT0 + 25 * kSecond, kT0 + 30 * kSecond, State::Online, Source::Observed) }));
}

void tst_StateTimeline::storedDataFillsWhatWasNotObserved()
{
    StateTimeline timeline(clock());
    m_now = kT0 + 10 * kMinute;
    // History: points from 0 to 8 min, none between 2 and 3 min.
    timeline.noteDataCoverage(
        kDevice, kT0, kT0 + 8 * kMinute, { Gap { kT0 + 2 * kMinute, kT0 + 3 * kMinute } });
    // The session saw the device from 6 min on, offline from 7 min: what
    // was seen wins over the stored data.
    timeline.noteDeviceState(kDevice, State::Online, kT0 + 6 * kMinute);
    timeline.noteDeviceState(kDevice, State::Offline, kT0 + 7 * kMinute);
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0 - kMinute, kT0 + 10 * kMinute),
        (QList<Segment> { unknown(kT0 - kMinute, kT0),
            seg(kT0, kT0 + 2 * kMinute, State::Online, Source::StoredData),
            seg(kT0 + 2 * kMinute, kT0 + 3 * kMinute, State::Offline, Source::StoredData),
            seg(kT0 + 3 * kMinute, kT0 + 6 * kMinute, State::Online, Source::StoredData),
            seg(kT0 + 6 * kMinute, kT0 + 7 * kMinute, State::Online, Source::Observed),
            seg(kT0 + 7 * kMinute, kT0 + 10 * kMinute, State::Offline, Source::Observed) }));
}

void tst_StateTimeline::laterCoverageReplacesEarlier()
{
    StateTimeline timeline(clock());
    m_now = kT0 + 10 * kMinute;
    timeline.noteDataCoverage(
        kDevice, kT0, kT0 + 4 * kMinute, { Gap { kT0 + kMinute, kT0 + 3 * kMinute } });
    // More points arrived for [2 min, 5 min]: they close part of the gap.
    timeline.noteDataCoverage(kDevice, kT0 + 2 * kMinute, kT0 + 5 * kMinute, {});
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 6 * kMinute),
        (QList<Segment> { seg(kT0, kT0 + kMinute, State::Online, Source::StoredData),
            seg(kT0 + kMinute, kT0 + 2 * kMinute, State::Offline, Source::StoredData),
            seg(kT0 + 2 * kMinute, kT0 + 5 * kMinute, State::Online, Source::StoredData),
            unknown(kT0 + 5 * kMinute, kT0 + 6 * kMinute) }));
}

void tst_StateTimeline::coverageFromTheSeriesStore()
{
    SeriesStore store;
    QList<TelemetryData> points;
    for (qint64 t = kT0; t <= kT0 + kMinute; t += kSecond)
        points.append(point(t));
    for (qint64 t = kT0 + 3 * kMinute; t <= kT0 + 4 * kMinute; t += kSecond)
        points.append(point(t));
    store.mergeHistory(kDevice, points);
    m_now = kT0 + 5 * kMinute;
    StateTimeline timeline(clock());
    timeline.noteDataCoverage(store, kDevice);
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 5 * kMinute),
        (QList<Segment> { seg(kT0, kT0 + kMinute, State::Online, Source::StoredData),
            seg(kT0 + kMinute, kT0 + 3 * kMinute, State::Offline, Source::StoredData),
            seg(kT0 + 3 * kMinute, kT0 + 4 * kMinute, State::Online, Source::StoredData),
            unknown(kT0 + 4 * kMinute, kT0 + 5 * kMinute) }));
    // A device with no points says nothing.
    timeline.noteDataCoverage(store, QStringLiteral("silent"));
    COMPARE_SEGMENTS(timeline.segments(QStringLiteral("silent"), kT0, kT0 + kMinute),
        (QList<Segment> { unknown(kT0, kT0 + kMinute) }));
}

void tst_StateTimeline::alertsOverlayTheWorstFiringSeverity()
{
    StateTimeline timeline(clock());
    const QString hot = QStringLiteral("gpu-hot");
    const QString power = QStringLiteral("power-high");
    timeline.noteDeviceState(kDevice, State::Online, kT0);
    timeline.noteAlert(
        alert(hot, Severity::Warning, AlertEvent::State::Firing), kT0 + 10 * kSecond);
    timeline.noteAlert(
        alert(power, Severity::Critical, AlertEvent::State::Firing), kT0 + 20 * kSecond);
    timeline.noteAlert(
        alert(hot, Severity::Warning, AlertEvent::State::Resolved), kT0 + 30 * kSecond);
    timeline.noteAlert(
        alert(power, Severity::Critical, AlertEvent::State::Resolved), kT0 + 40 * kSecond);
    timeline.noteAlert(
        alert(hot, Severity::Warning, AlertEvent::State::Firing), kT0 + 50 * kSecond);
    m_now = kT0 + 60 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 70 * kSecond),
        (QList<Segment> { seg(kT0, kT0 + 10 * kSecond, State::Online, Source::Observed),
            seg(kT0 + 10 * kSecond, kT0 + 20 * kSecond, State::Online, Source::Observed,
                Severity::Warning),
            seg(kT0 + 20 * kSecond, kT0 + 40 * kSecond, State::Online, Source::Observed,
                Severity::Critical),
            seg(kT0 + 40 * kSecond, kT0 + 50 * kSecond, State::Online, Source::Observed),
            // still firing: until now, not beyond
            seg(kT0 + 50 * kSecond, kT0 + 60 * kSecond, State::Online, Source::Observed,
                Severity::Warning),
            unknown(kT0 + 60 * kSecond, kT0 + 70 * kSecond) }));
}

void tst_StateTimeline::alertSeverityChangeSplitsTheEpisode()
{
    StateTimeline timeline(clock());
    const QString hot = QStringLiteral("gpu-hot");
    timeline.noteAlert(alert(hot, Severity::Warning, AlertEvent::State::Firing), kT0);
    timeline.noteAlert(
        alert(hot, Severity::Critical, AlertEvent::State::Firing), kT0 + 10 * kSecond);
    timeline.noteAlert(
        alert(hot, Severity::Critical, AlertEvent::State::Resolved), kT0 + 20 * kSecond);
    m_now = kT0 + 30 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 30 * kSecond),
        (QList<Segment> {
            seg(kT0, kT0 + 10 * kSecond, State::Unknown, Source::None, Severity::Warning),
            seg(kT0 + 10 * kSecond, kT0 + 20 * kSecond, State::Unknown, Source::None,
                Severity::Critical),
            unknown(kT0 + 20 * kSecond, kT0 + 30 * kSecond) }));
}

void tst_StateTimeline::resolutionsThatDoNotMatchAnEpisodeAreIgnored()
{
    StateTimeline timeline(clock());
    const QString hot = QStringLiteral("gpu-hot");
    m_now = kT0 + kMinute;
    // Resolved without a firing seen: its start is not known, nothing is drawn.
    timeline.noteAlert(
        alert(hot, Severity::Critical, AlertEvent::State::Resolved), kT0 + 5 * kSecond);
    QCOMPARE(timeline.devices(), QStringList());
    // A resolution older than the open episode (an earlier one's) leaves it open.
    timeline.noteAlert(
        alert(hot, Severity::Critical, AlertEvent::State::Firing), kT0 + 10 * kSecond);
    timeline.noteAlert(
        alert(hot, Severity::Critical, AlertEvent::State::Resolved), kT0 + 5 * kSecond);
    // Another rule's resolution does not end it either.
    timeline.noteAlert(
        alert(QStringLiteral("other"), Severity::Critical, AlertEvent::State::Resolved),
        kT0 + 20 * kSecond);
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + kMinute),
        (QList<Segment> { unknown(kT0, kT0 + 10 * kSecond),
            seg(kT0 + 10 * kSecond, kT0 + kMinute, State::Unknown, Source::None,
                Severity::Critical) }));
}

void tst_StateTimeline::followsTheDeviceModel()
{
    DeviceListModel devices(clock());
    DeviceInfo info;
    info.deviceId = kDevice;
    info.siteId = QStringLiteral("north");
    info.status = DeviceStatusEvent::Status::Online;
    devices.setDevices({ info });

    StateTimeline timeline(clock());
    timeline.watchDevices(&devices);
    m_now = kT0 + 10 * kSecond;
    devices.setStreamLive(true);
    m_now = kT0 + 20 * kSecond;
    DeviceStatusEvent offline;
    offline.deviceId = kDevice;
    offline.status = DeviceStatusEvent::Status::Offline;
    devices.applyStatus(offline);
    m_now = kT0 + 30 * kSecond;
    // A device that appears later is followed from when it appears.
    DeviceStatusEvent second;
    second.deviceId = QStringLiteral("jetson-02");
    second.status = DeviceStatusEvent::Status::Online;
    devices.applyStatus(second, QStringLiteral("south"));
    m_now = kT0 + 40 * kSecond;
    devices.setStreamLive(false);
    m_now = kT0 + 50 * kSecond;

    // Before the stream was live the dashboard saw nothing (Disconnected).
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 50 * kSecond),
        (QList<Segment> { unknown(kT0, kT0 + 10 * kSecond),
            seg(kT0 + 10 * kSecond, kT0 + 20 * kSecond, State::Online, Source::Observed),
            seg(kT0 + 20 * kSecond, kT0 + 40 * kSecond, State::Offline, Source::Observed),
            unknown(kT0 + 40 * kSecond, kT0 + 50 * kSecond) }));
    COMPARE_SEGMENTS(timeline.segments(QStringLiteral("jetson-02"), kT0, kT0 + 50 * kSecond),
        (QList<Segment> { unknown(kT0, kT0 + 30 * kSecond),
            seg(kT0 + 30 * kSecond, kT0 + 40 * kSecond, State::Online, Source::Observed),
            unknown(kT0 + 40 * kSecond, kT0 + 50 * kSecond) }));

    // A reset without the device: it is no longer seen.
    devices.setStreamLive(true);
    m_now = kT0 + 60 * kSecond;
    devices.setDevices({});
    m_now = kT0 + 70 * kSecond;
    COMPARE_SEGMENTS(
        timeline.segments(QStringLiteral("jetson-02"), kT0 + 50 * kSecond, kT0 + 70 * kSecond),
        (QList<Segment> {
            seg(kT0 + 50 * kSecond, kT0 + 60 * kSecond, State::Online, Source::Observed),
            unknown(kT0 + 60 * kSecond, kT0 + 70 * kSecond) }));
}

void tst_StateTimeline::followsTheAlertTable()
{
    AlertTableModel alerts(clock());
    const QString hot = QStringLiteral("gpu-hot");
    const QString power = QStringLiteral("power-high");
    // Firing before the timeline watches (loaded at sign-in): read at once.
    alerts.applyAlert(alert(hot, Severity::Warning, AlertEvent::State::Firing, kT0));
    StateTimeline timeline(clock());
    timeline.watchAlerts(&alerts);
    alerts.applyAlert(
        alert(power, Severity::Critical, AlertEvent::State::Firing, kT0 + 10 * kSecond));
    alerts.applyAlert(
        alert(power, Severity::Critical, AlertEvent::State::Resolved, kT0 + 20 * kSecond));
    // Acknowledging the open warning re-reads it: nothing changes.
    QVERIFY(alerts.acknowledge(1));
    alerts.applyAlert(
        alert(power, Severity::Critical, AlertEvent::State::Firing, kT0 + 30 * kSecond));
    QVERIFY(alerts.acknowledge(1)); // the old resolved row must not end the new episode
    m_now = kT0 + 40 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0, kT0 + 40 * kSecond),
        (QList<Segment> {
            seg(kT0, kT0 + 10 * kSecond, State::Unknown, Source::None, Severity::Warning),
            seg(kT0 + 10 * kSecond, kT0 + 20 * kSecond, State::Unknown, Source::None,
                Severity::Critical),
            seg(kT0 + 20 * kSecond, kT0 + 30 * kSecond, State::Unknown, Source::None,
                Severity::Warning),
            seg(kT0 + 30 * kSecond, kT0 + 40 * kSecond, State::Unknown, Source::None,
                Severity::Critical) }));
    // The table is cleared (sign-out): the open episodes end there.
    alerts.clear();
    m_now = kT0 + 50 * kSecond;
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0 + 30 * kSecond, kT0 + 50 * kSecond),
        (QList<Segment> { seg(kT0 + 30 * kSecond, kT0 + 40 * kSecond, State::Unknown, Source::None,
                              Severity::Critical),
            unknown(kT0 + 40 * kSecond, kT0 + 50 * kSecond) }));
}

void tst_StateTimeline::oldIntervalsArePruned()
{
    StateTimeline timeline(clock());
    timeline.noteDeviceState(kDevice, State::Online, kT0);
    timeline.noteDeviceState(kDevice, State::Offline, kT0 + kHour);
    timeline.noteDataCoverage(kDevice, kT0 - kHour, kT0, {});
    timeline.noteAlert(
        alert(QStringLiteral("gpu-hot"), Severity::Warning, AlertEvent::State::Firing), kT0);
    timeline.noteAlert(
        alert(QStringLiteral("gpu-hot"), Severity::Warning, AlertEvent::State::Resolved),
        kT0 + kHour);
    // A day and a half later the device comes back: the first hour is past
    // the bound and gone; the offline state that began then is still open.
    m_now = kT0 + 36 * kHour;
    timeline.noteDeviceState(kDevice, State::Online, m_now);
    COMPARE_SEGMENTS(timeline.segments(kDevice, kT0 - kHour, m_now),
        (QList<Segment> { unknown(kT0 - kHour, kT0 + kHour),
            seg(kT0 + kHour, m_now, State::Offline, Source::Observed) }));
    // A device that was never seen again is forgotten whole.
    timeline.noteDeviceState(QStringLiteral("gone"), State::Online, m_now);
    timeline.noteDeviceState(QStringLiteral("gone"), State::Unknown, m_now + kSecond);
    QCOMPARE(timeline.devices(), (QStringList { QStringLiteral("gone"), kDevice }));
    m_now += StateTimeline::kKeepMs + 2 * kMinute;
    timeline.noteDeviceState(kDevice, State::Stale, m_now);
    QCOMPARE(timeline.devices(), QStringList { kDevice });
}

void tst_StateTimeline::aFlappingDeviceKeepsABoundedHistory()
{
    StateTimeline timeline(clock());
    const int transitions = 3 * StateTimeline::kMaxIntervals;
    for (int i = 0; i < transitions; ++i)
        timeline.noteDeviceState(kDevice, i % 2 ? State::Stale : State::Online, kT0 + i * kSecond);
    m_now = kT0 + transitions * kSecond;
    const QList<Segment> all = timeline.segments(kDevice, kT0, m_now);
    // The bound plus the open state, and Unknown where the oldest were dropped.
    QCOMPARE(all.size(), StateTimeline::kMaxIntervals + 2);
    QCOMPARE(all.first(),
        unknown(kT0, kT0 + (transitions - 1 - StateTimeline::kMaxIntervals) * kSecond));
    QCOMPARE(all.last(), seg(m_now - kSecond, m_now, State::Stale, Source::Observed));
}

QTEST_GUILESS_MAIN(tst_StateTimeline)
#include "tst_statetimeline.moc"
