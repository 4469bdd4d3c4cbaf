#include "linkstate.h"

namespace Sightline {

namespace {

// Why a session ended, in words, from the auth or stream error (which
// starts with the server's code, API.md). Unknown reasons stay unsaid: the
// log has them, the banner says what to do.
QString sessionEndedInWords(const QString &error)
{
    if (error.contains(QLatin1String("refresh_reused")))
        return LinkState::tr("an older copy of it was used, so the server ended it to be safe");
    if (error.contains(QLatin1String("invalid_refresh_token")))
        return LinkState::tr("the server no longer accepts it (signed out elsewhere, or it ran out)");
    if (error.contains(QLatin1String("invalid_token")) || error.contains(QLatin1String("token_expired")))
        return LinkState::tr("the server no longer accepts it");
    return QString();
}

} // namespace

ConnectionStatus LinkState::toConnectionStatus(const QDateTime &now) const
{
    using Stream = StreamClient::State;
    // The session decides first: without a valid sign-in, whatever the
    // stream still does ends at its token's expiry.
    switch (session) {
    case Session::State::Expired:
        return ConnectionStatus::sessionExpired(sessionEndedInWords(sessionError));
    case Session::State::SignedOut:
        if (stream == Stream::Live)
            break; // signing in again while the old stream still runs
        if (stream == Stream::AuthExpired)
            return ConnectionStatus::sessionExpired(sessionEndedInWords(streamError));
        if (!sessionError.isEmpty())
            return ConnectionStatus::notSignedIn(sessionError);
        return ConnectionStatus::notSignedIn(hasPendingSignIn ? tr("not signed in; sign in to see live data")
                                                              : tr("not signed in"));
    case Session::State::SigningIn:
        if (stream == Stream::Live)
            break;
        if (stream == Stream::AuthExpired)
            return ConnectionStatus::sessionExpired(sessionEndedInWords(streamError));
        return ConnectionStatus{ConnectionStatus::State::Connecting, tr("signing in"), 0, 0};
    case Session::State::SignedIn:
        break;
    }

    switch (stream) {
    case Stream::Idle:
    case Stream::Connecting:
        return ConnectionStatus::connecting();
    case Stream::Live:
        return ConnectionStatus::live(0);
    case Stream::Reconnecting: {
        if (!nextAttemptAt.isValid()) // waiting for a refreshed access token
            return ConnectionStatus{ConnectionStatus::State::Connecting, tr("renewing the sign-in"), 0, 0};
        const qint64 ms = std::max<qint64>(0, now.msecsTo(nextAttemptAt));
        return ConnectionStatus::reconnecting(int(std::min<qint64>(ms, 24LL * 3600 * 1000)), streamError);
    }
    case Stream::AuthExpired:
        return ConnectionStatus::sessionExpired(sessionEndedInWords(streamError));
    case Stream::Stopped:
        return ConnectionStatus::disconnected(tr("the server asked this dashboard not to reconnect"));
    case Stream::Failed:
        return ConnectionStatus::disconnected(streamError.isEmpty() ? tr("the stream failed") : streamError);
    }
    return ConnectionStatus::connecting();
}

} // namespace Sightline
