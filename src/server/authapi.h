#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <optional>

#include "server/apierror.h"

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace Sightline {

class AuthService;

// The HTTP routes of the auth side (API.md "Auth"): POST
// /api/v1/auth/login, /refresh and /logout. Each handler decodes the body,
// calls AuthService and maps the outcome to a response; errors go through
// toResponse(). Login answers asynchronously (the password hash runs on a
// worker); a client that disconnects meanwhile is simply not answered.
class AuthApi
{
public:
    // service: not owned; must outlive the routes (the Server owns both).
    explicit AuthApi(AuthService *service);

    void registerRoutes(QHttpServer &server);

    // Bodies of the auth routes are small; anything larger is refused (413).
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024;

    // The request body as a JSON object, or the 400/413 naming the problem.
    // Shared by every JSON route of the auth side.
    static std::optional<QJsonObject> parseJsonObjectBody(const QHttpServerRequest &request,
                                                          ApiError *error);
    // A required non-empty string member, or the 400 naming it.
    static std::optional<QString> requiredString(const QJsonObject &body, const QString &name,
                                                 ApiError *error);

private:
    AuthService *m_service; // not owned
};

// A JSON 2xx response that must not be cached (it may hold tokens;
// RFC 6749 section 5.1).
QHttpServerResponse noStoreJsonResponse(const QJsonObject &body, int status = 200);

} // namespace Sightline
