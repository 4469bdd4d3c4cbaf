#include "stream/streamclient.h"

#include "stream/logging.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>
#include <QNetworkAccessManager>
#include <QNetworkInformation>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace Sightline {

namespace {

constexpr qsizetype kReadChunk = 64 * 1024;
constexpr qsizetype kMaxErrorBody = 64 * 1024;
constexpr int kMaxRecentIds = 4096;
constexpr int kMaxRetryAfterMs = 24 * 3600 * 1000;

bool isDecimal(const QString &id)
{
    if (id.isEmpty())
        return false;
    return std::all_of(id.begin(), id.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

// Compares two decimal strings of any length as numbers.
int compareDecimal(QStringView a, QStringView b)
{
    auto strip = [](QStringView s) {
        while (s.size() > 1 && s.front() == u'0')
            s = s.mid(1);
        return s;
    };
    a = strip(a);
    b = strip(b);
    if (a.size() != b.size())
        return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    const int defaultPort = a.scheme() == QLatin1String("https") ? 443 : 80;
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
        && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
        && a.port(defaultPort) == b.port(defaultPort);
}

// RFC 9110 10.2.3: delay-seconds or an HTTP-date. -1 when absent or invalid.
int retryAfterMs(const QNetworkReply *reply)
{
    const QByteArray value = reply->rawHeader("Retry-After").trimmed();
    if (value.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = value.toLongLong(&ok);
    if (ok && seconds >= 0)
        return int(std::min<qint64>(seconds * 1000, kMaxRetryAfterMs));
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    return int(
        std::clamp<qint64>(QDateTime::currentDateTimeUtc().msecsTo(when), 0, kMaxRetryAfterMs));
}

// "404 not_found: <message>" from a JSON error body of the contract, or
// "404 Not Found" when the body is something else.
QString describeHttpError(int status, const QNetworkReply *reply, const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object();
    const QString code = error.value(QLatin1String("error")).toString();
    const QString message = error.value(QLatin1String("message")).toString();
    QString text = QStringLiteral("HTTP %1").arg(status);
    if (!code.isEmpty()) {
        text += QLatin1Char(' ') + code;
        if (!message.isEmpty())
            text += QStringLiteral(": ") + message;
    } else {
        const QString reason
            = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        if (!reason.isEmpty())
            text += QLatin1Char(' ') + reason;
    }
    return text;
}

bool isTlsError(QNetworkReply::NetworkError error)
{
    return error == QNetworkReply::SslHandshakeFailedError
        || error == QNetworkReply::InsecureRedirectError;
}

} // namespace

StreamClient::StreamClient(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_readBuffer(kReadChunk, Qt::Uninitialized)
{
    m_elapsed.start();
    m_clock = [this] { return m_elapsed.elapsed(); };
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &StreamClient::connectNow);
    connect(&m_watchdog, &HeartbeatWatchdog::timedOut, this, &StreamClient::handleSilence);
}

StreamClient::~StreamClient()
{
    releaseReply();
}

void StreamClient::setUrl(const QUrl &url)
{
    m_url = url;
}

void StreamClient::setTokenSource(TokenSource source)
{
    m_tokenSource = std::move(source);
}

void StreamClient::setLastEventId(const QString &id)
{
    m_lastEventId = id;
}

void StreamClient::setInitialRetryHint(int ms)
{
    m_policy.setRetryHint(ms);
}

void StreamClient::setMaxReconnectDelay(int ms)
{
    m_policy.setMaxDelay(ms);
}

void StreamClient::setSilenceTimeout(int ms)
{
    m_watchdog.setTimeout(ms);
}

void StreamClient::setStableAfter(int ms)
{
    m_stableAfterMs = std::max(0, ms);
}

void StreamClient::setRandomSource(ReconnectPolicy::RandomSource random)
{
    m_policy.setRandomSource(std::move(random));
}

void StreamClient::setClock(HeartbeatWatchdog::Clock clock)
{
    if (clock) {
        m_clock = clock;
    } else {
        m_clock = [this] { return m_elapsed.elapsed(); };
    }
    m_watchdog.setClock(std::move(clock));
}

QString StreamClient::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return QStringLiteral("idle");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Live:
        return QStringLiteral("live");
    case State::Reconnecting:
        return QStringLiteral("reconnecting");
    case State::AuthExpired:
        return QStringLiteral("auth_expired");
    case State::Stopped:
        return QStringLiteral("stopped");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return QString();
}

void StreamClient::start()
{
    if (m_state == State::Connecting || m_state == State::Live || m_state == State::Reconnecting)
        return;
    m_policy.reset();
    m_refreshAttempted = false;
    m_awaitingToken = false;
    m_errorString.clear();
    watchReachability();
    connectNow();
}

void StreamClient::stop()
{
    releaseReply();
    m_reconnectTimer.stop();
    m_awaitingToken = false;
    m_errorString.clear();
    setState(State::Idle);
}

void StreamClient::retryNow()
{
    if (m_state != State::Reconnecting || m_awaitingToken || m_reply)
        return;
    qCInfo(lcStream) << "retrying now instead of in" << m_reconnectTimer.remainingTime() << "ms";
    m_reconnectTimer.stop();
    connectNow();
}

void StreamClient::resumeAfterTokenRefresh()
{
    if (!m_awaitingToken)
        return;
    m_awaitingToken = false;
    m_reconnectTimer.stop();
    connectNow();
}

void StreamClient::failAuthentication(const QString &reason)
{
    m_awaitingToken = false;
    finishWith(State::AuthExpired, reason);
}

void StreamClient::watchReachability()
{
    if (!m_followsReachability || m_reachabilityWatched)
        return;
    m_reachabilityWatched = true;
    if (!QNetworkInformation::instance()
        && !QNetworkInformation::loadBackendByFeatures(
            QNetworkInformation::Feature::Reachability)) {
        qCDebug(lcStream) << "no network reachability backend on this platform";
        return;
    }
    connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
        [this](QNetworkInformation::Reachability reachability) {
            if (reachability == QNetworkInformation::Reachability::Online
                || reachability == QNetworkInformation::Reachability::Site
                || reachability == QNetworkInformation::Reachability::Local) {
                retryNow();
            }
        });
}

void StreamClient::connectNow()
{
    if (m_reply)
        return; // at most one request in flight
    ++m_generation;
    m_headersHandled = false;
    m_isStreamResponse = false;
    m_tokenExpiryAnnounced = false;
    m_connectionLastId.clear();
    m_parser.reset();

    QNetworkRequest request(m_url);
    m_tokenInUse = m_tokenSource ? m_tokenSource() : QString();
    if (!m_tokenInUse.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_tokenInUse.toUtf8());
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    if (!m_lastEventId.isEmpty())
        request.setRawHeader("Last-Event-ID", m_lastEventId.toUtf8());
    request.setAttribute(
        QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
    request.setAttribute(
        QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);

    qCDebug(lcStream) << "connecting to" << m_url.toDisplayString() << "Last-Event-ID"
                      << (m_lastEventId.isEmpty() ? QStringLiteral("(none)") : m_lastEventId);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &StreamClient::handleHeaders);
    connect(m_reply, &QNetworkReply::readyRead, this, &StreamClient::handleReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &StreamClient::handleFinished);
    connect(m_reply, &QNetworkReply::redirected, this, &StreamClient::handleRedirect);
    // A silent connect (black-holed SYN, a proxy that never answers) is as
    // dead as a silent stream.
    m_watchdog.start();
    setState(State::Connecting);
}

void StreamClient::handleRedirect(const QUrl &target)
{
    const QUrl resolved = m_reply->url().resolved(target);
    if (sameOrigin(m_url, resolved)) {
        qCDebug(lcStream) << "following redirect to" << resolved.toDisplayString();
        emit m_reply->redirectAllowed();
        return;
    }
    // Our bearer token must never go to another origin (issue 5).
    finishWith(State::Failed,
        QStringLiteral("redirect to another origin refused: %1").arg(resolved.toDisplayString()));
}

void StreamClient::handleHeaders()
{
    if (!m_reply || m_headersHandled)
        return;
    m_watchdog.recordActivity();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400)
        return; // a redirect: handleRedirect() decides
    m_headersHandled = true;
    if (status != 200)
        return; // the body is an error; handleFinished() reads it

    const QString contentType = m_reply->header(QNetworkRequest::ContentTypeHeader).toString();
    const QString mime = contentType.section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    if (mime != QLatin1String("text/event-stream")) {
        finishWith(State::Failed,
            QStringLiteral("wrong content type \"%1\" (expected text/event-stream)")
                .arg(contentType.isEmpty() ? QStringLiteral("none") : contentType));
        return;
    }
    m_isStreamResponse = true;
    m_liveSince = m_clock();
    // A live stream that was refused once and is accepted now may refresh
    // again the next time its token expires.
    m_refreshAttempted = false;
    m_errorString.clear();
    setState(State::Live);
}

void StreamClient::handleReadyRead()
{
    if (!m_reply)
        return;
    m_watchdog.recordActivity();
    if (!m_headersHandled)
        handleHeaders();
    if (!m_isStreamResponse)
        return; // an error body stays in the reply until finished
    const quint64 generation = m_generation;
    // Reads into one reused buffer and feeds each piece to the parser: no
    // copy of the whole body, no growing buffer (issue 5).
    while (m_reply && generation == m_generation) {
        const qint64 n = m_reply->read(m_readBuffer.data(), m_readBuffer.size());
        if (n <= 0)
            break;
        qCDebug(lcStreamWire).noquote()
            << "read" << n
            << "bytes:" << QByteArrayView(m_readBuffer.constData(), std::min<qint64>(n, 200));
        QList<SseEvent> events = m_parser.feed(QByteArrayView(m_readBuffer.constData(), n));
        if (m_parser.error() != SseParser::Error::None)
            qCWarning(lcStream) << "event dropped:" << m_parser.errorString();
        if (m_parser.retryHint() >= 0 && m_parser.retryHint() != m_policy.retryHint()) {
            const int hint = int(std::min<qint64>(m_parser.retryHint(), kMaxRetryAfterMs));
            qCDebug(lcStream) << "server retry hint" << hint << "ms";
            m_policy.setRetryHint(hint);
        }
        deliver(events, generation);
    }
}

void StreamClient::deliver(QList<SseEvent> &events, quint64 generation)
{
    for (SseEvent &event : events) {
        if (generation != m_generation)
            return; // a receiver stopped or restarted us
        // The parser reports the WHATWG "last event ID string", which an
        // event without an id: line inherits. A change means this event
        // carried its own id.
        QString ownId;
        if (event.lastEventId != m_connectionLastId) {
            ownId = event.lastEventId;
            m_connectionLastId = event.lastEventId;
        }
        if (!ownId.isEmpty()) {
            if (isDuplicate(ownId)) {
                qCDebug(lcStream) << "dropping duplicate event" << ownId;
                continue;
            }
            rememberDelivered(ownId);
        }
        if (event.type == QLatin1String("system")) {
            // API.md: the event JSON is {"id", "ts", "topic", "type", "data"}
            // and a system event's data is {"kind", "message"}.
            const QJsonObject envelope = QJsonDocument::fromJson(event.data).object();
            const QString kind = envelope.value(QLatin1String("data"))
                                     .toObject()
                                     .value(QLatin1String("kind"))
                                     .toString();
            if (kind == QLatin1String("token_expired"))
                m_tokenExpiryAnnounced = true;
        }
        event.lastEventId = ownId;
        emit eventReceived(event);
    }
}

bool StreamClient::isDuplicate(const QString &id) const
{
    // API.md: decimal ids compare as numbers, at or below the last delivered
    // one is a duplicate; against other servers only exact repeats are.
    if (isDecimal(id) && isDecimal(m_lastEventId))
        return compareDecimal(id, m_lastEventId) <= 0;
    return m_recentIds.contains(id);
}

void StreamClient::rememberDelivered(const QString &id)
{
    m_lastEventId = id;
    if (isDecimal(id))
        return;
    m_recentIds.insert(id);
    m_recentOrder.append(id);
    if (m_recentOrder.size() > kMaxRecentIds)
        m_recentIds.remove(m_recentOrder.takeFirst());
}

void StreamClient::handleFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();
    const QString networkError = reply->errorString();
    const bool wasLive = m_isStreamResponse;
    QByteArray body;
    if (!wasLive)
        body = reply->read(kMaxErrorBody);
    const int retryAfter = retryAfterMs(reply);
    const QString described = describeHttpError(status, reply, body);
    releaseReply();

    if (wasLive) {
        if (m_clock() - m_liveSince >= m_stableAfterMs)
            m_policy.reset();
        if (m_tokenExpiryAnnounced) {
            requestTokenRefresh(QStringLiteral("the server said the access token expired"));
            return;
        }
        scheduleReconnect(
            error == QNetworkReply::NoError || error == QNetworkReply::RemoteHostClosedError
                ? QStringLiteral("the server closed the stream")
                : QStringLiteral("the stream broke: %1").arg(networkError));
        return;
    }

    if (status == 0) {
        if (isTlsError(error)) {
            finishWith(State::Failed, QStringLiteral("TLS error: %1").arg(networkError));
            return;
        }
        if (error == QNetworkReply::ProtocolUnknownError
            || error == QNetworkReply::ProtocolInvalidOperationError) {
            finishWith(State::Failed, networkError);
            return;
        }
        scheduleReconnect(networkError);
        return;
    }
    if (status == 204) {
        finishWith(State::Stopped, QStringLiteral("the server asked not to reconnect (HTTP 204)"));
    } else if (status == 401) {
        if (m_refreshAttempted
            || !isSignalConnected(QMetaMethod::fromSignal(&StreamClient::tokenRefreshRequested))) {
            finishWith(State::AuthExpired, described);
        } else if (m_tokenSource && m_tokenSource() != m_tokenInUse) {
            // A fresher token is already there (the session refreshed on
            // its own timer): use it before asking for another.
            m_refreshAttempted = true;
            connectNow();
        } else {
            requestTokenRefresh(described);
        }
    } else if (status == 408 || status == 429 || status >= 500) {
        scheduleReconnect(described, std::max(retryAfter, 0));
    } else {
        // 400, 403, 404, ...: asking again gives the same answer.
        finishWith(State::Failed, described);
    }
}

void StreamClient::handleSilence(qint64 silenceMs)
{
    if (!m_reply)
        return;
    const bool wasLive = m_isStreamResponse;
    releaseReply();
    if (wasLive && m_clock() - m_liveSince >= m_stableAfterMs)
        m_policy.reset();
    scheduleReconnect(
        QStringLiteral("no data for %1 s: the connection is dead").arg(silenceMs / 1000.0));
}

void StreamClient::releaseReply()
{
    m_watchdog.stop();
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    ++m_generation;
    disconnect(reply, nullptr, this, nullptr);
    if (reply->isRunning())
        reply->abort();
    reply->deleteLater();
}

void StreamClient::scheduleReconnect(const QString &reason, int minimumMs)
{
    m_reconnectDelayMs = m_policy.nextDelay(minimumMs);
    m_nextAttemptAt = QDateTime::currentDateTimeUtc().addMSecs(m_reconnectDelayMs);
    m_errorString = reason;
    qCInfo(lcStream).noquote() << reason << "- reconnecting in" << m_reconnectDelayMs << "ms";
    m_reconnectTimer.start(m_reconnectDelayMs);
    setState(State::Reconnecting, true);
}

void StreamClient::requestTokenRefresh(const QString &reason)
{
    if (!isSignalConnected(QMetaMethod::fromSignal(&StreamClient::tokenRefreshRequested))) {
        finishWith(State::AuthExpired, reason);
        return;
    }
    if (m_tokenSource && m_tokenSource() != m_tokenInUse) {
        // Already refreshed (e.g. on the session's own timer): just resume.
        m_refreshAttempted = true;
        connectNow();
        return;
    }
    m_refreshAttempted = true;
    m_awaitingToken = true;
    m_reconnectDelayMs = 0;
    m_nextAttemptAt = QDateTime();
    m_errorString = reason;
    qCInfo(lcStream).noquote() << reason << "- waiting for a refreshed access token";
    setState(State::Reconnecting, true);
    emit tokenRefreshRequested();
}

void StreamClient::finishWith(State state, const QString &reason)
{
    releaseReply();
    m_reconnectTimer.stop();
    m_errorString = reason;
    if (state == State::Failed || state == State::AuthExpired)
        qCWarning(lcStream).noquote() << "stream" << stateName(state) << ":" << reason;
    else
        qCInfo(lcStream).noquote() << "stream" << stateName(state) << ":" << reason;
    setState(state);
}

void StreamClient::setState(State state, bool force)
{
    if (m_state == state && !force)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace Sightline
