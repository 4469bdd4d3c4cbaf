#include "server/authapi.h"

#include "server/authservice.h"
#include "server/logging.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

namespace Sightline {

namespace {

// The largest password we hash: Argon2 takes any length, but hashing
// megabytes per guess would be an easy way to burn CPU.
constexpr qsizetype kMaxPasswordBytes = 4096;
// Stored usernames have at most 64 characters; a longer one cannot exist, and
// refusing it early keeps junk out of the throttle's memory.
constexpr qsizetype kMaxUsernameLength = 256;

QHttpServerResponse outcomeResponse(const AuthService::Outcome &outcome)
{
    if (outcome.tokens)
        return noStoreJsonResponse(outcome.tokens->toJson());
    return toResponse(outcome.error);
}

} // namespace

QHttpServerResponse noStoreJsonResponse(const QJsonObject &body, int status)
{
    QHttpServerResponse response(QByteArrayLiteral("application/json"),
                                 QJsonDocument(body).toJson(QJsonDocument::Compact),
                                 static_cast<QHttpServerResponder::StatusCode>(status));
    response.setHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    response.setHeader(QByteArrayLiteral("Pragma"), QByteArrayLiteral("no-cache"));
    return response;
}

AuthApi::AuthApi(AuthService *service)
    : m_service(service)
{
}

std::optional<QJsonObject> AuthApi::parseJsonObjectBody(const QHttpServerRequest &request,
                                                        ApiError *error)
{
    const QByteArray body = request.body();
    if (body.size() > kMaxBodyBytes) {
        *error = ApiError{413, QByteArrayLiteral("payload_too_large"),
                          QStringLiteral("The body is larger than %1 bytes.").arg(kMaxBodyBytes),
                          {}};
        return std::nullopt;
    }
    if (body.trimmed().isEmpty()) {
        *error = ApiError::invalidRequest(QStringLiteral("The body is empty; send a JSON object."));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = ApiError::invalidRequest(QStringLiteral("The body is not valid JSON (%1 at offset %2).")
                                              .arg(parseError.errorString())
                                              .arg(parseError.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = ApiError::invalidRequest(QStringLiteral("The body must be a JSON object."));
        return std::nullopt;
    }
    return document.object();
}

std::optional<QString> AuthApi::requiredString(const QJsonObject &body, const QString &name,
                                               ApiError *error)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined()) {
        *error = ApiError::invalidRequest(QStringLiteral("The body lacks \"%1\".").arg(name));
        return std::nullopt;
    }
    if (!value.isString()) {
        *error = ApiError::invalidRequest(QStringLiteral("\"%1\" must be a string.").arg(name));
        return std::nullopt;
    }
    if (value.toString().isEmpty()) {
        *error = ApiError::invalidRequest(QStringLiteral("\"%1\" must not be empty.").arg(name));
        return std::nullopt;
    }
    return value.toString();
}

namespace {

struct Credentials
{
    QString username;
    QByteArray password; // UTF-8
};

// The login body: {"username": "...", "password": "..."} within the limits,
// or the 400/413 naming the problem.
std::optional<Credentials> parseCredentials(const QHttpServerRequest &request, ApiError *error)
{
    const auto body = AuthApi::parseJsonObjectBody(request, error);
    if (!body)
        return std::nullopt;
    const auto username = AuthApi::requiredString(*body, QStringLiteral("username"), error);
    if (!username)
        return std::nullopt;
    const auto password = AuthApi::requiredString(*body, QStringLiteral("password"), error);
    if (!password)
        return std::nullopt;
    if (username->size() > kMaxUsernameLength) {
        *error = ApiError::invalidRequest(
            QStringLiteral("\"username\" is longer than %1 characters.").arg(kMaxUsernameLength));
        return std::nullopt;
    }
    Credentials credentials{*username, password->toUtf8()};
    if (credentials.password.size() > kMaxPasswordBytes) {
        *error = ApiError::invalidRequest(
            QStringLiteral("\"password\" is longer than %1 bytes.").arg(kMaxPasswordBytes));
        return std::nullopt;
    }
    return credentials;
}

} // namespace

void AuthApi::registerRoutes(QHttpServer &server)
{
    AuthService *service = m_service;

    server.route(QStringLiteral("/api/v1/auth/login"), QHttpServerRequest::Method::Post,
                 [service](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     ApiError error;
                     const auto credentials = parseCredentials(request, &error);
                     if (!credentials) {
                         toResponse(error).write(std::move(responder));
                         return;
                     }
                     // The answer comes later, from the hashing worker. The
                     // socket may be gone by then (the client gave up): the
                     // QPointer tells, and the responder is then dropped unused.
                     auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
                     QPointer<QTcpSocket> socket = held->socket();
                     service->login(credentials->username, credentials->password,
                                    request.remoteAddress(),
                                    [held, socket](const AuthService::Outcome &outcome) {
                                        if (!socket)
                                            return;
                                        outcomeResponse(outcome).write(std::move(*held));
                                    });
                 });

    server.route(QStringLiteral("/api/v1/auth/refresh"), QHttpServerRequest::Method::Post,
                 [service](const QHttpServerRequest &request) {
                     ApiError error;
                     const auto body = parseJsonObjectBody(request, &error);
                     std::optional<QString> token;
                     if (body)
                         token = requiredString(*body, QStringLiteral("refresh_token"), &error);
                     if (!token)
                         return toResponse(error);
                     return outcomeResponse(service->refresh(token->toUtf8()));
                 });

    server.route(QStringLiteral("/api/v1/auth/logout"), QHttpServerRequest::Method::Post,
                 [service](const QHttpServerRequest &request) {
                     const AuthService::BearerCheck caller = service->checkBearer(request);
                     if (!caller.token)
                         return toResponse(caller.error);
                     if (!service->logout(*caller.token)) {
                         return toResponse(ApiError{503, QByteArrayLiteral("unavailable"),
                                                    QStringLiteral("The accounts database cannot "
                                                                   "be written; try again shortly."),
                                                    {}});
                     }
                     return QHttpServerResponse(QHttpServerResponder::StatusCode::NoContent);
                 });
}

} // namespace Sightline
