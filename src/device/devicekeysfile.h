#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

namespace Sightline {

// The demo keys file that `sightline-server demo` writes (API.md
// "Administration"):
//   {"server": "http://HOST:PORT", "account": "demo",
//    "devices": [{"deviceId": "jetson-01", "siteId": "lab", "key": "..."}, ...]}
// A plain value with one loader that returns the value or a readable error
// naming the file and the entry. Keys are never part of an error text.
class DeviceKeysFile
{
public:
    struct Device
    {
        QString deviceId;
        QString siteId;
        QByteArray key;
    };

    QUrl server; // may be empty: --server then decides
    QString account;
    QList<Device> devices;

    // Reads and checks the file. On failure returns false and sets *error.
    static bool load(const QString &path, DeviceKeysFile *out, QString *error);
    // The same for bytes already read (name appears in errors).
    static bool parse(const QByteArray &json, const QString &name, DeviceKeysFile *out, QString *error);
};

} // namespace Sightline
