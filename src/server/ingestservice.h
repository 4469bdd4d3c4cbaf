#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

#include "server/apierror.h"
#include "server/ingestratelimiter.h"
#include "server/ingestvalidation.h"
#include "server/storagetypes.h"

namespace Sightline {

class Authenticator;
class Clock;
class Hub;
class Storage;
class TelemetryMetrics;

// POST /api/v1/telemetry without HTTP (API.md "Ingest"): authenticate the
// device key, validate, store (de-duplicating by device and seq), answer,
// then publish each new point as a `telemetry` event and emit pointsStored
// for the rules and the device tracker. The answer comes only after the
// storage commit is durable; on a storage failure it is 503 and nothing of
// the request was stored. All collaborators are not owned.
class IngestService : public QObject
{
    Q_OBJECT

public:
    struct Result
    {
        std::optional<ApiError> error; // set: the request was refused
        int accepted = 0;              // new points stored
        int duplicates = 0;            // points already stored earlier
        QStringList ids;               // per point, in request order
        // {"accepted", "duplicates", "ids"} of the 202 answer.
        QJsonObject toJson() const;
    };
    using Callback = std::function<void(const Result &)>;

    IngestService(const IngestLimits &limits, Authenticator *auth, Storage *storage, Hub *hub,
                  const Clock *clock, TelemetryMetrics *metrics, QObject *parent = nullptr);

    // Handles one request; `done` runs later (never before this returns).
    void ingest(const QByteArray &apiKey, const QByteArray &contentType, const QByteArray &body,
                Callback done);

    // Requests waiting for their storage commit.
    int pendingCount() const { return m_pending; }

Q_SIGNALS:
    // New (non-duplicate) points of one request, after they were stored
    // and published.
    void pointsStored(const Sightline::DeviceRecord &device, const QList<Sightline::TelemetryPoint> &points);

private:
    void reject(const ApiError &error, int pointCount, const Callback &done);

    IngestLimits m_limits;
    IngestRateLimiter m_rateLimiter;
    Authenticator *m_auth;
    Storage *m_storage;
    Hub *m_hub;
    const Clock *m_clock;
    TelemetryMetrics *m_metrics;
    int m_pending = 0;
};

} // namespace Sightline
