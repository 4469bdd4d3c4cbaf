#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>

#include "server/apierror.h"
#include "server/storagetypes.h"

namespace Sightline {

// Pure validation of POST /api/v1/telemetry (API.md "Ingest"): no I/O, no
// QObject, no clock of its own (the caller passes `now`). Each function
// returns named problems; the route answers with the first one.

// One thing wrong with a request. `index` is the point's position in the
// array (0 for a single point, -1 for problems of the whole body); `field`
// names the offending key ("ts", "fields.cpu_temp_c", ...).
struct ValidationProblem
{
    int status = 400;
    QByteArray code; // invalid_point, invalid_json, timestamp_skew, ...
    int index = -1;
    QString field;
    QString message; // a full sentence naming the index and field

    ApiError toApiError() const { return ApiError{status, code, message, {}}; }
};

struct IngestLimits
{
    qint64 maxBodyBytes = 1048576;
    int maxSkewSeconds = 300;
    int maxPoints = 1000;
    int maxFields = 64;
    double maxPointsPerSecond = 0; // per device; 0 = unlimited (IngestRateLimiter)
};

// Content-Type must be application/json; the only parameter allowed is
// charset=utf-8 (415 unsupported_media_type). A body over maxBodyBytes is
// 413 payload_too_large (exactly maxBodyBytes is allowed).
QList<ValidationProblem> checkIngestEnvelope(QByteArrayView contentType, qint64 bodySize,
                                             const IngestLimits &limits);

// True for "application/json" with at most a charset=utf-8 parameter.
bool isJsonContentType(QByteArrayView contentType);

// True for a field name matching [A-Za-z0-9_.-]{1,64}.
bool isValidFieldName(QStringView name);

struct ParsedIngest
{
    QList<TelemetryPoint> points;       // only when problems is empty
    QList<ValidationProblem> problems;  // in point order; first = the answer
    int pointCount = 0;                 // points in the body, when it parsed
};

// Parses the body: one point object or an array of 1..maxPoints of them.
// `deviceId` is the device the API key is bound to.
ParsedIngest parseIngestBody(const QByteArray &body, const QString &deviceId,
                             const QDateTime &now, const IngestLimits &limits);

// Validates one point (the JSON value at `index`) and fills *point.
QList<ValidationProblem> validatePoint(const QJsonValue &value, int index,
                                       const QString &deviceId, const QDateTime &now,
                                       const IngestLimits &limits, TelemetryPoint *point);

} // namespace Sightline
