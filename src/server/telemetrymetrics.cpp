#include "server/telemetrymetrics.h"

namespace Sightline {

TelemetryMetrics::TelemetryMetrics()
    : m_bucketBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
{
    m_bucketCounts.fill(0, m_bucketBounds.size());
    for (const char *result : {"accepted", "rejected", "duplicate"})
        m_points.insert(QByteArray(result), 0);
}

void TelemetryMetrics::addPoints(const QByteArray &result, quint64 count)
{
    m_points[result] += count;
}

void TelemetryMetrics::addRejected(const QByteArray &reason)
{
    ++m_rejected[reason];
}

void TelemetryMetrics::observeStorageWrite(double seconds)
{
    ++m_writeCount;
    m_writeSum += seconds;
    for (qsizetype i = 0; i < m_bucketBounds.size(); ++i) {
        if (seconds <= m_bucketBounds.at(i)) {
            ++m_bucketCounts[i];
            break;
        }
    }
}

QByteArray TelemetryMetrics::text(quint64 eventsPublished) const
{
    QByteArray out;
    out += "# HELP sightline_events_published_total Events stored in the event log and published by the hub.\n"
           "# TYPE sightline_events_published_total counter\n"
           "sightline_events_published_total " + QByteArray::number(eventsPublished) + '\n';

    out += "# HELP sightline_ingest_points_total Telemetry points received, by outcome.\n"
           "# TYPE sightline_ingest_points_total counter\n";
    for (auto it = m_points.begin(); it != m_points.end(); ++it)
        out += "sightline_ingest_points_total{result=\"" + it.key() + "\"} " + QByteArray::number(it.value()) + '\n';

    out += "# HELP sightline_ingest_rejected_total Rejected ingest requests, by error code.\n"
           "# TYPE sightline_ingest_rejected_total counter\n";
    for (auto it = m_rejected.begin(); it != m_rejected.end(); ++it)
        out += "sightline_ingest_rejected_total{reason=\"" + it.key() + "\"} " + QByteArray::number(it.value()) + '\n';

    out += "# HELP sightline_storage_write_seconds Duration of one storage group commit.\n"
           "# TYPE sightline_storage_write_seconds histogram\n";
    quint64 cumulative = 0;
    for (qsizetype i = 0; i < m_bucketBounds.size(); ++i) {
        cumulative += m_bucketCounts.at(i);
        out += "sightline_storage_write_seconds_bucket{le=\"" + QByteArray::number(m_bucketBounds.at(i), 'g', 6)
            + "\"} " + QByteArray::number(cumulative) + '\n';
    }
    out += "sightline_storage_write_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(m_writeCount) + '\n';
    out += "sightline_storage_write_seconds_sum " + QByteArray::number(m_writeSum, 'g', 9) + '\n';
    out += "sightline_storage_write_seconds_count " + QByteArray::number(m_writeCount) + '\n';
    return out;
}

} // namespace Sightline
