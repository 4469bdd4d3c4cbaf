#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QHttpServerResponse;

namespace Sightline {

// One error answer of the wire contract (API.md): every 4xx/5xx body is
// {"error": <code>, "message": <sentence>}. Services return ApiError values;
// only route handlers turn them into responses, through toResponse().
struct ApiError
{
    int status = 400;
    QByteArray code;          // machine code, e.g. "invalid_request"
    QString message;          // one sentence a person can act on
    QList<QPair<QByteArray, QByteArray>> headers; // e.g. Retry-After, WWW-Authenticate

    static ApiError invalidRequest(const QString &message);
    ApiError &withHeader(const QByteArray &name, const QByteArray &value);
};

// The one helper that builds every JSON error response.
QHttpServerResponse toResponse(const ApiError &error);

// The JSON body alone (for code that writes to a responder directly).
QByteArray errorBody(const ApiError &error);

} // namespace Sightline
