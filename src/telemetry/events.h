#pragma once

#include "telemetry/parseresult.h"

#include <QByteArray>
#include <QJsonObject>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

// The event contract of API.md ("Live stream", "History and state") as C++
// value types. Each type has one fromJson() that returns the value or a
// sentence naming the first problem; nothing here touches the network.
// Times are milliseconds since the Unix epoch, UTC.

namespace Sightline {

// Parses an RFC 3339 timestamp ("2026-11-22T10:00:00.123Z", offsets allowed).
ParseResult<qint64> parseTimestamp(const QString &text);
// Formats as RFC 3339 UTC with milliseconds, the form the server writes.
QString formatTimestamp(qint64 msSinceEpoch);

enum class EventType { Telemetry, Alert, DeviceStatus, System };
ParseResult<EventType> parseEventType(const QString &name);
QString eventTypeName(EventType type);

// One telemetry point: the data of a "telemetry" event, or (without
// deviceId) one entry of the history endpoint's "points".
struct TelemetryData
{
    QString deviceId;
    qint64 tsMs = 0; // device time
    qint64 seq = -1; // -1 when the device sent none
    QMap<QString, double> fields;

    bool hasSeq() const { return seq >= 0; }

    static ParseResult<TelemetryData> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

enum class Severity { Info, Warning, Critical };
QString severityName(Severity severity);

struct AlertEvent
{
    enum class State { Firing, Resolved };

    QString deviceId;
    QString ruleId;
    Severity severity = Severity::Info;
    State state = State::Firing;
    QString field;
    double value = 0;
    double threshold = 0;
    QString message;
    qint64 tsMs = 0; // when the server published it (the envelope's ts), 0 if unknown

    static ParseResult<AlertEvent> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct DeviceStatusEvent
{
    enum class Status { Online, Offline };

    QString deviceId;
    Status status = Status::Offline;
    qint64 lastSeenMs = 0; // 0 when the device never posted ("lastSeen": null)

    static ParseResult<DeviceStatusEvent> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

struct SystemEvent
{
    enum class Kind { TokenExpired, Shutdown, Notice };

    Kind kind = Kind::Notice;
    QString message;

    static ParseResult<SystemEvent> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

// The JSON of every stream event: {"id","ts","topic","type","data"}. "id" and
// "topic" are null for system events (empty strings here).
struct EventEnvelope
{
    QString id;
    qint64 tsMs = 0; // server publish time
    QString topic;
    EventType type = EventType::System;
    QJsonObject data;

    // Parses the one line of JSON of an SSE "data:" field.
    static ParseResult<EventEnvelope> fromJson(const QByteArray &json);
    static ParseResult<EventEnvelope> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

// GET /api/v1/telemetry/history → {"points": [...], "truncated": bool}.
struct HistoryPage
{
    QList<TelemetryData> points; // deviceId filled from the request
    bool truncated = false;

    static ParseResult<HistoryPage> fromJson(const QJsonObject &object, const QString &deviceId);
};

// One bucket of GET /api/v1/telemetry/history?step=S (API.md "History for
// long ranges"): the points of one device in [tsMs, tsMs + step), each
// field's aggregates over the points that have that field.
struct HistoryBucket
{
    qint64 tsMs = 0; // bucket start, a multiple of the step since the epoch
    int count = 0;   // points in the bucket
    QHash<QString, double> min;
    QHash<QString, double> max;
    QHash<QString, double> mean;
    QHash<QString, double> last;
};

// The whole {"buckets": [...], "step": s, "truncated": bool} answer.
struct HistoryBucketPage
{
    qint64 stepMs = 0;
    QList<HistoryBucket> buckets; // ascending tsMs
    bool truncated = false;

    static ParseResult<HistoryBucketPage> fromJson(const QJsonObject &object);
};

// One entry of GET /api/v1/devices.
struct DeviceInfo
{
    QString deviceId;
    QString siteId;
    DeviceStatusEvent::Status status = DeviceStatusEvent::Status::Offline;
    qint64 lastSeenMs = 0; // 0 = never posted
    QStringList fields;

    static ParseResult<DeviceInfo> fromJson(const QJsonObject &object);
    // The whole {"devices": [...]} answer.
    static ParseResult<QList<DeviceInfo>> listFromJson(const QJsonObject &object);
};

} // namespace Sightline
