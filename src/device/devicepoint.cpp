#include "device/devicepoint.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Sightline {

QJsonObject DevicePoint::toJson() const
{
    QJsonObject fieldObject;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        fieldObject.insert(it.key(), it.value());
    QJsonObject object{{QStringLiteral("deviceId"), deviceId},
                       {QStringLiteral("ts"), formatTimestamp(ts)},
                       {QStringLiteral("fields"), fieldObject}};
    // seq is a JSON number: below 2^53 it survives a double exactly, which
    // the seq scheme of TelemetryUploader guarantees.
    if (seq >= 0)
        object.insert(QStringLiteral("seq"), double(seq));
    return object;
}

QByteArray DevicePoint::batchBody(const QList<DevicePoint> &points)
{
    QJsonArray array;
    for (const DevicePoint &point : points)
        array.append(point.toJson());
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QString DevicePoint::formatTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

bool DevicePoint::isValidFieldName(QStringView name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                        || u == '_' || u == '.' || u == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace Sightline
