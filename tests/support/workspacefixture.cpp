#include "support/workspacefixture.h"

#include <cmath>

namespace Sightline {

WorkspaceFixture::WorkspaceFixture(Clock clock)
    : devices(clock)
    , alerts(clock)
    , timeline(clock)
    , time(clock)
{
    latest.showAllDevices();
    timeline.watchDevices(&devices);
    timeline.watchAlerts(&alerts);
}

WorkspaceModels WorkspaceFixture::models()
{
    return {&series, &buckets, &devices, &latest, &alerts, &timeline, &time};
}

void WorkspaceFixture::fillSampleFleet(qint64 nowMs, int minutes)
{
    auto info = [](const char *id, const char *site, bool online, qint64 seen) {
        DeviceInfo d;
        d.deviceId = QString::fromLatin1(id);
        d.siteId = QString::fromLatin1(site);
        d.status = online ? DeviceStatusEvent::Status::Online : DeviceStatusEvent::Status::Offline;
        d.lastSeenMs = seen;
        d.fields = {QStringLiteral("cpu_temp_c"), QStringLiteral("gpu_temp_c"), QStringLiteral("gpu_util_pct"),
                    QStringLiteral("power_mw")};
        return d;
    };
    devices.setDevices({info("jetson-01", "lab", true, nowMs), info("jetson-02", "lab", true, nowMs),
                        info("jetson-03", "lab", true, nowMs), info("cam-yard-1", "yard", false, nowMs - 47 * 60000)});
    devices.setStreamLive(true);
    const int points = minutes * 60 * 2;
    for (int d = 0; d < 3; ++d) {
        const QString id = QStringLiteral("jetson-0%1").arg(d + 1);
        QList<TelemetryData> history;
        for (int i = 0; i < points; ++i) {
            if (d == 1 && i > points / 2 && i < points / 2 + 60)
                continue; // 30 s that could not be recovered
            TelemetryData p;
            p.deviceId = id;
            p.tsMs = nowMs - (points - i) * 500;
            p.seq = i;
            const double t = i / 2.0;
            p.fields.insert(QStringLiteral("cpu_temp_c"), 46 + d * 4 + 3 * std::sin(t / (20.0 + d * 7)));
            p.fields.insert(QStringLiteral("gpu_temp_c"), 52 + d * 6 + 5 * std::sin(t / 35.0 + d));
            p.fields.insert(QStringLiteral("gpu_util_pct"), std::fmod(31 + d * 17 + t * (0.3 + d * 0.1), 90));
            p.fields.insert(QStringLiteral("power_mw"), 5100 + d * 700 + 400 * std::sin(t / 15.0));
            history.append(p);
        }
        series.mergeHistory(id, history);
        latest.applyPoint(history.constLast());
        devices.notePoint(id, history.constLast().tsMs);
        timeline.noteDataCoverage(series, id);
    }
}

WorkspaceLayout parseLayout(const char *json)
{
    ParseResult<WorkspaceLayout> layout = WorkspaceLayout::fromJson(QByteArray(json));
    if (!layout.isOk())
        qFatal("bad test layout: %s", qPrintable(layout.error()));
    return layout.value();
}

} // namespace Sightline
