#pragma once

#include "auth/session.h"
#include "stream/streamclient.h"
#include "ui/connectionstatus.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace Sightline {

// What the dashboard's connection is made of at one moment: the session's
// and the stream client's states and their reasons. toConnectionStatus()
// is the one mapping from those real states to what the connection banner
// shows (issue 6 item 3), so src/ui never sees src/stream or src/auth.
struct LinkState
{
    Session::State session = Session::State::SignedOut;
    StreamClient::State stream = StreamClient::State::Idle;
    QString streamError;       // StreamClient::errorString()
    QString sessionError;      // why the session expired or signing in failed
    QDateTime nextAttemptAt;   // StreamClient::nextAttemptAt() while Reconnecting
    bool hasPendingSignIn = false; // the sign-in dialog is waiting for the user

    // The banner's value at `now` (for the Reconnecting countdown).
    ConnectionStatus toConnectionStatus(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    // tr() in the context lupdate sees (it ends in "private:", so it comes last).
    Q_DECLARE_TR_FUNCTIONS(Sightline::LinkState)
};

} // namespace Sightline
