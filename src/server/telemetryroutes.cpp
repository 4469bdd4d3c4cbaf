#include "server/telemetryroutes.h"

#include <optional>

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <memory>

#include "server/apierror.h"
#include "server/devicetracker.h"
#include "server/identity.h"
#include "server/ingestservice.h"
#include "server/ingestvalidation.h"
#include "server/logging.h"
#include "server/rfc3339.h"
#include "server/storage.h"

namespace Sightline {

namespace {

constexpr int kDefaultHistoryLimit = 10000;
constexpr int kMaxHistoryLimit = 100000;
constexpr int kMaxAlerts = 10000;
constexpr int kMaxHistoryStep = 86400; // API.md "History for long ranges": a day

// The answers of one connection, in request order. Qt 6.4 reads and routes
// the next request of a keep-alive connection while an earlier answer is
// still pending (QAbstractHttpServerPrivate::handleReadyRead), so a client
// that pipelines would otherwise get its answers out of order (RFC 9112
// 9.3.2). A child of the socket, so it goes away with it.
class AnswerQueue : public QObject
{
public:
    struct Slot
    {
        std::unique_ptr<QHttpServerResponder> responder;
        std::unique_ptr<QHttpServerResponse> response; // set once the answer is ready
    };

    static AnswerQueue *of(QTcpSocket *socket)
    {
        for (QObject *child : socket->children()) {
            if (auto *queue = dynamic_cast<AnswerQueue *>(child))
                return queue;
        }
        return new AnswerQueue(socket);
    }

    std::shared_ptr<Slot> enqueue(QHttpServerResponder &&responder)
    {
        auto slot = std::make_shared<Slot>();
        slot->responder = std::make_unique<QHttpServerResponder>(std::move(responder));
        m_slots.push_back(slot);
        return slot;
    }

    void answer(const std::shared_ptr<Slot> &slot, QHttpServerResponse &&response)
    {
        slot->response = std::make_unique<QHttpServerResponse>(std::move(response));
        bool wrote = false;
        while (!m_slots.empty() && m_slots.front()->response) {
            const std::shared_ptr<Slot> front = m_slots.front();
            m_slots.pop_front();
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                continue;
            front->response->write(std::move(*front->responder));
            wrote = true;
        }
        // Hand the answers to the kernel now rather than on the next event
        // loop turn: at shutdown the socket may be gone by then (issue 3,
        // "finish and flush what was acknowledged").
        if (wrote)
            m_socket->flush();
    }

private:
    explicit AnswerQueue(QTcpSocket *socket)
        : QObject(socket)
        , m_socket(socket)
    {
    }

    QTcpSocket *m_socket; // the parent
    std::deque<std::shared_ptr<Slot>> m_slots;
};

// A responder kept for a later answer. QHttpServer deletes the socket when
// the client goes away, and the responder only has a raw pointer to it, so
// the QPointer to the socket's AnswerQueue decides whether answering is
// still possible.
class PendingAnswer
{
public:
    explicit PendingAnswer(QHttpServerResponder &&responder)
        : m_queue(AnswerQueue::of(responder.socket()))
    {
        m_slot = m_queue->enqueue(std::move(responder));
    }

    void send(QHttpServerResponse &&response) const
    {
        if (!m_queue) {
            qCDebug(lcServerHttp) << "client left before its answer was ready";
            return;
        }
        m_queue->answer(m_slot, std::move(response));
    }
    void sendJson(const QJsonObject &body, int status = 200) const
    {
        send(QHttpServerResponse(body, static_cast<QHttpServerResponder::StatusCode>(status)));
    }
    void sendError(const ApiError &error) const { send(toResponse(error)); }

private:
    QPointer<AnswerQueue> m_queue;
    std::shared_ptr<AnswerQueue::Slot> m_slot;
};

// A JSON string, escaped as RFC 8259 asks. Field names are
// [A-Za-z0-9_.-] when they came through ingest, but a point store may hold
// names of other writers (InfluxDB).
void appendJsonString(QByteArray &out, const QString &text)
{
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00";
            out += "0123456789abcdef"[(c >> 4) & 0xf];
            out += "0123456789abcdef"[c & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

// A number as QJsonDocument reads it back exactly: whole numbers without a
// fraction, the rest in the shortest form that round-trips (std::to_chars:
// a few times faster than QByteArray::number, and a day of one-minute
// buckets of 21 fields is 120,000 numbers; bench/history).
void appendJsonNumber(QByteArray &out, double value)
{
    char buffer[32];
    const auto [end, error] = std::abs(value) < 9007199254740992.0 && value == std::floor(value)
        ? std::to_chars(buffer, buffer + sizeof buffer, qint64(value))
        : std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, error == std::errc() ? end - buffer : 0);
}

// {"buckets": [...], "step": s, "truncated": b} of API.md "History for long
// ranges", written directly: QJsonObject builds those 120,000 numbers
// several times slower than the storage reads them (bench/history).
QByteArray bucketsJson(const HistoryResult &result, int stepSeconds)
{
    // Each field name escaped once, not once per bucket and aggregate.
    QHash<QString, QByteArray> quotedNames;
    const auto quoted = [&quotedNames](const QString &name) -> const QByteArray & {
        auto it = quotedNames.find(name);
        if (it == quotedNames.end()) {
            QByteArray text;
            appendJsonString(text, name);
            it = quotedNames.insert(name, text + ':');
        }
        return *it;
    };
    QByteArray out;
    const qsizetype fieldsPerBucket = result.buckets.isEmpty() ? 0 : result.buckets.first().fields.size();
    out.reserve(64 + result.buckets.size() * (96 + fieldsPerBucket * 4 * 32));
    out += "{\"buckets\":[";
    for (qsizetype i = 0; i < result.buckets.size(); ++i) {
        const HistoryStepBucket &bucket = result.buckets.at(i);
        if (i > 0)
            out += ',';
        out += "{\"ts\":\"";
        out += formatRfc3339Utc(QDateTime::fromMSecsSinceEpoch(bucket.startMs, Qt::UTC)).toLatin1();
        out += "\",\"count\":";
        out += QByteArray::number(bucket.count);
        const auto appendObject = [&out, &bucket, &quoted](const char *key, double FieldAggregate::*member) {
            out += ",\"";
            out += key;
            out += "\":{";
            for (qsizetype f = 0; f < bucket.fields.size(); ++f) {
                if (f > 0)
                    out += ',';
                out += quoted(bucket.fields.at(f).name);
                appendJsonNumber(out, bucket.fields.at(f).*member);
            }
            out += '}';
        };
        appendObject("min", &FieldAggregate::min);
        appendObject("max", &FieldAggregate::max);
        appendObject("mean", &FieldAggregate::mean);
        appendObject("last", &FieldAggregate::last);
        out += '}';
    }
    out += "],\"step\":";
    out += QByteArray::number(stepSeconds);
    out += ",\"truncated\":";
    out += result.truncated ? "true" : "false";
    out += '}';
    return out;
}

ApiError forbidden(const QString &message)
{
    return ApiError{403, QByteArrayLiteral("forbidden"), message, {}};
}

ApiError storageUnavailable()
{
    return ApiError{503, QByteArrayLiteral("storage_unavailable"),
                    QStringLiteral("Storage is unavailable; retry later."), {}};
}

// The query's parameters, refusing repeated and unknown ones.
bool readQuery(const QHttpServerRequest &request, const QStringList &allowed, QHash<QString, QString> *values,
               ApiError *error)
{
    const QList<QPair<QString, QString>> items = request.query().queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (!allowed.contains(key)) {
            *error = ApiError::invalidRequest(QStringLiteral("Unknown query parameter \"%1\"; allowed: %2.")
                                                  .arg(key, allowed.join(QStringLiteral(", "))));
            return false;
        }
        if (values->contains(key)) {
            *error = ApiError::invalidRequest(QStringLiteral("Query parameter \"%1\" is given twice.").arg(key));
            return false;
        }
        values->insert(key, value);
    }
    return true;
}

bool readTime(const QHash<QString, QString> &values, const QString &key, QDateTime *time, ApiError *error)
{
    if (!values.contains(key))
        return true;
    const auto parsed = parseRfc3339(values.value(key));
    if (!parsed) {
        *error = ApiError::invalidRequest(
            QStringLiteral("\"%1\" must be RFC 3339 with an offset or Z, like 2026-11-22T10:00:00Z.").arg(key));
        return false;
    }
    *time = *parsed;
    return true;
}

// The device, when the caller's account has it and the token allows its site.
std::optional<DeviceRecord> visibleDevice(Authenticator *auth, const AccessClaims &claims, const QString &deviceId)
{
    const QList<DeviceRecord> devices = auth->devices(claims.accountId);
    for (const DeviceRecord &device : devices) {
        if (device.deviceId == deviceId && claims.allowsSite(device.siteId))
            return device;
    }
    return std::nullopt;
}


// The start of every dashboard query route (history, alerts, devices): the
// bearer token first, then the query's parameters. Nothing when either is
// refused, and then the refusal has been answered.
std::optional<AccessClaims> authorizeQuery(const Authenticator &auth, const QHttpServerRequest &request,
                                           const QStringList &allowed, const PendingAnswer &answer,
                                           QHash<QString, QString> *values)
{
    BearerResult bearer = auth.authenticateBearer(request);
    if (!bearer.claims) {
        answer.sendError(bearer.error);
        return std::nullopt;
    }
    ApiError error;
    if (!readQuery(request, allowed, values, &error)) {
        answer.sendError(error);
        return std::nullopt;
    }
    return std::move(bearer.claims);
}

} // namespace

TelemetryRoutes::TelemetryRoutes(const ServerConfig &config, Authenticator *auth, IngestService *ingest,
                                 Storage *storage, DeviceTracker *tracker, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_auth(auth)
    , m_ingest(ingest)
    , m_storage(storage)
    , m_tracker(tracker)
{
}

void TelemetryRoutes::registerRoutes(QHttpServer &server)
{
    server.route(QStringLiteral("/api/v1/telemetry"), QHttpServerRequest::Method::Post,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     handleIngest(request, std::move(responder));
                 });
    server.route(QStringLiteral("/api/v1/telemetry/history"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     handleHistory(request, std::move(responder));
                 });
    server.route(QStringLiteral("/api/v1/alerts"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     handleAlerts(request, std::move(responder));
                 });
    server.route(QStringLiteral("/api/v1/devices"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     handleDevices(request, std::move(responder));
                 });
}

void TelemetryRoutes::handleIngest(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const PendingAnswer answer(std::move(responder));
    m_ingest->ingest(request.value(QByteArrayLiteral("x-api-key")), request.value(QByteArrayLiteral("content-type")),
                     request.body(), [answer](const IngestService::Result &result) {
                         if (result.error)
                             answer.sendError(*result.error);
                         else
                             answer.sendJson(result.toJson(), 202);
                     });
}

void TelemetryRoutes::handleHistory(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const PendingAnswer answer(std::move(responder));
    QHash<QString, QString> values;
    const QStringList allowed{QStringLiteral("deviceId"), QStringLiteral("since"), QStringLiteral("until"),
                              QStringLiteral("fields"), QStringLiteral("limit"), QStringLiteral("step")};
    const std::optional<AccessClaims> authorized = authorizeQuery(*m_auth, request, allowed, answer, &values);
    if (!authorized)
        return;
    const AccessClaims &claims = *authorized;
    ApiError error;
    const QString deviceId = values.value(QStringLiteral("deviceId"));
    if (deviceId.isEmpty()) {
        answer.sendError(ApiError::invalidRequest(QStringLiteral("The query needs deviceId=<device id>.")));
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    HistoryQuery query;
    query.accountId = claims.accountId;
    query.deviceId = deviceId;
    query.since = now.addSecs(-3600);
    query.until = now;
    query.limit = kDefaultHistoryLimit;
    if (!readTime(values, QStringLiteral("since"), &query.since, &error)
        || !readTime(values, QStringLiteral("until"), &query.until, &error)) {
        answer.sendError(error);
        return;
    }
    if (query.since > query.until) {
        answer.sendError(ApiError::invalidRequest(QStringLiteral("\"since\" must not be after \"until\".")));
        return;
    }
    if (values.contains(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = values.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxHistoryLimit) {
            answer.sendError(ApiError::invalidRequest(
                QStringLiteral("\"limit\" must be an integer from 1 to %1.").arg(kMaxHistoryLimit)));
            return;
        }
        query.limit = limit;
    }
    if (values.contains(QStringLiteral("step"))) {
        // Digits only: toInt() would also take "+60" and " 60".
        const QString text = values.value(QStringLiteral("step"));
        bool ok = !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit() && c.unicode() < 128; });
        const int step = ok ? text.toInt(&ok) : 0;
        if (!ok || step < 1 || step > kMaxHistoryStep) {
            answer.sendError(ApiError::invalidRequest(
                QStringLiteral("\"step\" must be a whole number of seconds from 1 to %1.").arg(kMaxHistoryStep)));
            return;
        }
        query.stepSeconds = step;
    }
    if (values.contains(QStringLiteral("fields"))) {
        query.fields = values.value(QStringLiteral("fields")).split(QLatin1Char(','));
        for (const QString &name : std::as_const(query.fields)) {
            if (!isValidFieldName(name)) {
                answer.sendError(ApiError::invalidRequest(
                    QStringLiteral("\"fields\" must be a comma-separated list of field names ([A-Za-z0-9_.-]{1,64}).")));
                return;
            }
        }
    }
    // API.md: a device outside the caller's account or sites is 403, never
    // an empty answer.
    if (!visibleDevice(m_auth, claims, deviceId)) {
        answer.sendError(forbidden(QStringLiteral("Device \"%1\" is not one you may see.").arg(deviceId)));
        return;
    }
    m_storage->readHistory(query, [answer, step = query.stepSeconds](const HistoryResult &result) {
        if (!result.ok) {
            answer.sendError(storageUnavailable());
            return;
        }
        if (step > 0) {
            answer.send(QHttpServerResponse(QByteArrayLiteral("application/json"), bucketsJson(result, step)));
            return;
        }
        QJsonArray points;
        for (const HistoryPoint &point : result.points) {
            QJsonObject object{
                {QStringLiteral("ts"), formatRfc3339Utc(point.ts)},
                {QStringLiteral("fields"), point.fields},
            };
            if (point.seq)
                object.insert(QStringLiteral("seq"), double(*point.seq));
            points.append(object);
        }
        answer.sendJson(QJsonObject{{QStringLiteral("points"), points},
                                    {QStringLiteral("truncated"), result.truncated}});
    });
}

void TelemetryRoutes::handleAlerts(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const PendingAnswer answer(std::move(responder));
    QHash<QString, QString> values;
    const QStringList allowed{QStringLiteral("since"), QStringLiteral("state")};
    const std::optional<AccessClaims> authorized = authorizeQuery(*m_auth, request, allowed, answer, &values);
    if (!authorized)
        return;
    const AccessClaims &claims = *authorized;
    ApiError error;
    QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-qint64(m_config.retentionHours) * 3600);
    if (!readTime(values, QStringLiteral("since"), &since, &error)) {
        answer.sendError(error);
        return;
    }
    const QString state = values.value(QStringLiteral("state"));
    if (values.contains(QStringLiteral("state")) && state != u"firing" && state != u"resolved") {
        answer.sendError(ApiError::invalidRequest(QStringLiteral("\"state\" must be firing or resolved.")));
        return;
    }
    EventQuery query;
    query.accountId = claims.accountId;
    query.sites = claims.sites;
    query.types = QStringList{QStringLiteral("alert")};
    query.since = since;
    query.state = state; // before the limit: the newest kMaxAlerts in that state
    query.limit = kMaxAlerts;
    query.newest = true;
    m_storage->readEvents(query, [answer](const EventPage &page) {
        if (!page.ok) {
            answer.sendError(storageUnavailable());
            return;
        }
        QJsonArray alerts;
        for (const StoredEvent &event : page.events) {
            QJsonObject alert = event.data;
            alert.insert(QStringLiteral("id"), event.idString());
            alert.insert(QStringLiteral("ts"), formatRfc3339Utc(event.ts));
            alerts.append(alert);
        }
        // Like history: the newest kMaxAlerts, and a flag when older ones
        // were left out.
        answer.sendJson(QJsonObject{{QStringLiteral("alerts"), alerts},
                                    {QStringLiteral("truncated"), page.hasMore}});
    });
}

void TelemetryRoutes::handleDevices(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const PendingAnswer answer(std::move(responder));
    QHash<QString, QString> values;
    const std::optional<AccessClaims> authorized = authorizeQuery(*m_auth, request, {}, answer, &values);
    if (!authorized)
        return;
    const AccessClaims &claims = *authorized;
    QJsonArray devices;
    const QList<DeviceRecord> records = m_auth->devices(claims.accountId);
    for (const DeviceRecord &device : records) {
        if (!claims.allowsSite(device.siteId))
            continue;
        const DeviceTracker::Status status = m_tracker->status(device.accountId, device.deviceId);
        devices.append(QJsonObject{
            {QStringLiteral("deviceId"), device.deviceId},
            {QStringLiteral("siteId"), device.siteId},
            {QStringLiteral("status"), status.online ? QStringLiteral("online") : QStringLiteral("offline")},
            {QStringLiteral("lastSeen"),
             status.lastSeen.isValid() ? QJsonValue(formatRfc3339Utc(status.lastSeen)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("fields"), QJsonArray::fromStringList(status.fields)},
        });
    }
    answer.sendJson(QJsonObject{{QStringLiteral("devices"), devices}});
}

} // namespace Sightline
