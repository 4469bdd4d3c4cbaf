#include "device/telemetryuploader.h"

#include "device/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace Sightline {

namespace {

constexpr int kServerMaxPoints = 1000; // API.md: an array of up to 1000 points

// "429 rate_limited: Too many points; slow down" from the contract's error
// body {"error", "message"}, or the bare status when the body is not one.
QString describeHttpError(int status, const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QString code = object.value(QStringLiteral("error")).toString();
    const QString message = object.value(QStringLiteral("message")).toString();
    QString text = QString::number(status);
    if (!code.isEmpty())
        text += QLatin1Char(' ') + code;
    if (!message.isEmpty())
        text += QLatin1String(": ") + message;
    return text;
}

bool isRetryableStatus(int status)
{
    return status == 408 || status == 425 || status == 429 || status >= 500;
}

} // namespace

TelemetryUploader::TelemetryUploader(QNetworkAccessManager *network, const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_settings(settings)
    , m_endpoint(endpointFor(settings.serverUrl))
    , m_buffer(settings.bufferCapacity)
    , m_batchLimit(std::clamp(settings.maxBatchPoints, 1, kServerMaxPoints))
    , m_nextSeq(settings.firstSeq >= 0 ? settings.firstSeq : QDateTime::currentMSecsSinceEpoch() * 1000)
{
    m_backoff.setInitialDelay(settings.initialRetryDelayMs);
    m_backoff.setMaxDelay(settings.maxRetryDelayMs);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &TelemetryUploader::sendNextBatch);
}

TelemetryUploader::~TelemetryUploader()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void TelemetryUploader::setRandomSource(DeliveryBackoff::RandomSource random)
{
    m_backoff.setRandomSource(std::move(random));
}

QUrl TelemetryUploader::endpointFor(const QUrl &server)
{
    QUrl url = server;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QLatin1String("/api/v1/telemetry"));
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

qint64 TelemetryUploader::submit(const QDateTime &ts, const DevicePoint::Fields &fields)
{
    DevicePoint point;
    point.deviceId = m_settings.deviceId;
    point.ts = ts.toUTC();
    point.seq = m_nextSeq++;
    point.fields = fields;
    ++m_submitted;
    reportDrop(m_buffer.append(point));
    sendNextBatch();
    return point.seq;
}

void TelemetryUploader::setPaused(bool paused)
{
    if (m_paused == paused || m_state == State::Stopped)
        return;
    m_paused = paused;
    qCDebug(lcDevice) << m_settings.deviceId << (paused ? "paused" : "resumed");
    if (paused) {
        if (!m_reply)
            setState(State::Paused);
        return;
    }
    if (m_retryTimer.isActive())
        setState(State::WaitingToRetry);
    else
        updateIdleState();
    sendNextBatch();
}

void TelemetryUploader::retryNow()
{
    if (!m_retryTimer.isActive())
        return;
    m_retryTimer.stop();
    sendNextBatch();
}

void TelemetryUploader::stop()
{
    m_retryTimer.stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
        restoreInFlight();
    }
    setState(State::Stopped);
}

void TelemetryUploader::sendNextBatch()
{
    if (m_reply || m_state == State::Stopped || m_paused || m_retryTimer.isActive() || m_buffer.isEmpty())
        return;

    m_inFlight = m_buffer.takeBatch(m_isolating > 0 ? 1 : m_batchLimit);
    const QByteArray body = DevicePoint::batchBody(m_inFlight);

    QNetworkRequest request(m_endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("x-api-key"), m_settings.apiKey);
    request.setTransferTimeout(m_settings.requestTimeoutMs);
    // A redirect means --server is not the address to post to (http vs
    // https, a moved host); following it could turn the POST into a GET.
    // Say so instead (see handleReply).
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    qCDebug(lcDevice).noquote() << m_settings.deviceId << "posting" << m_inFlight.size() << "points, seq"
                                << m_inFlight.first().seq << "to" << m_inFlight.last().seq;
    qCDebug(lcDeviceWire).noquote() << "POST" << m_endpoint.toString() << body;

    QNetworkReply *reply = m_network->post(request, body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { handleReply(reply); });
    setState(State::Sending);
}

void TelemetryUploader::handleReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply)
        return;
    m_reply = nullptr;

    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    qCDebug(lcDeviceWire).noquote() << "answer" << status << body;

    // QNetworkReply's errors below 200 are the transport's (refused, closed,
    // timed out, proxy); from 200 on they only mirror the HTTP status. A
    // transport error after the status line (a 202 whose body never came)
    // is retried too: the answer is not complete, and a resend is harmless.
    const bool transportFailed = reply->error() != QNetworkReply::NoError && int(reply->error()) < 200;
    if (status == 0 || transportFailed) {
        // No complete HTTP answer: refused, reset, timed out, DNS... A
        // transfer timeout shows as a cancel (stop() disconnects before
        // aborting, so a cancel that reaches here is the timeout).
        if (reply->error() == QNetworkReply::OperationCanceledError) {
            scheduleRetry(QStringLiteral("server unreachable (no answer within %1 s)")
                              .arg(m_settings.requestTimeoutMs / 1000.0), 0);
        } else {
            scheduleRetry(QStringLiteral("server unreachable (%1)").arg(reply->errorString()), 0);
        }
        return;
    }
    if (status >= 200 && status < 300) {
        handleAcknowledged(body);
        return;
    }
    const QString described = describeHttpError(status, body);
    if (isRetryableStatus(status)) {
        const std::optional<int> retryAfter =
            DeliveryBackoff::parseRetryAfter(reply->rawHeader(QByteArrayLiteral("Retry-After")),
                                             QDateTime::currentDateTimeUtc());
        const QString phrase = status == 429 ? QStringLiteral("server busy")
                                             : QStringLiteral("server unavailable");
        QString reason = QStringLiteral("%1 (%2)").arg(phrase, described);
        if (retryAfter)
            reason += QStringLiteral(", Retry-After %1 s").arg(*retryAfter / 1000.0);
        scheduleRetry(reason, retryAfter.value_or(0));
        return;
    }
    if (status == 401) {
        restoreInFlight();
        fail(Error::KeyRejected, QStringLiteral("the server rejected the API key of %1 (%2)")
                                     .arg(m_settings.deviceId, described));
        return;
    }
    if (status == 403) {
        restoreInFlight();
        fail(Error::DeviceRejected, QStringLiteral("the server refused points for %1 with this key (%2)")
                                        .arg(m_settings.deviceId, described));
        return;
    }
    if (status == 404 || status == 405) {
        restoreInFlight();
        fail(Error::EndpointNotFound, QStringLiteral("no telemetry endpoint at %1 (%2); check --server")
                                          .arg(m_endpoint.toString(), described));
        return;
    }
    if (status >= 300 && status < 400) {
        restoreInFlight();
        const QString location = QString::fromUtf8(reply->rawHeader(QByteArrayLiteral("Location")));
        fail(Error::EndpointNotFound, QStringLiteral("%1 answers %2 and redirects to %3; give the server's real address with --server")
                                          .arg(m_endpoint.toString())
                                          .arg(status)
                                          .arg(location.isEmpty() ? QStringLiteral("nowhere") : location));
        return;
    }
    if (status == 413 && m_inFlight.size() > 1) {
        m_batchLimit = std::max(1, int(m_inFlight.size() / 2));
        qCInfo(lcDevice).noquote() << m_settings.deviceId << "batch too large for the server;"
                                   << "sending at most" << m_batchLimit << "points per request";
        restoreInFlight();
        sendNextBatch();
        return;
    }
    // Any other 4xx: retrying the same bytes cannot help.
    if (m_inFlight.size() > 1) {
        const int points = int(m_inFlight.size());
        restoreInFlight();
        m_isolating = points;
        emit batchRejected(points, status, described);
        sendNextBatch();
        return;
    }
    const qint64 seq = m_inFlight.isEmpty() ? -1 : m_inFlight.first().seq;
    m_inFlight.clear();
    ++m_rejected;
    if (m_isolating > 0)
        --m_isolating;
    emit pointRejected(seq, status, described);
    updateIdleState();
    sendNextBatch();
}

void TelemetryUploader::handleAcknowledged(const QByteArray &body)
{
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    const int points = int(m_inFlight.size());
    const int duplicates = std::clamp(answer.value(QStringLiteral("duplicates")).toInt(0), 0, points);
    const qint64 firstSeq = m_inFlight.first().seq;
    const qint64 lastSeq = m_inFlight.last().seq;
    m_inFlight.clear();
    m_acknowledged += points;
    m_duplicates += duplicates;
    m_isolating = std::max<qsizetype>(0, m_isolating - points);
    const int failures = m_backoff.failureCount();
    m_backoff.reset();
    if (failures > 0)
        emit deliveryResumed(failures);
    emit batchAcknowledged(firstSeq, lastSeq, points, duplicates);
    updateIdleState();
    sendNextBatch();
}

void TelemetryUploader::scheduleRetry(const QString &reason, int minimumDelayMs)
{
    restoreInFlight();
    const int delay = m_backoff.nextDelay(minimumDelayMs);
    qCDebug(lcDevice).noquote() << m_settings.deviceId << reason << "- retrying in" << delay << "ms";
    m_retryTimer.start(delay);
    setState(m_paused ? State::Paused : State::WaitingToRetry);
    emit retryScheduled(delay, reason, pendingCount());
}

void TelemetryUploader::restoreInFlight()
{
    if (m_inFlight.isEmpty())
        return;
    const QList<DevicePoint> batch = std::move(m_inFlight);
    m_inFlight.clear();
    reportDrop(m_buffer.restoreBatch(batch));
}

void TelemetryUploader::reportDrop(const PointBuffer::Drop &drop)
{
    if (drop.count > 0)
        emit pointsDropped(drop.count, drop.firstSeq, drop.lastSeq, m_buffer.droppedTotal());
}

void TelemetryUploader::fail(Error error, const QString &message)
{
    m_retryTimer.stop();
    m_error = error;
    m_errorString = message;
    setState(State::Stopped);
    emit errorOccurred(error, message);
}

void TelemetryUploader::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void TelemetryUploader::updateIdleState()
{
    if (m_state == State::Stopped || m_reply || m_retryTimer.isActive())
        return;
    setState(m_paused ? State::Paused : State::Idle);
    if (m_buffer.isEmpty())
        emit drained();
}

} // namespace Sightline
