#include "server/apierror.h"

#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>

namespace Sightline {

ApiError ApiError::invalidRequest(const QString &message)
{
    return ApiError{400, QByteArrayLiteral("invalid_request"), message, {}};
}

ApiError &ApiError::withHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append({name, value});
    return *this;
}

QByteArray errorBody(const ApiError &error)
{
    const QJsonObject body{
        {QStringLiteral("error"), QString::fromLatin1(error.code)},
        {QStringLiteral("message"), error.message},
    };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QHttpServerResponse toResponse(const ApiError &error)
{
    QHttpServerResponse response(QByteArrayLiteral("application/json"), errorBody(error),
                                 static_cast<QHttpServerResponder::StatusCode>(error.status));
    for (const auto &[name, value] : error.headers)
        response.setHeader(name, value);
    return response;
}

} // namespace Sightline
