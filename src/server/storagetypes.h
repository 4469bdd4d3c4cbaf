#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

#include "server/identity.h"

namespace Sightline {

// The value types that cross between the telemetry services and the storage
// worker thread (queued signals copy them), plus the event of the log.

// One validated telemetry point (API.md "Ingest").
struct TelemetryPoint
{
    QString deviceId;
    QDateTime ts;              // the device's time, UTC
    std::optional<qint64> seq; // optional de-duplication key
    QJsonObject fields;        // name -> finite number
};

// One event of the log, as the hub publishes it and the stream serves it.
struct StoredEvent
{
    quint64 id = 0;
    QDateTime ts;      // the server's publish time (UTC)
    QString topic;     // account:<a>/site:<s>/device:<d>
    QString type;      // telemetry | alert | device_status
    QJsonObject data;
    QString accountId; // the parts of the topic, for filtered range reads
    QString siteId;
    QString deviceId;

    QString idString() const { return QString::number(id); }
    // {"id", "ts", "topic", "type", "data"} exactly as API.md "Live stream".
    QJsonObject toJson() const;
};

// A point to store, with the telemetry event that announces it. The point
// is stored as that event: the event's id and ts (the server's receive
// time) are the point's id and receive time.
struct PointWrite
{
    DeviceRecord device;
    TelemetryPoint point;
    StoredEvent event;
};

// One unit of a group commit: all of it is stored, or none of it.
struct WriteBatch
{
    QList<PointWrite> points;
    QList<StoredEvent> events; // events that carry no point (alert, device_status)
};

struct WriteResult
{
    bool ok = false;
    QString error;
    // Per point of the batch, in order: the id of the event that stored it
    // (for a duplicate, the original point's event id) ...
    QList<quint64> eventIds;
    // ... and whether it was a duplicate of an already stored (device, seq).
    QList<bool> duplicates;
};

// A range read of the event log: events with id > afterId, oldest first.
// Empty filter lists mean "no restriction" (the account is always required).
struct EventQuery
{
    quint64 afterId = 0;
    int limit = 1000;
    QString accountId;
    QStringList sites;
    QStringList devices;
    QStringList types;
    std::optional<QDateTime> since; // only events published at or after this
    QString state; // not empty: only alert events in this state (firing, resolved)
    // When more than `limit` events match: false keeps the oldest `limit`
    // (paging forward by afterId), true the newest; either way the page is
    // oldest first and hasMore says some were left out.
    bool newest = false;

    // Whether `event` passes the account, site, device, type and since
    // filters (for logs that cannot filter where they read).
    bool matches(const StoredEvent &event) const;
};

struct EventPage
{
    bool ok = false;
    QString error;
    QList<StoredEvent> events;
    bool hasMore = false;        // the limit cut the page short
    quint64 oldestRetainedId = 0; // 0 when the log is empty
};

struct HistoryQuery
{
    QString accountId;
    QString deviceId;
    QDateTime since; // inclusive
    QDateTime until; // exclusive
    QStringList fields; // empty: every field
    int limit = 10000; // points, or buckets with a step
    // Seconds per bucket (API.md "History for long ranges"), 0: raw points.
    int stepSeconds = 0;
};

struct HistoryPoint
{
    QDateTime ts;
    std::optional<qint64> seq;
    QJsonObject fields;
};

// One field's aggregates over the points of a bucket that have it.
struct FieldAggregate
{
    QString name;
    double min = 0;
    double max = 0;
    double mean = 0;
    double last = 0; // the value of the bucket's latest point (device time) that has the field
};

// One step of a history with `step`: the points whose device time is in
// [start, start + step).
struct HistoryStepBucket
{
    qint64 startMs = 0; // a multiple of the step since the Unix epoch
    qint64 count = 0; // points in the bucket, whatever fields they have
    QList<FieldAggregate> fields; // sorted by name
};

struct HistoryResult
{
    bool ok = false;
    QString error;
    QList<HistoryPoint> points; // ascending time (no step)
    QList<HistoryStepBucket> buckets; // ascending time (with a step)
    bool truncated = false;
};

// What storage remembers about a device between restarts.
struct DeviceState
{
    QString accountId;
    QString siteId;
    QString deviceId;
    QDateTime lastSeen; // server time of the last stored point
    QStringList fields; // every field name it has sent
};

} // namespace Sightline

Q_DECLARE_METATYPE(Sightline::StoredEvent)
Q_DECLARE_METATYPE(Sightline::WriteBatch)
Q_DECLARE_METATYPE(Sightline::WriteResult)
Q_DECLARE_METATYPE(Sightline::EventQuery)
Q_DECLARE_METATYPE(Sightline::EventPage)
Q_DECLARE_METATYPE(Sightline::HistoryQuery)
Q_DECLARE_METATYPE(Sightline::HistoryResult)
