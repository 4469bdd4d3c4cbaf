#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>

namespace Sightline {

// The counters of the telemetry half for GET /metrics (Prometheus text
// exposition format 0.0.4): sightline_events_published_total,
// sightline_ingest_points_total{result}, sightline_ingest_rejected_total{reason}
// and the sightline_storage_write_seconds histogram. Main thread only.
class TelemetryMetrics
{
public:
    TelemetryMetrics();

    void addPoints(const QByteArray &result, quint64 count); // accepted | rejected | duplicate
    void addRejected(const QByteArray &reason);               // an API error code
    void observeStorageWrite(double seconds);

    quint64 points(const QByteArray &result) const { return m_points.value(result); }
    quint64 rejected(const QByteArray &reason) const { return m_rejected.value(reason); }

    // The text, given the hub's published-event count.
    QByteArray text(quint64 eventsPublished) const;

private:
    QMap<QByteArray, quint64> m_points;
    QMap<QByteArray, quint64> m_rejected;
    QList<double> m_bucketBounds;     // upper bounds in seconds, ascending
    QList<quint64> m_bucketCounts;    // non-cumulative counts per bound
    quint64 m_writeCount = 0;
    double m_writeSum = 0;
};

} // namespace Sightline
