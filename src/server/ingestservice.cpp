#include "server/ingestservice.h"

#include <QJsonArray>
#include <QMetaObject>

#include "server/clock.h"
#include "server/hub.h"
#include "server/identity.h"
#include "server/logging.h"
#include "server/rfc3339.h"
#include "server/storage.h"
#include "server/telemetrymetrics.h"

namespace Sightline {

namespace {

QJsonObject telemetryData(const TelemetryPoint &point)
{
    QJsonObject data{
        {QStringLiteral("deviceId"), point.deviceId},
        {QStringLiteral("ts"), formatRfc3339Utc(point.ts)},
        {QStringLiteral("fields"), point.fields},
    };
    if (point.seq)
        data.insert(QStringLiteral("seq"), double(*point.seq));
    return data;
}

} // namespace

QJsonObject IngestService::Result::toJson() const
{
    return QJsonObject{
        {QStringLiteral("accepted"), accepted},
        {QStringLiteral("duplicates"), duplicates},
        {QStringLiteral("ids"), QJsonArray::fromStringList(ids)},
    };
}

IngestService::IngestService(const IngestLimits &limits, Authenticator *auth, Storage *storage, Hub *hub,
                             const Clock *clock, TelemetryMetrics *metrics, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_rateLimiter(limits.maxPointsPerSecond)
    , m_auth(auth)
    , m_storage(storage)
    , m_hub(hub)
    , m_clock(clock)
    , m_metrics(metrics)
{
}

void IngestService::reject(const ApiError &error, int pointCount, const Callback &done)
{
    m_metrics->addRejected(error.code);
    m_metrics->addPoints(QByteArrayLiteral("rejected"), quint64(qMax(pointCount, 1)));
    Result result;
    result.error = error;
    // Answer from the event loop, like the stored case, so callers see one
    // behaviour whatever the outcome.
    QMetaObject::invokeMethod(this, [done, result] { done(result); }, Qt::QueuedConnection);
}

void IngestService::ingest(const QByteArray &apiKey, const QByteArray &contentType, const QByteArray &body,
                           Callback done)
{
    // The key is never logged (STYLE.md).
    const std::optional<DeviceRecord> device = apiKey.isEmpty() ? std::nullopt : m_auth->authenticateDeviceKey(apiKey);
    if (!device) {
        reject(ApiError{401, QByteArrayLiteral("invalid_api_key"),
                        apiKey.isEmpty() ? QStringLiteral("Send the device's API key in the x-api-key header.")
                                         : QStringLiteral("The x-api-key is not a known device key."),
                        {}},
               0, done);
        return;
    }
    const QList<ValidationProblem> envelope = checkIngestEnvelope(contentType, body.size(), m_limits);
    if (!envelope.isEmpty()) {
        reject(envelope.first().toApiError(), 0, done);
        return;
    }
    const ParsedIngest parsed = parseIngestBody(body, device->deviceId, m_clock->now(), m_limits);
    if (!parsed.problems.isEmpty()) {
        reject(parsed.problems.first().toApiError(), parsed.pointCount, done);
        return;
    }
    // Checked before any event id is taken, so a refused request leaves no trace.
    const IngestRateLimiter::Decision rate =
        m_rateLimiter.take(device->topic(), int(parsed.points.size()), m_clock->now());
    if (!rate.allowed) {
        ApiError error{429, QByteArrayLiteral("rate_limited"),
                       QStringLiteral("Device \"%1\" sends more than %2 points per second; nothing was "
                                      "accepted, retry after %3 s.")
                           .arg(device->deviceId)
                           .arg(m_limits.maxPointsPerSecond)
                           .arg(rate.retryAfterSeconds),
                       {}};
        error.withHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(rate.retryAfterSeconds));
        reject(error, int(parsed.points.size()), done);
        return;
    }

    WriteBatch batch;
    batch.points.reserve(parsed.points.size());
    for (const TelemetryPoint &point : parsed.points) {
        PointWrite write;
        write.device = *device;
        write.point = point;
        write.event = m_hub->prepareEvent(*device, QStringLiteral("telemetry"), telemetryData(point));
        batch.points.append(write);
    }

    ++m_pending;
    const DeviceRecord record = *device;
    m_storage->write(batch, [this, batch, record, done](const WriteResult &stored) {
        --m_pending;
        if (!stored.ok) {
            qCWarning(lcServerIngest) << "storing" << batch.points.size() << "points of" << record.deviceId
                                      << "failed:" << stored.error;
            m_metrics->addRejected(QByteArrayLiteral("storage_unavailable"));
            m_metrics->addPoints(QByteArrayLiteral("rejected"), quint64(batch.points.size()));
            Result result;
            result.error = ApiError{503, QByteArrayLiteral("storage_unavailable"),
                                    QStringLiteral("Storage is unavailable; nothing was accepted, retry later."),
                                    {}};
            result.error->withHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5"));
            done(result);
            return;
        }
        Result result;
        QList<TelemetryPoint> fresh;
        QList<StoredEvent> events;
        for (qsizetype i = 0; i < batch.points.size(); ++i) {
            const bool duplicate = stored.duplicates.value(i);
            result.ids.append(QString::number(stored.eventIds.value(i)));
            if (duplicate) {
                ++result.duplicates;
            } else {
                ++result.accepted;
                fresh.append(batch.points.at(i).point);
                events.append(batch.points.at(i).event);
            }
        }
        // The ids prepared for duplicates were not stored; give back the
        // ones no later event took (last first), so re-posts burn no ids.
        // (Ids of a failed write are not given back: a failed commit is
        // not proof that nothing reached the disk.)
        for (qsizetype i = batch.points.size() - 1; i >= 0; --i) {
            if (stored.duplicates.value(i))
                m_hub->withdraw(batch.points.at(i).event);
        }
        m_metrics->addPoints(QByteArrayLiteral("accepted"), quint64(result.accepted));
        m_metrics->addPoints(QByteArrayLiteral("duplicate"), quint64(result.duplicates));
        done(result);
        for (const StoredEvent &event : std::as_const(events))
            m_hub->announce(event);
        if (!fresh.isEmpty())
            emit pointsStored(record, fresh);
    });
}

} // namespace Sightline
