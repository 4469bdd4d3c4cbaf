#pragma once

#include <QMetaType>
#include <QString>
#include <QUrl>

namespace Sightline {

// What the sign-in dialog asks for. The password lives only in this value
// and in the dialog's field; it is never logged or stored by src/ui.
struct SignInRequest
{
    QUrl serverUrl;
    QString username;
    QString password;
    bool rememberMe = false; // keep the refresh token in the keychain
};

// Why a sign-in failed, as the wiring learns it from the auth client.
enum class SignInError {
    WrongCredentials, // 401 invalid_credentials
    ServerUnreachable, // connection refused, DNS, TLS, timeout
    TooManyAttempts, // 429 too_many_attempts, with Retry-After
    Other, // anything else; the detail says what
};

} // namespace Sightline

Q_DECLARE_METATYPE(Sightline::SignInRequest)
