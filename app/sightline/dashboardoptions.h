#pragma once

#include "auth/tokenstore.h"

#include <QStringList>
#include <QUrl>

namespace Sightline {

// What the command line (API.md "sightline — the desktop app") and the
// environment give the DashboardController.
struct DashboardOptions
{
    QUrl server;          // --server, else the last one used (QSettings)
    QString username;     // --user
    // SIGHTLINE_PASSWORD: with server and username, signs in without the
    // dialog. Held only until the sign-in is sent; never logged or stored.
    QString password;
    // Where "remember me" keeps the refresh token (tests: MemoryOnly).
    TokenStore::Backend keychainBackend = TokenStore::Backend::Keychain;
    // Stream tuning; 0 keeps the contract's default. Tests shorten them.
    int silenceTimeoutMs = 0;
    int maxReconnectDelayMs = 0;
};

} // namespace Sightline
