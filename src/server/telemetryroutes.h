#pragma once

#include <QObject>

#include "server/serverconfig.h"

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace Sightline {

class Authenticator;
class DeviceTracker;
class IngestService;
class Storage;

// The HTTP side of the telemetry half: POST /api/v1/telemetry,
// GET /api/v1/telemetry/history, GET /api/v1/alerts, GET /api/v1/devices
// (API.md). Each handler decodes the request, calls a service and maps the
// result to a status and JSON; errors go through toResponse() (apierror.h).
//
// Handlers answer asynchronously: Qt 6.4 QHttpServer lets a handler take
// `QHttpServerResponder &&` and keep it. The responder holds a raw socket
// pointer that QHttpServer deletes when the client disconnects, so every
// deferred answer first checks a QPointer (to a per-socket answer queue).
// Qt 6.4 keeps reading and routing a keep-alive connection while an answer
// is pending; the per-socket queue writes this class's answers in request
// order, so a client that pipelines its ingest requests gets them in order.
// (Answers of other routes, written at once by QHttpServer, cannot be held
// back by it.)
//
// All collaborators are not owned and must outlive this object.
class TelemetryRoutes : public QObject
{
    Q_OBJECT

public:
    TelemetryRoutes(const ServerConfig &config, Authenticator *auth, IngestService *ingest, Storage *storage,
                    DeviceTracker *tracker, QObject *parent = nullptr);

    void registerRoutes(QHttpServer &server);

    // Each takes the request and answers through the responder (now or later).
    void handleIngest(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void handleHistory(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void handleAlerts(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void handleDevices(const QHttpServerRequest &request, QHttpServerResponder &&responder);

private:
    ServerConfig m_config;
    Authenticator *m_auth;
    IngestService *m_ingest;
    Storage *m_storage;
    DeviceTracker *m_tracker;
};

} // namespace Sightline
