#include "tail/tailcontroller.h"

#include "auth/authclient.h"
#include "auth/session.h"
#include "auth/tokenstore.h"
#include "stream/ssejsonlwriter.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>

namespace Sightline {

namespace {

// The event's own publish time ("ts" of the event JSON, API.md), if any.
QDateTime publishTime(const SseEvent &event)
{
    const QJsonObject envelope = QJsonDocument::fromJson(event.data).object();
    return QDateTime::fromString(envelope.value(QLatin1String("ts")).toString(), Qt::ISODateWithMs);
}

} // namespace

TailController::TailController(const TailOptions &options, QNetworkAccessManager *network,
    QIODevice *out, QIODevice *err, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_out(out)
    , m_err(err)
    , m_stream(std::make_unique<StreamClient>(network))
{
    m_stream->setUrl(m_options.streamUrl());
    if (!m_options.lastEventId.isEmpty())
        m_stream->setLastEventId(m_options.lastEventId);
    connect(m_stream.get(), &StreamClient::eventReceived, this, &TailController::handleEvent);
    connect(m_stream.get(), &StreamClient::stateChanged, this, &TailController::handleState);

    if (!m_options.username.isEmpty()) {
        m_store
            = std::make_unique<TokenStore>(m_options.useKeychain ? TokenStore::Backend::Keychain
                                                                 : TokenStore::Backend::MemoryOnly);
        m_auth = std::make_unique<AuthClient>(network, m_options.server);
        m_session = std::make_unique<Session>(m_auth.get(), m_store.get());
        Session *session = m_session.get();
        StreamClient *stream = m_stream.get();
        m_stream->setTokenSource([session] { return session->accessToken(); });
        connect(session, &Session::keychainUnavailable, this, [this](const QString &reason) {
            writeErr("sightline-tail: " + reason.toUtf8() + '\n');
        });
        connect(session, &Session::signedIn, this, [stream] { stream->start(); });
        connect(session, &Session::signInFailed, this,
            [this](AuthClient::Error, const QString &message) {
                writeErr("sightline-tail: sign-in failed: " + message.toUtf8() + '\n');
                finish(ExitSignInFailed);
            });
        // The stream was refused or told the token expired: refresh once.
        connect(stream, &StreamClient::tokenRefreshRequested, this, [session, stream] {
            if (session->state() != Session::State::SignedIn) {
                stream->failAuthentication(QStringLiteral("not signed in"));
                return;
            }
            session->refreshNow();
        });
        connect(
            session, &Session::accessTokenChanged, stream, &StreamClient::resumeAfterTokenRefresh);
        connect(session, &Session::expired, stream, &StreamClient::failAuthentication);
    } else {
        const QString token = m_options.token;
        m_stream->setTokenSource([token] { return token; });
    }

    m_durationTimer.setSingleShot(true);
    connect(&m_durationTimer, &QTimer::timeout, this, [this] { finish(ExitOk); });
}

TailController::~TailController()
{
    // The stream goes first: its token source points at the session.
    m_stream.reset();
}

void TailController::start()
{
    if (m_options.durationSeconds > 0)
        m_durationTimer.start(m_options.durationSeconds * 1000);
    if (m_session)
        m_session->signIn(m_options.username, m_options.password);
    else
        m_stream->start();
}

QByteArray TailController::formatEvent(const SseEvent &event, TailOptions::Format format)
{
    if (format == TailOptions::Format::Text) {
        const QByteArray id
            = event.lastEventId.isEmpty() ? QByteArray("-") : event.lastEventId.toUtf8();
        return id + ' ' + event.type.toUtf8() + ' ' + event.data + '\n';
    }
    QByteArray line = "{\"id\":";
    if (event.lastEventId.isEmpty())
        line += "null";
    else
        SseJsonlWriter::appendJsonString(line, event.lastEventId.toUtf8());
    line += ",\"event\":";
    SseJsonlWriter::appendJsonString(line, event.type.toUtf8());
    line += ",\"data\":";
    SseJsonlWriter::appendJsonString(line, event.data);
    line += "}\n";
    return line;
}

QByteArray TailController::formatState(
    StreamClient::State state, int delayMs, const QString &reason)
{
    QByteArray line = "state: " + StreamClient::stateName(state).toUtf8();
    if (state == StreamClient::State::Reconnecting)
        line += ' ' + QByteArray::number(delayMs);
    else if (state == StreamClient::State::Failed)
        line += ' ' + reason.toUtf8();
    return line + '\n';
}

void TailController::handleEvent(const SseEvent &event)
{
    if (m_finished)
        return;
    if (m_options.since.isValid()) {
        const QDateTime published = publishTime(event);
        if (published.isValid() && published < m_options.since)
            return;
    }
    m_out->write(formatEvent(event, m_options.format));
    ++m_printed;
    if (m_options.maxEvents > 0 && m_printed >= m_options.maxEvents)
        finish(ExitOk);
}

void TailController::handleState(StreamClient::State state)
{
    if (m_finished || state == StreamClient::State::Idle)
        return;
    writeErr(formatState(state, m_stream->reconnectDelay(), m_stream->errorString()));
    switch (state) {
    case StreamClient::State::Stopped:
        finish(ExitStopped);
        break;
    case StreamClient::State::AuthExpired:
        writeErr("sightline-tail: the sign-in expired and could not be renewed: "
            + m_stream->errorString().toUtf8() + '\n');
        finish(ExitAuthExpired);
        break;
    case StreamClient::State::Failed:
        finish(ExitFailed);
        break;
    default:
        break;
    }
}

void TailController::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_durationTimer.stop();
    // Queued: stop() may be called from inside the stream's own signal.
    QMetaObject::invokeMethod(
        this,
        [this, exitCode] {
            m_stream->stop();
            emit finished(exitCode);
        },
        Qt::QueuedConnection);
}

void TailController::writeErr(const QByteArray &line)
{
    m_err->write(line);
}

} // namespace Sightline
