#include "device/devicekeysfile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

namespace Sightline {

bool DeviceKeysFile::load(const QString &path, DeviceKeysFile *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the keys file %1: %2").arg(path, file.errorString());
        return false;
    }
    return parse(file.readAll(), path, out, error);
}

bool DeviceKeysFile::parse(const QByteArray &json, const QString &name, DeviceKeysFile *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1 is not valid JSON (%2 at byte %3)")
                     .arg(name, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("%1 must hold a JSON object with a \"devices\" array").arg(name);
        return false;
    }
    const QJsonObject root = document.object();
    DeviceKeysFile result;

    const QJsonValue server = root.value(QStringLiteral("server"));
    if (!server.isUndefined() && !server.isNull()) {
        const QUrl url(server.toString(), QUrl::StrictMode);
        if (!server.isString() || !url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty()) {
            *error = QStringLiteral("%1: \"server\" must be an http:// or https:// URL").arg(name);
            return false;
        }
        result.server = url;
    }
    result.account = root.value(QStringLiteral("account")).toString();

    const QJsonValue devices = root.value(QStringLiteral("devices"));
    if (!devices.isArray()) {
        *error = QStringLiteral("%1: \"devices\" must be an array of {deviceId, siteId, key}").arg(name);
        return false;
    }
    const QJsonArray array = devices.toArray();
    if (array.isEmpty()) {
        *error = QStringLiteral("%1: \"devices\" is empty; there is no device to simulate").arg(name);
        return false;
    }
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9_.:-]{1,128}$"));
    QSet<QString> seen;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject entry = array.at(i).toObject();
        const QString where = QStringLiteral("%1: devices[%2]").arg(name).arg(i);
        if (!array.at(i).isObject()) {
            *error = where + QStringLiteral(" must be an object {deviceId, siteId, key}");
            return false;
        }
        Device device;
        device.deviceId = entry.value(QStringLiteral("deviceId")).toString();
        device.siteId = entry.value(QStringLiteral("siteId")).toString();
        const QJsonValue key = entry.value(QStringLiteral("key"));
        if (device.deviceId.isEmpty()) {
            *error = where + QStringLiteral(" has no \"deviceId\" string");
            return false;
        }
        if (!idPattern.match(device.deviceId).hasMatch()) {
            *error = where + QStringLiteral(": deviceId \"%1\" has characters a device id cannot have").arg(device.deviceId);
            return false;
        }
        if (!key.isString() || key.toString().trimmed().isEmpty()) {
            *error = where + QStringLiteral(" (%1) has no \"key\" string").arg(device.deviceId);
            return false;
        }
        if (seen.contains(device.deviceId)) {
            *error = where + QStringLiteral(": device %1 is listed twice").arg(device.deviceId);
            return false;
        }
        seen.insert(device.deviceId);
        device.key = key.toString().trimmed().toUtf8();
        result.devices.append(device);
    }
    *out = result;
    return true;
}

} // namespace Sightline
