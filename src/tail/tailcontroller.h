#pragma once

#include "stream/streamclient.h"
#include "tail/tailoptions.h"

#include <QObject>
#include <QTimer>

#include <memory>

class QIODevice;
class QNetworkAccessManager;

namespace Sightline {

class AuthClient;
class Session;
class TokenStore;

// sightline-tail's network mode (API.md "Command-line clients"): wires a
// Session (with --user) to a StreamClient, prints each event to `out` and
// each state change to `err`, and decides the exit code:
//   0 after --max-events or --duration, 3 sign-in failed, 4 the server said
//   stop (204), 5 auth expired and could not be refreshed, 6 failed for a
//   reason retrying cannot fix.
// Owns the session, auth client, token store and stream client; the network
// access manager and both devices are given (not owned).
class TailController : public QObject
{
    Q_OBJECT

public:
    enum ExitCode {
        ExitOk = 0,
        ExitBadArguments = 2,
        ExitSignInFailed = 3,
        ExitStopped = 4,
        ExitAuthExpired = 5,
        ExitFailed = 6,
    };

    TailController(const TailOptions &options, QNetworkAccessManager *network, QIODevice *out,
        QIODevice *err, QObject *parent = nullptr);
    ~TailController() override;

    // Signs in if needed, then opens the stream.
    void start();

    StreamClient *streamClient() const { return m_stream.get(); }
    Session *session() const { return m_session.get(); }
    qint64 printedEvents() const { return m_printed; }

    // One event as a line of the chosen format (jsonl: {"id","event","data"}).
    static QByteArray formatEvent(const SseEvent &event, TailOptions::Format format);
    // "state: live", "state: reconnecting 3000", "state: failed <reason>", ...
    static QByteArray formatState(StreamClient::State state, int delayMs, const QString &reason);

signals:
    // The program should exit with this code.
    void finished(int exitCode);

private:
    void handleEvent(const SseEvent &event);
    void handleState(StreamClient::State state);
    void finish(int exitCode);
    void writeErr(const QByteArray &line);

    TailOptions m_options;
    QIODevice *m_out; // not owned
    QIODevice *m_err; // not owned
    std::unique_ptr<TokenStore> m_store;
    std::unique_ptr<AuthClient> m_auth;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<StreamClient> m_stream;
    QTimer m_durationTimer;
    qint64 m_printed = 0;
    bool m_finished = false;
};

} // namespace Sightline
