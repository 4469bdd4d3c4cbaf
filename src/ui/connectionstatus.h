#pragma once

#include <QMetaType>
#include <QString>

namespace Sightline {

// What the connection banner shows: a plain value the wiring builds from the
// stream client's and the session's states (app/sightline maps them), so
// src/ui never depends on src/stream or src/auth.
struct ConnectionStatus
{
    enum class State {
        Connecting, // opening the stream (or signing in)
        Live, // events flowing
        Reconnecting, // waiting retryInMs before the next attempt
        Disconnected, // stopped for good; message says why, in words
        SessionExpired, // the session cannot be refreshed; the user must sign in again
    };

    State state = State::Connecting;
    QString message; // the reason in words (Disconnected), optional detail otherwise
    double eventsPerSecond = 0; // Live
    int retryInMs = 0; // Reconnecting: time until the next attempt
    // Disconnected because nobody is signed in: only signing in helps, so
    // the banner offers that instead of a retry (issue 14).
    bool signInNeeded = false;

    static ConnectionStatus connecting() { return ConnectionStatus{State::Connecting, QString(), 0, 0}; }
    static ConnectionStatus live(double eventsPerSecond)
    {
        return ConnectionStatus{State::Live, QString(), eventsPerSecond, 0};
    }
    static ConnectionStatus reconnecting(int retryInMs, const QString &message = QString())
    {
        return ConnectionStatus{State::Reconnecting, message, 0, retryInMs};
    }
    static ConnectionStatus disconnected(const QString &reason)
    {
        return ConnectionStatus{State::Disconnected, reason, 0, 0};
    }
    static ConnectionStatus notSignedIn(const QString &reason)
    {
        return ConnectionStatus{State::Disconnected, reason, 0, 0, true};
    }
    // message: why, in words a person understands (never a server's code).
    static ConnectionStatus sessionExpired(const QString &message = QString())
    {
        return ConnectionStatus{State::SessionExpired, message, 0, 0};
    }
};

} // namespace Sightline

Q_DECLARE_METATYPE(Sightline::ConnectionStatus)
