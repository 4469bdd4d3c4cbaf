#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

namespace Sightline {

// Keeps refresh tokens in the OS keychain through QtKeychain (Secret
// Service, KWallet, macOS Keychain, Windows Credential Store), service
// "sightline", behind three asynchronous methods (issue 5).
//
// A token is never written to QSettings, a file or a log. Where no keychain
// backend answers, the store says so once (keychainUnavailable) and from
// then on keeps tokens in memory only, for the life of the process.
class TokenStore : public QObject
{
    Q_OBJECT

public:
    enum class Backend {
        Keychain, // the OS keychain, falling back to memory when it is missing
        MemoryOnly, // never touch the keychain (tests, --token, kiosks)
    };

    static constexpr const char *kService = "sightline";

    // Called when the operation is done. For load(): the secret, or an
    // empty string when there is none.
    using Done = std::function<void()>;
    using Loaded = std::function<void(const QString &secret)>;

    explicit TokenStore(Backend backend = Backend::Keychain, QObject *parent = nullptr);

    // The keychain key for one user of one server: "<server URL> <username>",
    // the URL without a trailing slash.
    static QString keyFor(const QUrl &server, const QString &username);

    void store(const QString &key, const QString &secret, Done done = {});
    void load(const QString &key, Loaded done);
    void remove(const QString &key, Done done = {});

    // False once the keychain turned out to be missing (or for MemoryOnly).
    bool isPersistent() const { return !m_memoryOnly; }
    QString unavailableReason() const { return m_unavailableReason; }

signals:
    // No keychain backend answered; tokens stay in memory only. Emitted once.
    void keychainUnavailable(const QString &reason);

private:
    void fallBackToMemory(const QString &reason);

    bool m_memoryOnly = false;
    QString m_unavailableReason;
    QHash<QString, QString> m_memory;
};

} // namespace Sightline
