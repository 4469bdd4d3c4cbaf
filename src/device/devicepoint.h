#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace Sightline {

// One telemetry point as a device sends it (API.md "POST /api/v1/telemetry"):
// a plain value type, copied freely. No QObject, no networking.
struct DevicePoint
{
    // Field name -> finite number. Names follow the contract's
    // [A-Za-z0-9_.-]{1,64}; a point carries 1 to 64 of them.
    using Fields = QMap<QString, double>;

    static constexpr int kMaxFields = 64;

    QString deviceId;
    QDateTime ts; // device time, UTC
    qint64 seq = -1; // per-device delivery sequence number; -1 = not assigned
    Fields fields;

    // {"deviceId", "ts", "seq" (when assigned), "fields"}.
    QJsonObject toJson() const;

    // The body of one POST: a JSON array of the points, compact.
    static QByteArray batchBody(const QList<DevicePoint> &points);

    // RFC 3339 in UTC with milliseconds: "2026-11-22T10:00:00.123Z".
    static QString formatTimestamp(const QDateTime &time);

    // Whether a field name follows the contract ([A-Za-z0-9_.-]{1,64}).
    static bool isValidFieldName(QStringView name);
};

} // namespace Sightline
