#include "server/ingestvalidation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

#include "server/rfc3339.h"

namespace Sightline {

namespace {

// The largest integer a JSON number (an IEEE double) carries exactly.
constexpr double kMaxExactInteger = 9007199254740991.0;

const QByteArray kInvalidPoint = QByteArrayLiteral("invalid_point");

ValidationProblem pointProblem(int index, const QString &field, const QString &what,
                               int status = 400, const QByteArray &code = kInvalidPoint)
{
    ValidationProblem problem;
    problem.status = status;
    problem.code = code;
    problem.index = index;
    problem.field = field;
    problem.message = QStringLiteral("Point %1, field \"%2\": %3.").arg(index).arg(field, what);
    return problem;
}

ValidationProblem bodyProblem(int status, const QByteArray &code, const QString &message)
{
    ValidationProblem problem;
    problem.status = status;
    problem.code = code;
    problem.message = message;
    return problem;
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("missing");
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

} // namespace

bool isJsonContentType(QByteArrayView contentType)
{
    // RFC 9110 8.3.1: type/subtype and parameter names are case-insensitive.
    const QList<QByteArray> parts = contentType.toByteArray().split(';');
    if (trimmed(parts.first()).toByteArray().toLower() != "application/json")
        return false;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray parameter = trimmed(parts.at(i)).toByteArray();
        const qsizetype equals = parameter.indexOf('=');
        if (equals < 0)
            return false;
        const QByteArray name = trimmed(QByteArrayView(parameter).first(equals)).toByteArray().toLower();
        QByteArray value = trimmed(QByteArrayView(parameter).sliced(equals + 1)).toByteArray().toLower();
        if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
            value = value.mid(1, value.size() - 2);
        if (name != "charset" || (value != "utf-8" && value != "utf8"))
            return false;
    }
    return true;
}

bool isValidFieldName(QStringView name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z')
            || (u >= u'0' && u <= u'9') || u == u'_' || u == u'.' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
}

QList<ValidationProblem> checkIngestEnvelope(QByteArrayView contentType, qint64 bodySize,
                                             const IngestLimits &limits)
{
    QList<ValidationProblem> problems;
    if (!isJsonContentType(contentType)) {
        problems.append(bodyProblem(
            415, QByteArrayLiteral("unsupported_media_type"),
            QStringLiteral("Send the body as Content-Type: application/json.")));
    }
    if (bodySize > limits.maxBodyBytes) {
        problems.append(bodyProblem(
            413, QByteArrayLiteral("payload_too_large"),
            QStringLiteral("The body is %1 bytes; the limit is %2 bytes, send fewer points per request.")
                .arg(bodySize)
                .arg(limits.maxBodyBytes)));
    }
    return problems;
}

QList<ValidationProblem> validatePoint(const QJsonValue &value, int index,
                                       const QString &deviceId, const QDateTime &now,
                                       const IngestLimits &limits, TelemetryPoint *point)
{
    QList<ValidationProblem> problems;
    if (!value.isObject()) {
        problems.append(pointProblem(index, QStringLiteral("(point)"),
                                     QStringLiteral("a point must be an object, got %1").arg(typeName(value))));
        return problems;
    }
    const QJsonObject object = value.toObject();

    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        if (key != u"deviceId" && key != u"ts" && key != u"seq" && key != u"fields")
            problems.append(pointProblem(index, key, QStringLiteral("unknown key; a point has deviceId, ts, seq and fields")));
    }

    // deviceId: a string; the device the key is bound to (403 otherwise).
    const QJsonValue device = object.value(QStringLiteral("deviceId"));
    bool deviceMismatch = false;
    if (!device.isString() || device.toString().isEmpty()) {
        problems.append(pointProblem(index, QStringLiteral("deviceId"),
                                     QStringLiteral("must be a non-empty string, got %1").arg(typeName(device))));
    } else if (device.toString() != deviceId) {
        deviceMismatch = true;
    } else {
        point->deviceId = device.toString();
    }

    // ts: strict RFC 3339 with an offset or Z.
    const QJsonValue ts = object.value(QStringLiteral("ts"));
    bool skewed = false;
    qint64 skewSeconds = 0;
    if (!ts.isString()) {
        problems.append(pointProblem(index, QStringLiteral("ts"),
                                     QStringLiteral("must be an RFC 3339 string, got %1").arg(typeName(ts))));
    } else if (const auto parsed = parseRfc3339(ts.toString()); !parsed) {
        problems.append(pointProblem(index, QStringLiteral("ts"),
                                     QStringLiteral("must be RFC 3339 with an offset or Z, like 2026-11-22T10:00:00.123Z")));
    } else {
        point->ts = *parsed;
        skewSeconds = qAbs(parsed->msecsTo(now)) / 1000;
        skewed = qAbs(parsed->msecsTo(now)) > qint64(limits.maxSkewSeconds) * 1000;
    }

    // seq: optional non-negative integer.
    if (object.contains(QStringLiteral("seq"))) {
        const QJsonValue seq = object.value(QStringLiteral("seq"));
        const double number = seq.toDouble(-1);
        if (!seq.isDouble() || !std::isfinite(number) || number < 0 || number > kMaxExactInteger
            || std::floor(number) != number) {
            problems.append(pointProblem(index, QStringLiteral("seq"),
                                         QStringLiteral("must be a non-negative integer below 2^53")));
        } else {
            point->seq = qint64(number);
        }
    }

    // fields: 1..64 entries, names [A-Za-z0-9_.-]{1,64}, finite numbers.
    const QJsonValue fields = object.value(QStringLiteral("fields"));
    if (!fields.isObject()) {
        problems.append(pointProblem(index, QStringLiteral("fields"),
                                     QStringLiteral("must be an object of numbers, got %1").arg(typeName(fields))));
    } else {
        const QJsonObject fieldObject = fields.toObject();
        if (fieldObject.isEmpty() || fieldObject.size() > limits.maxFields) {
            problems.append(pointProblem(index, QStringLiteral("fields"),
                                         QStringLiteral("must have 1 to %1 entries, got %2")
                                             .arg(limits.maxFields)
                                             .arg(fieldObject.size())));
        }
        for (auto it = fieldObject.begin(); it != fieldObject.end(); ++it) {
            const QString name = QStringLiteral("fields.") + it.key();
            if (!isValidFieldName(it.key())) {
                problems.append(pointProblem(index, name, QStringLiteral("names must match [A-Za-z0-9_.-]{1,64}")));
            } else if (!it.value().isDouble() || !std::isfinite(it.value().toDouble())) {
                problems.append(pointProblem(index, name,
                                             QStringLiteral("must be a finite number, got %1").arg(typeName(it.value()))));
            }
        }
        if (problems.isEmpty())
            point->fields = fieldObject;
    }

    // The more specific answers come after the 400s of the same point: a
    // point that is malformed is reported as malformed first.
    if (deviceMismatch) {
        problems.append(pointProblem(index, QStringLiteral("deviceId"),
                                     QStringLiteral("\"%1\" is not the device this API key belongs to")
                                         .arg(device.toString()),
                                     403, QByteArrayLiteral("device_mismatch")));
    }
    if (skewed) {
        problems.append(pointProblem(index, QStringLiteral("ts"),
                                     QStringLiteral("is %1 s away from server time; at most %2 s is allowed, check the device clock")
                                         .arg(skewSeconds)
                                         .arg(limits.maxSkewSeconds),
                                     422, QByteArrayLiteral("timestamp_skew")));
    }
    return problems;
}

ParsedIngest parseIngestBody(const QByteArray &body, const QString &deviceId,
                             const QDateTime &now, const IngestLimits &limits)
{
    ParsedIngest result;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt's parser refuses NaN, Infinity and numbers beyond double range
        // (1e400) as "illegal number", so they end up here.
        result.problems.append(bodyProblem(
            400, QByteArrayLiteral("invalid_json"),
            QStringLiteral("The body is not valid JSON: %1 at offset %2.").arg(error.errorString()).arg(error.offset)));
        return result;
    }

    QJsonArray values;
    if (document.isArray()) {
        values = document.array();
        if (values.isEmpty()) {
            result.problems.append(bodyProblem(400, kInvalidPoint,
                                               QStringLiteral("The array holds no points; send 1 to %1.").arg(limits.maxPoints)));
            return result;
        }
        if (values.size() > limits.maxPoints) {
            result.pointCount = int(values.size());
            result.problems.append(bodyProblem(
                400, QByteArrayLiteral("too_many_points"),
                QStringLiteral("The array holds %1 points; send at most %2 per request.").arg(values.size()).arg(limits.maxPoints)));
            return result;
        }
    } else {
        values.append(document.object());
    }
    result.pointCount = int(values.size());

    result.points.reserve(values.size());
    for (int i = 0; i < values.size(); ++i) {
        TelemetryPoint point;
        const QList<ValidationProblem> problems = validatePoint(values.at(i), i, deviceId, now, limits, &point);
        if (!problems.isEmpty())
            result.problems.append(problems);
        else if (result.problems.isEmpty())
            result.points.append(point);
    }
    if (!result.problems.isEmpty())
        result.points.clear();
    return result;
}

} // namespace Sightline
