#include "telemetry/events.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>

namespace Sightline {

namespace {

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

// Reads a required non-empty string member, or explains why it cannot.
bool readString(const QJsonObject &object, QLatin1String key, QString *out, QString *error)
{
    const QJsonValue value = object.value(key);
    if (!value.isString()) {
        *error = QStringLiteral("\"%1\" must be a string, got %2").arg(key, jsonTypeName(value));
        return false;
    }
    *out = value.toString();
    if (out->isEmpty()) {
        *error = QStringLiteral("\"%1\" must not be empty").arg(key);
        return false;
    }
    return true;
}

bool readNumber(const QJsonObject &object, QLatin1String key, double *out, QString *error)
{
    const QJsonValue value = object.value(key);
    if (!value.isDouble() || !std::isfinite(value.toDouble())) {
        *error = QStringLiteral("\"%1\" must be a finite number, got %2").arg(key, jsonTypeName(value));
        return false;
    }
    *out = value.toDouble();
    return true;
}

bool readTimestamp(const QJsonObject &object, QLatin1String key, qint64 *out, QString *error)
{
    QString text;
    if (!readString(object, key, &text, error))
        return false;
    const ParseResult<qint64> ts = parseTimestamp(text);
    if (!ts.isOk()) {
        *error = QStringLiteral("\"%1\": %2").arg(key, ts.error());
        return false;
    }
    *out = ts.value();
    return true;
}

// A JSON number that is a non-negative integer (doubles carry 53 bits exactly).
bool readSeq(const QJsonValue &value, qint64 *out, QString *error)
{
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d < 0 || d != std::floor(d) || d > 9007199254740991.0) {
        *error = QStringLiteral("\"seq\" must be a non-negative integer, got %1")
                         .arg(value.isDouble() ? QString::number(d) : jsonTypeName(value));
        return false;
    }
    *out = static_cast<qint64>(d);
    return true;
}

} // namespace

ParseResult<qint64> parseTimestamp(const QString &text)
{
    // RFC 3339 section 5.6: date "T" time, optional fraction, then Z or an offset.
    static const QRegularExpression shape(QStringLiteral(
            "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"));
    if (!shape.match(text).hasMatch())
        return ParseResult<qint64>::failure(
                QStringLiteral("\"%1\" is not an RFC 3339 timestamp").arg(text));
    QString normalized = text;
    normalized[10] = QLatin1Char('T');
    if (normalized.endsWith(QLatin1Char('z')))
        normalized.back() = QLatin1Char('Z');
    // Qt reads at most milliseconds; cut longer fractions instead of failing.
    static const QRegularExpression longFraction(QStringLiteral("(\\.\\d{3})\\d+"));
    normalized.replace(longFraction, QStringLiteral("\\1"));
    const QDateTime dt = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!dt.isValid())
        return ParseResult<qint64>::failure(
                QStringLiteral("\"%1\" is not a valid date and time").arg(text));
    return ParseResult<qint64>::success(dt.toMSecsSinceEpoch());
}

QString formatTimestamp(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, QTimeZone::utc())
            .toString(Qt::ISODateWithMs);
}

ParseResult<EventType> parseEventType(const QString &name)
{
    if (name == QLatin1String("telemetry"))
        return ParseResult<EventType>::success(EventType::Telemetry);
    if (name == QLatin1String("alert"))
        return ParseResult<EventType>::success(EventType::Alert);
    if (name == QLatin1String("device_status"))
        return ParseResult<EventType>::success(EventType::DeviceStatus);
    if (name == QLatin1String("system"))
        return ParseResult<EventType>::success(EventType::System);
    return ParseResult<EventType>::failure(
            QStringLiteral("unknown event type \"%1\" (expected telemetry, alert, "
                           "device_status or system)")
                    .arg(name));
}

QString eventTypeName(EventType type)
{
    switch (type) {
    case EventType::Telemetry:
        return QStringLiteral("telemetry");
    case EventType::Alert:
        return QStringLiteral("alert");
    case EventType::DeviceStatus:
        return QStringLiteral("device_status");
    case EventType::System:
        return QStringLiteral("system");
    }
    return QString();
}

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return QStringLiteral("info");
    case Severity::Warning:
        return QStringLiteral("warning");
    case Severity::Critical:
        return QStringLiteral("critical");
    }
    return QString();
}

// ---- TelemetryData ------------------------------------------------------

ParseResult<TelemetryData> TelemetryData::fromJson(const QJsonObject &object)
{
    using R = ParseResult<TelemetryData>;
    TelemetryData point;
    QString error;
    if (object.contains(QLatin1String("deviceId"))
        && !readString(object, QLatin1String("deviceId"), &point.deviceId, &error))
        return R::failure(error);
    if (!readTimestamp(object, QLatin1String("ts"), &point.tsMs, &error))
        return R::failure(error);
    const QJsonValue seq = object.value(QLatin1String("seq"));
    if (!seq.isUndefined() && !seq.isNull() && !readSeq(seq, &point.seq, &error))
        return R::failure(error);
    const QJsonValue fields = object.value(QLatin1String("fields"));
    if (!fields.isObject())
        return R::failure(
                QStringLiteral("\"fields\" must be an object, got %1").arg(jsonTypeName(fields)));
    const QJsonObject fieldObject = fields.toObject();
    if (fieldObject.isEmpty())
        return R::failure(QStringLiteral("\"fields\" must hold at least one field"));
    for (auto it = fieldObject.begin(); it != fieldObject.end(); ++it) {
        if (!it.value().isDouble() || !std::isfinite(it.value().toDouble()))
            return R::failure(QStringLiteral("field \"%1\" must be a finite number, got %2")
                                      .arg(it.key(), jsonTypeName(it.value())));
        point.fields.insert(it.key(), it.value().toDouble());
    }
    return R::success(point);
}

QJsonObject TelemetryData::toJson() const
{
    QJsonObject fieldObject;
    for (auto it = fields.begin(); it != fields.end(); ++it)
        fieldObject.insert(it.key(), it.value());
    QJsonObject object{{QStringLiteral("ts"), formatTimestamp(tsMs)},
                       {QStringLiteral("fields"), fieldObject}};
    if (!deviceId.isEmpty())
        object.insert(QStringLiteral("deviceId"), deviceId);
    if (hasSeq())
        object.insert(QStringLiteral("seq"), seq);
    return object;
}

// ---- AlertEvent ------------------------------------------------------------

ParseResult<AlertEvent> AlertEvent::fromJson(const QJsonObject &object)
{
    using R = ParseResult<AlertEvent>;
    AlertEvent alert;
    QString error;
    QString severity;
    QString state;
    if (!readString(object, QLatin1String("deviceId"), &alert.deviceId, &error)
        || !readString(object, QLatin1String("ruleId"), &alert.ruleId, &error)
        || !readString(object, QLatin1String("severity"), &severity, &error)
        || !readString(object, QLatin1String("state"), &state, &error))
        return R::failure(error);
    if (severity == QLatin1String("info"))
        alert.severity = Severity::Info;
    else if (severity == QLatin1String("warning"))
        alert.severity = Severity::Warning;
    else if (severity == QLatin1String("critical"))
        alert.severity = Severity::Critical;
    else
        return R::failure(QStringLiteral("\"severity\" must be info, warning or critical, got \"%1\"")
                                  .arg(severity));
    if (state == QLatin1String("firing"))
        alert.state = State::Firing;
    else if (state == QLatin1String("resolved"))
        alert.state = State::Resolved;
    else
        return R::failure(
                QStringLiteral("\"state\" must be firing or resolved, got \"%1\"").arg(state));
    // field, value, threshold and message describe the alert; a missing one
    // is tolerated (shown empty) rather than losing the alert itself.
    alert.field = object.value(QLatin1String("field")).toString();
    alert.message = object.value(QLatin1String("message")).toString();
    if (object.contains(QLatin1String("value"))
        && !readNumber(object, QLatin1String("value"), &alert.value, &error))
        return R::failure(error);
    if (object.contains(QLatin1String("threshold"))
        && !readNumber(object, QLatin1String("threshold"), &alert.threshold, &error))
        return R::failure(error);
    // The alerts endpoint adds "ts" to each alert; stream alerts take the envelope's.
    if (object.contains(QLatin1String("ts"))
        && !readTimestamp(object, QLatin1String("ts"), &alert.tsMs, &error))
        return R::failure(error);
    return R::success(alert);
}

QJsonObject AlertEvent::toJson() const
{
    QJsonObject object{
            {QStringLiteral("deviceId"), deviceId},
            {QStringLiteral("ruleId"), ruleId},
            {QStringLiteral("severity"), severityName(severity)},
            {QStringLiteral("state"),
             state == State::Firing ? QStringLiteral("firing") : QStringLiteral("resolved")},
            {QStringLiteral("field"), field},
            {QStringLiteral("value"), value},
            {QStringLiteral("threshold"), threshold},
            {QStringLiteral("message"), message},
    };
    if (tsMs > 0)
        object.insert(QStringLiteral("ts"), formatTimestamp(tsMs));
    return object;
}

// ---- DeviceStatusEvent -------------------------------------------------------

namespace {

bool readStatus(const QJsonObject &object, DeviceStatusEvent::Status *status, qint64 *lastSeen,
                QString *error)
{
    QString text;
    if (!readString(object, QLatin1String("status"), &text, error))
        return false;
    if (text == QLatin1String("online")) {
        *status = DeviceStatusEvent::Status::Online;
    } else if (text == QLatin1String("offline")) {
        *status = DeviceStatusEvent::Status::Offline;
    } else {
        *error = QStringLiteral("\"status\" must be online or offline, got \"%1\"").arg(text);
        return false;
    }
    const QJsonValue seen = object.value(QLatin1String("lastSeen"));
    if (seen.isNull() || seen.isUndefined()) {
        *lastSeen = 0;
        return true;
    }
    return readTimestamp(object, QLatin1String("lastSeen"), lastSeen, error);
}

} // namespace

ParseResult<DeviceStatusEvent> DeviceStatusEvent::fromJson(const QJsonObject &object)
{
    using R = ParseResult<DeviceStatusEvent>;
    DeviceStatusEvent event;
    QString error;
    if (!readString(object, QLatin1String("deviceId"), &event.deviceId, &error)
        || !readStatus(object, &event.status, &event.lastSeenMs, &error))
        return R::failure(error);
    return R::success(event);
}

QJsonObject DeviceStatusEvent::toJson() const
{
    return QJsonObject{
            {QStringLiteral("deviceId"), deviceId},
            {QStringLiteral("status"),
             status == Status::Online ? QStringLiteral("online") : QStringLiteral("offline")},
            {QStringLiteral("lastSeen"),
             lastSeenMs > 0 ? QJsonValue(formatTimestamp(lastSeenMs)) : QJsonValue()},
    };
}

// ---- SystemEvent -----------------------------------------------------------

ParseResult<SystemEvent> SystemEvent::fromJson(const QJsonObject &object)
{
    using R = ParseResult<SystemEvent>;
    SystemEvent event;
    QString error;
    QString kind;
    if (!readString(object, QLatin1String("kind"), &kind, &error))
        return R::failure(error);
    if (kind == QLatin1String("token_expired"))
        event.kind = Kind::TokenExpired;
    else if (kind == QLatin1String("shutdown"))
        event.kind = Kind::Shutdown;
    else if (kind == QLatin1String("notice"))
        event.kind = Kind::Notice;
    else
        return R::failure(QStringLiteral("\"kind\" must be token_expired, shutdown or notice, "
                                         "got \"%1\"")
                                  .arg(kind));
    event.message = object.value(QLatin1String("message")).toString();
    return R::success(event);
}

QJsonObject SystemEvent::toJson() const
{
    QString kindName;
    switch (kind) {
    case Kind::TokenExpired:
        kindName = QStringLiteral("token_expired");
        break;
    case Kind::Shutdown:
        kindName = QStringLiteral("shutdown");
        break;
    case Kind::Notice:
        kindName = QStringLiteral("notice");
        break;
    }
    return QJsonObject{{QStringLiteral("kind"), kindName}, {QStringLiteral("message"), message}};
}

// ---- EventEnvelope -----------------------------------------------------------

ParseResult<EventEnvelope> EventEnvelope::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return ParseResult<EventEnvelope>::failure(
                QStringLiteral("event is not valid JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject())
        return ParseResult<EventEnvelope>::failure(QStringLiteral("event must be a JSON object"));
    return fromJson(doc.object());
}

ParseResult<EventEnvelope> EventEnvelope::fromJson(const QJsonObject &object)
{
    using R = ParseResult<EventEnvelope>;
    EventEnvelope envelope;
    QString error;
    QString typeName;
    if (!readString(object, QLatin1String("type"), &typeName, &error))
        return R::failure(error);
    const ParseResult<EventType> type = parseEventType(typeName);
    if (!type.isOk())
        return R::failure(type.error());
    envelope.type = type.value();
    if (!readTimestamp(object, QLatin1String("ts"), &envelope.tsMs, &error))
        return R::failure(error);

    // API.md: system events carry "id": null and "topic": null; every other
    // event has both.
    const QJsonValue id = object.value(QLatin1String("id"));
    const QJsonValue topic = object.value(QLatin1String("topic"));
    if (envelope.type == EventType::System) {
        envelope.id = id.toString();
        envelope.topic = topic.toString();
    } else if (!readString(object, QLatin1String("id"), &envelope.id, &error)
               || !readString(object, QLatin1String("topic"), &envelope.topic, &error)) {
        return R::failure(error);
    }
    const QJsonValue data = object.value(QLatin1String("data"));
    if (!data.isObject())
        return R::failure(QStringLiteral("\"data\" must be an object, got %1").arg(jsonTypeName(data)));
    envelope.data = data.toObject();
    return R::success(envelope);
}

QJsonObject EventEnvelope::toJson() const
{
    const bool system = type == EventType::System;
    return QJsonObject{
            {QStringLiteral("id"), system && id.isEmpty() ? QJsonValue() : QJsonValue(id)},
            {QStringLiteral("ts"), formatTimestamp(tsMs)},
            {QStringLiteral("topic"),
             system && topic.isEmpty() ? QJsonValue() : QJsonValue(topic)},
            {QStringLiteral("type"), eventTypeName(type)},
            {QStringLiteral("data"), data},
    };
}

// ---- HistoryPage and DeviceInfo ------------------------------------------------

ParseResult<HistoryPage> HistoryPage::fromJson(const QJsonObject &object, const QString &deviceId)
{
    using R = ParseResult<HistoryPage>;
    const QJsonValue points = object.value(QLatin1String("points"));
    if (!points.isArray())
        return R::failure(QStringLiteral("\"points\" must be an array, got %1").arg(jsonTypeName(points)));
    HistoryPage page;
    const QJsonArray array = points.toArray();
    page.points.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return R::failure(QStringLiteral("point %1 must be an object").arg(i));
        ParseResult<TelemetryData> point = TelemetryData::fromJson(array.at(i).toObject());
        if (!point.isOk())
            return R::failure(QStringLiteral("point %1: %2").arg(i).arg(point.error()));
        point.value().deviceId = deviceId;
        page.points.append(point.value());
    }
    page.truncated = object.value(QLatin1String("truncated")).toBool(false);
    return R::success(page);
}

namespace {

bool readAggregate(const QJsonObject &bucket, QLatin1String key, QHash<QString, double> *out, QString *error)
{
    const QJsonValue value = bucket.value(key);
    if (value.isUndefined())
        return true; // a bucket may leave out an aggregate no field has
    if (!value.isObject()) {
        *error = QStringLiteral("\"%1\" must be an object, got %2").arg(key, jsonTypeName(value));
        return false;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isDouble()) {
            *error = QStringLiteral("\"%1\".\"%2\" must be a number, got %3").arg(key, it.key(), jsonTypeName(it.value()));
            return false;
        }
        out->insert(it.key(), it.value().toDouble());
    }
    return true;
}

} // namespace

ParseResult<HistoryBucketPage> HistoryBucketPage::fromJson(const QJsonObject &object)
{
    using R = ParseResult<HistoryBucketPage>;
    const QJsonValue buckets = object.value(QLatin1String("buckets"));
    if (!buckets.isArray())
        return R::failure(QStringLiteral("\"buckets\" must be an array, got %1").arg(jsonTypeName(buckets)));
    const QJsonValue step = object.value(QLatin1String("step"));
    if (!step.isDouble() || step.toDouble() < 1 || step.toDouble() != std::floor(step.toDouble()))
        return R::failure(QStringLiteral("\"step\" must be a whole number of seconds, got %1").arg(jsonTypeName(step)));
    HistoryBucketPage page;
    page.stepMs = qint64(step.toDouble()) * 1000;
    const QJsonArray array = buckets.toArray();
    page.buckets.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return R::failure(QStringLiteral("bucket %1 must be an object").arg(i));
        const QJsonObject item = array.at(i).toObject();
        HistoryBucket bucket;
        QString error;
        double count = 0;
        if (!readTimestamp(item, QLatin1String("ts"), &bucket.tsMs, &error)
            || !readNumber(item, QLatin1String("count"), &count, &error)
            || !readAggregate(item, QLatin1String("min"), &bucket.min, &error)
            || !readAggregate(item, QLatin1String("max"), &bucket.max, &error)
            || !readAggregate(item, QLatin1String("mean"), &bucket.mean, &error)
            || !readAggregate(item, QLatin1String("last"), &bucket.last, &error))
            return R::failure(QStringLiteral("bucket %1: %2").arg(i).arg(error));
        bucket.count = int(count);
        page.buckets.append(bucket);
    }
    page.truncated = object.value(QLatin1String("truncated")).toBool(false);
    return R::success(page);
}

ParseResult<DeviceInfo> DeviceInfo::fromJson(const QJsonObject &object)
{
    using R = ParseResult<DeviceInfo>;
    DeviceInfo info;
    QString error;
    if (!readString(object, QLatin1String("deviceId"), &info.deviceId, &error)
        || !readString(object, QLatin1String("siteId"), &info.siteId, &error)
        || !readStatus(object, &info.status, &info.lastSeenMs, &error))
        return R::failure(error);
    const QJsonArray fields = object.value(QLatin1String("fields")).toArray();
    for (const QJsonValue &field : fields)
        if (field.isString())
            info.fields.append(field.toString());
    return R::success(info);
}

ParseResult<QList<DeviceInfo>> DeviceInfo::listFromJson(const QJsonObject &object)
{
    using R = ParseResult<QList<DeviceInfo>>;
    const QJsonValue devices = object.value(QLatin1String("devices"));
    if (!devices.isArray())
        return R::failure(QStringLiteral("\"devices\" must be an array, got %1").arg(jsonTypeName(devices)));
    QList<DeviceInfo> list;
    const QJsonArray array = devices.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const ParseResult<DeviceInfo> info = fromJson(array.at(i).toObject());
        if (!info.isOk())
            return R::failure(QStringLiteral("device %1: %2").arg(i).arg(info.error()));
        list.append(info.value());
    }
    return R::success(list);
}

} // namespace Sightline
