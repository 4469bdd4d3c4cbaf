#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

class QIODevice;
class QTextStream;

namespace Sightline {

// The command line of sightline-server (API.md "Administration"): serve,
// add-user, add-device, demo. demo starts from the alert rules of
// resources/demo-config.json, built into this library; --config FILE
// applies over them like over serve's defaults. app/sightline-server/main.cpp only calls
// run(); tests call run() or the provisioning functions directly.
//
// Exit codes: 0 success, 1 a runtime error (printed to err), 2 bad usage.
class AdminCommands
{
public:
    // Runs `sightline-server <arguments...>` (arguments[0] is the program
    // name). Needs a QCoreApplication; serve and demo run its event loop
    // until SIGINT/SIGTERM. in: the password for add-user; out: the
    // `listening on` line, keys, sign-in help; err: every error.
    static int run(const QStringList &arguments, QIODevice &in, QTextStream &out,
                   QTextStream &err);

    // QStandardPaths::AppDataLocation (e.g. ~/.local/share/sightline-server).
    static QString defaultDataDir();

    // add-user: creates the account and sites on first mention; refuses an
    // existing user and an empty password. Returns the error sentence.
    static std::optional<QString> addUser(const QString &dataDir, const QString &accountId,
                                          const QString &username, const QByteArray &password,
                                          const QStringList &sites = {});

    // add-device: returns the new API key (shown once, stored only hashed),
    // or nothing with *error set. rotate replaces an existing device's key.
    static std::optional<QByteArray> addDevice(const QString &dataDir, const QString &accountId,
                                               const QString &siteId, const QString &deviceId,
                                               bool rotate, QString *error);

    // The password as read from standard input: one trailing newline ("\n"
    // or "\r\n") removed, nothing else.
    static QByteArray passwordFromInput(QByteArray input);

    // demo: account "demo", site "lab", user demo/demo and devices
    // jetson-01..03 when missing. Keys of existing devices are taken from
    // an earlier DIR/demo-keys.json when they still work, else rotated.
    struct DemoDevice
    {
        QString deviceId;
        QString siteId;
        QByteArray key;
    };
    static std::optional<QList<DemoDevice>> provisionDemo(const QString &dataDir, QString *error);
    // Writes DIR/demo-keys.json (mode 0600: it holds keys) as API.md shows.
    static bool writeDemoKeys(const QString &dataDir, const QUrl &server,
                              const QList<DemoDevice> &devices, QString *error);
    static QString demoKeysPath(const QString &dataDir);
};

} // namespace Sightline
