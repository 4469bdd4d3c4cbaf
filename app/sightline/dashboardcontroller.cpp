#include "dashboardcontroller.h"

#include "alertsloader.h"
#include "apirequest.h"
#include "devicedirectory.h"
#include "eventrouter.h"
#include "historyloader.h"
#include "logging.h"

#include "auth/session.h"
#include "auth/tokenstore.h"
#include "stream/streamclient.h"
#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/statetimeline.h"
#include "telemetry/workspacetime.h"
#include "ui/workspace.h"
#include "ui/logindialog.h"

#include <QDateTime>
#include <QSettings>
#include <QStatusBar>
#include <QUrlQuery>

#include <utility>

namespace Sightline {

namespace {

constexpr int kMessageMs = 8000; // a message hides the status fields meanwhile

SignInError signInErrorFor(AuthClient::Error error)
{
    switch (error) {
    case AuthClient::Error::InvalidCredentials:
        return SignInError::WrongCredentials;
    case AuthClient::Error::NetworkError:
        return SignInError::ServerUnreachable;
    case AuthClient::Error::TooManyAttempts:
        return SignInError::TooManyAttempts;
    default:
        return SignInError::Other;
    }
}

} // namespace

DashboardController::DashboardController(MainWindow *window, const WorkspaceModels &models,
                                         const DashboardOptions &options, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_models(models)
    , m_options(options)
    , m_keychainStore(new TokenStore(options.keychainBackend, this))
    , m_memoryStore(new TokenStore(TokenStore::Backend::MemoryOnly, this))
    , m_stream(new StreamClient(&m_network, this))
    , m_history(new HistoryLoader(&m_network, this))
    , m_alertsLoader(new AlertsLoader(&m_network, this))
    , m_directory(new DeviceDirectory(&m_network, this))
    , m_router(new EventRouter(models, this))
{
    m_server = options.server;
    m_username = options.username;

    const auto token = [this] { return m_session ? m_session->accessToken() : QString(); };
    m_stream->setTokenSource(token);
    m_history->setTokenSource(token);
    m_alertsLoader->setTokenSource(token);
    m_directory->setTokenSource(token);
    if (options.silenceTimeoutMs > 0)
        m_stream->setSilenceTimeout(options.silenceTimeoutMs);
    if (options.maxReconnectDelayMs > 0)
        m_stream->setMaxReconnectDelay(options.maxReconnectDelayMs);

    connect(m_stream, &StreamClient::stateChanged, this, &DashboardController::handleStreamState);
    connect(m_stream, &StreamClient::eventReceived, this, &DashboardController::handleEvent);
    connect(m_stream, &StreamClient::tokenRefreshRequested, this, &DashboardController::handleTokenRefreshRequested);
    connect(m_router, &EventRouter::systemEventReceived, this, &DashboardController::handleSystemEvent);
    connect(m_directory, &DeviceDirectory::loaded, this, &DashboardController::handleDevicesLoaded);
    connect(m_directory, &DeviceDirectory::failed, this, [this](const QString &reason, int status) {
        showMessage(tr("Could not load the device list: %1").arg(reason));
        if (status == 401 && m_session)
            m_session->refreshNow(); // loaded again at the next token
    });
    connect(m_history, &HistoryLoader::loaded, this, &DashboardController::handleHistoryLoaded);
    connect(m_history, &HistoryLoader::failed, this, [this](const QString &deviceId, const QString &reason, int status) {
        m_bucketsAsked.remove(deviceId); // tried again at the next token, reconnect or range
        showMessage(tr("Could not load the history of %1: %2").arg(deviceId, reason));
        if (status == 401 && m_session)
            m_session->refreshNow();
    });
    connect(m_alertsLoader, &AlertsLoader::loaded, this, [this](const QList<AlertsLoader::FiringAlert> &alerts) {
        m_alertsLoaded = true;
        for (const AlertsLoader::FiringAlert &item : alerts)
            m_models.alerts->applyAlert(item.alert, item.eventId);
    });
    connect(m_alertsLoader, &AlertsLoader::failed, this, [this](const QString &reason, int status) {
        showMessage(tr("Could not load the firing alerts: %1").arg(reason));
        if (status == 401 && m_session)
            m_session->refreshNow(); // loaded again at the next token
    });
    connect(m_history, &HistoryLoader::pendingCountChanged, m_window, &MainWindow::setHistoryLoading);

    connect(m_window, &MainWindow::retryRequested, this, &DashboardController::retryNow);
    connect(m_window, &MainWindow::signInRequested, this, &DashboardController::openSignInDialog);
    connect(m_window, &MainWindow::signOutRequested, this, &DashboardController::signOut);
    // What the panels show decides what is loaded (issue 14): the raw
    // points of the range for every device some panel draws over time, the
    // buckets a chart asks for when its range holds more points than it has
    // pixels. The stores' retention follows the range first, so a page that
    // arrives is never trimmed away as too old.
    Workspace *workspace = m_window->workspace();
    connect(models.time, &WorkspaceTime::rangeChanged, this, [this] {
        applyTimeToStores();
        m_loadSoon.start();
    });
    connect(workspace, &Workspace::panelsChanged, &m_loadSoon, qOverload<>(&QTimer::start));
    // A chart that now draws another field of a device whose buckets are
    // loaded: the same range again, with the fields the charts draw now.
    connect(workspace, &Workspace::panelsChanged, this, [this] {
        const QHash<QString, HistoryRequest> asked = m_bucketsAsked;
        for (auto it = asked.begin(); it != asked.end(); ++it)
            loadBuckets({it.key()}, it->fromMs, it->toMs, int(it->stepMs / 1000));
    });
    connect(workspace, &Workspace::historyNeeded, this, &DashboardController::loadHistory);
    connect(workspace, &Workspace::bucketsNeeded, this, &DashboardController::loadBuckets);
    m_loadSoon.setSingleShot(true);
    m_loadSoon.setInterval(kLoadDelayMs); // a zoom or a drag comes to rest first
    connect(&m_loadSoon, &QTimer::timeout, this, &DashboardController::loadWhatPanelsShow);
    connect(m_history, &HistoryLoader::bucketsLoaded, this, [this](const QString &deviceId, const HistoryBucketPage &page) {
        m_models.buckets->mergeBuckets(deviceId, page);
    });
    applyTimeToStores();
    connect(m_keychainStore, &TokenStore::keychainUnavailable, this, &DashboardController::showMessage);

    updateStatus();
}

DashboardController::~DashboardController()
{
    // Their replies belong to m_network, which goes before the children.
    delete m_stream;
    delete m_history;
    delete m_alertsLoader;
    delete m_directory;
    delete m_session;
    delete m_auth;
}

QUrl DashboardController::streamUrl(const QUrl &server)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("types"), QStringLiteral("telemetry,alert,device_status,system"));
    return ApiRequest::endpoint(server, QStringLiteral("/api/v1/telemetry/stream"), query);
}

QString DashboardController::identityKey() const
{
    return TokenStore::keyFor(m_server, m_username);
}

void DashboardController::start()
{
    // The password lives only until the sign-in is sent.
    const QString password = std::exchange(m_options.password, QString());
    if (m_server.isValid() && !m_username.isEmpty()) {
        if (!password.isEmpty()) {
            // A scripted start: nothing goes to the keychain.
            createSession(m_server, false);
            signInWith(SignInSource::Silent, m_username, password);
        } else {
            createSession(m_server, true);
            signInWith(SignInSource::Stored, m_username, QString());
        }
        return;
    }
    openSignInDialog();
}

void DashboardController::createSession(const QUrl &server, bool rememberMe)
{
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        m_session->deleteLater();
        m_auth->deleteLater();
    }
    m_server = server;
    m_auth = new AuthClient(&m_network, server, this);
    m_session = new Session(m_auth, rememberMe ? m_keychainStore : m_memoryStore, this);
    connect(m_session, &Session::signedIn, this, &DashboardController::handleSignedIn);
    connect(m_session, &Session::signInFailed, this, &DashboardController::handleSignInFailed);
    connect(m_session, &Session::accessTokenChanged, this, &DashboardController::handleAccessTokenChanged);
    connect(m_session, &Session::expired, this, &DashboardController::handleSessionExpired);
    connect(m_session, &Session::stateChanged, this, &DashboardController::updateStatus);
}

void DashboardController::signInWith(SignInSource source, const QString &username, const QString &password)
{
    m_signInSource = source;
    m_sessionError.clear();
    qCInfo(lcApp).noquote() << "signing in to" << m_server.toDisplayString() << "as" << username
                            << (source == SignInSource::Stored ? "with the stored sign-in" : "with a password");
    if (source == SignInSource::Stored)
        m_session->resume(username);
    else
        m_session->signIn(username, password);
    updateStatus();
}

void DashboardController::openSignInDialog()
{
    if (!m_dialog) {
        m_dialog = new LoginDialog(m_window);
        connect(m_dialog, &LoginDialog::signInRequested, this, &DashboardController::handleSignInRequest);
        connect(m_dialog, &QDialog::rejected, this, &DashboardController::updateStatus);
        m_dialog->restoreSettings(QSettings()); // "remember me" and its username
    }
    if (m_server.isValid())
        m_dialog->setServerUrl(m_server);
    if (!m_username.isEmpty())
        m_dialog->setUsername(m_username);
    m_dialog->setBusy(false);
    m_dialog->open();
    updateStatus();
}

void DashboardController::handleSignInRequest(const SignInRequest &request)
{
    const bool sameIdentity = request.serverUrl == m_server && request.username == m_username;
    createSession(request.serverUrl, request.rememberMe);
    m_username = request.username;
    if (!request.rememberMe)
        m_keychainStore->remove(TokenStore::keyFor(request.serverUrl, request.username));
    if (!sameIdentity)
        qCInfo(lcApp) << "signing in as another user or to another server";
    signInWith(SignInSource::Dialog, request.username, request.password);
}

void DashboardController::handleSignedIn()
{
    m_username = m_session->username();
    m_sessionError.clear();
    const QString identity = identityKey();
    if (identity != m_dataIdentity) {
        if (!m_dataIdentity.isEmpty())
            resetData();
        m_dataIdentity = identity;
    }
    qCInfo(lcApp).noquote() << "signed in to" << m_server.toDisplayString() << "as" << m_username;
    m_window->setServerInfo(m_server.toString(), m_username);
    if (m_dialog && m_dialog->isVisible()) {
        QSettings settings;
        m_dialog->saveSettings(settings); // kept only once the sign-in worked
        m_dialog->setBusy(false);
        m_dialog->accept();
    }
    m_directory->setServer(m_server);
    m_history->setServer(m_server);
    m_stream->setUrl(streamUrl(m_server));
    m_alertsLoader->setServer(m_server);
    if (!m_devicesLoaded)
        m_directory->load();
    if (!m_alertsLoaded && !m_alertsLoader->isLoading())
        m_alertsLoader->load();
    startOrResumeStream();
    updateStatus();
    emit signedIn();
}

void DashboardController::handleSignInFailed(AuthClient::Error error, const QString &message)
{
    qCInfo(lcApp).noquote() << "sign-in failed:" << message;
    const SignInSource source = m_signInSource;
    // A missing or refused stored sign-in is not an error worth showing:
    // the dialog simply asks for the password.
    const bool quietResume = source == SignInSource::Stored && error != AuthClient::Error::NetworkError;
    m_sessionError = quietResume ? QString() : message;
    emit signInFailed(message);
    const bool dialogWasOpen = m_dialog && m_dialog->isVisible();
    if (!dialogWasOpen)
        openSignInDialog();
    if (!quietResume) {
        const SignInError shown = signInErrorFor(error);
        QString detail;
        if (shown == SignInError::ServerUnreachable) {
            detail = message.section(QStringLiteral(": "), 1);
            if (!detail.isEmpty())
                detail = QStringLiteral("(%1)").arg(detail);
        } else if (shown == SignInError::Other) {
            detail = message;
        }
        m_dialog->showError(shown, detail, m_auth ? m_auth->retryAfterSeconds() : 0);
    }
    updateStatus();
}

void DashboardController::handleAccessTokenChanged()
{
    if (!m_session || m_session->state() != Session::State::SignedIn || identityKey() != m_dataIdentity)
        return; // a first sign-in: handleSignedIn() follows
    m_stream->resumeAfterTokenRefresh();
    if (!m_devicesLoaded && !m_directory->isLoading())
        m_directory->load();
    if (!m_alertsLoaded && !m_alertsLoader->isLoading())
        m_alertsLoader->load();
    loadWhatPanelsShow();
}

void DashboardController::handleSessionExpired(const QString &reason)
{
    m_sessionError = reason;
    qCWarning(lcApp).noquote() << "session expired:" << reason;
    // A stream waiting for a new token will not get one.
    if (m_stream->state() == StreamClient::State::Reconnecting && !m_stream->nextAttemptAt().isValid())
        m_stream->failAuthentication(reason);
    updateStatus();
}

void DashboardController::handleTokenRefreshRequested()
{
    if (!m_session) {
        m_stream->failAuthentication(tr("not signed in"));
        return;
    }
    switch (m_session->state()) {
    case Session::State::SignedIn:
        m_session->refreshNow(); // joins a refresh already running
        break;
    case Session::State::SigningIn:
        break; // handleSignedIn() resumes the stream
    case Session::State::Expired:
    case Session::State::SignedOut:
        m_stream->failAuthentication(m_sessionError.isEmpty() ? tr("the session has ended") : m_sessionError);
        break;
    }
}

void DashboardController::startOrResumeStream()
{
    m_stream->resumeAfterTokenRefresh(); // a stream waiting for this token goes on
    switch (m_stream->state()) {
    case StreamClient::State::Idle:
    case StreamClient::State::AuthExpired:
    case StreamClient::State::Failed:
    case StreamClient::State::Stopped:
        // Keeps its Last-Event-ID: after signing in again the server replays
        // everything missed meanwhile.
        qCInfo(lcApp).noquote() << "opening the stream"
                                << (m_stream->lastEventId().isEmpty()
                                        ? QStringLiteral("from now")
                                        : QStringLiteral("after event %1").arg(m_stream->lastEventId()));
        m_stream->start();
        break;
    case StreamClient::State::Reconnecting:
        if (m_stream->nextAttemptAt().isValid())
            m_stream->retryNow();
        break;
    case StreamClient::State::Connecting:
    case StreamClient::State::Live:
        break;
    }
}

void DashboardController::retryNow()
{
    if (!m_session || m_session->state() == Session::State::SignedOut
        || m_session->state() == Session::State::Expired) {
        openSignInDialog();
        return;
    }
    if (m_session->state() != Session::State::SignedIn)
        return;
    switch (m_stream->state()) {
    case StreamClient::State::Reconnecting:
        if (m_stream->nextAttemptAt().isValid())
            m_stream->retryNow();
        else
            m_session->refreshNow();
        break;
    case StreamClient::State::Idle:
    case StreamClient::State::AuthExpired:
    case StreamClient::State::Failed:
    case StreamClient::State::Stopped:
        m_stream->start();
        break;
    case StreamClient::State::Connecting:
    case StreamClient::State::Live:
        break;
    }
}

void DashboardController::signOut()
{
    qCInfo(lcApp) << "signing out";
    if (m_session)
        m_session->signOut();
    resetData();
    m_dataIdentity.clear();
    m_sessionError.clear();
    m_window->setServerInfo(m_server.toString(), QString());
    updateStatus();
    openSignInDialog();
}

void DashboardController::resetData()
{
    m_stream->stop();
    m_stream->setLastEventId(QString());
    m_history->cancelAll();
    m_directory->cancel();
    m_bucketsAsked.clear();
    m_bucketsWanted.clear();
    m_historyWanted.clear();
    m_loadSoon.stop();
    m_devicesLoaded = false;
    m_alertsLoader->cancel();
    m_alertsLoaded = false;
    m_wasLive = false;
    m_models.series->clear();
    m_models.buckets->clear();
    m_models.latest->clear();
    m_models.alerts->clear();
    m_models.timeline->clear();
    m_models.devices->setDevices({});
}

void DashboardController::handleStreamState()
{
    qCDebug(lcApp) << "stream state" << StreamClient::stateName(m_stream->state()) << m_stream->errorString();
    if (m_stream->state() == StreamClient::State::Live) {
        if (!m_wasLive)
            qCInfo(lcApp) << "the stream is live";
        m_wasLive = true;
        if (!m_devicesLoaded && !m_directory->isLoading())
            m_directory->load();
        // History goes after the stream is live: every point stored after
        // the server subscribed us comes live, every one before is in the
        // history answer, and SeriesStore drops the overlap (issue 6 item 4).
        loadWhatPanelsShow();
    }
    updateStatus();
}

void DashboardController::handleEvent(const SseEvent &event)
{
    m_window->noteEventReceived();
    m_router->route(event);
}

void DashboardController::handleSystemEvent(const SystemEvent &event)
{
    switch (event.kind) {
    case SystemEvent::Kind::TokenExpired:
        break; // StreamClient asks for a new token
    case SystemEvent::Kind::Shutdown:
        // The banner shows the reconnect that follows; a status bar message
        // would hide the status fields meanwhile.
        qCInfo(lcApp) << "the server is shutting down";
        break;
    case SystemEvent::Kind::Notice:
        showMessage(tr("Server notice: %1").arg(event.message));
        break;
    }
}

void DashboardController::handleDevicesLoaded(const QList<DeviceInfo> &devices)
{
    m_devicesLoaded = true;
    m_models.devices->setDevices(devices);
    emit devicesLoaded(int(devices.size()));
    loadWhatPanelsShow(); // "*" panels now match these devices
}

bool DashboardController::canLoad() const
{
    return m_wasLive && m_session && m_session->state() == Session::State::SignedIn;
}

void DashboardController::applyTimeToStores()
{
    keepWhatTimeShows(*m_models.series, *m_models.buckets, *m_models.time);
}

void DashboardController::loadWhatPanelsShow()
{
    if (canLoad()) {
        const QHash<QString, HistoryRequest> wanted = std::exchange(m_bucketsWanted, {});
        for (auto it = wanted.begin(); it != wanted.end(); ++it)
            loadBuckets({it.key()}, it->fromMs, it->toMs, int(it->stepMs / 1000));
        const QHash<QString, HistoryRequest> raw = std::exchange(m_historyWanted, {});
        for (auto it = raw.begin(); it != raw.end(); ++it)
            loadHistory({it.key()}, it->fromMs, it->toMs);
    }
    const WorkspaceTime *time = m_models.time;
    const qint64 to = time->toMs();
    loadHistory(m_window->workspace()->devicesDrawnOverTime(), to - std::min(time->spanMs(), WorkspaceTime::kMaxRawSpanMs), to);
}

void DashboardController::loadHistory(const QStringList &deviceIds, qint64 fromMs, qint64 toMs)
{
    if (!canLoad()) {
        // A chart asks once per range: what it asked before the stream was
        // live is loaded once it is (loadWhatPanelsShow).
        for (const QString &deviceId : deviceIds)
            m_historyWanted.insert(deviceId, HistoryRequest{fromMs, toMs, 0, {}});
        return;
    }
    // What the store lacks of [fromMs, toMs]: everything before its oldest
    // point. The store itself is the record of what is loaded, so a trim
    // (a shorter window) can never leave a range marked loaded that is not
    // (issue 14: the false "no data" band after 1 → 5 minutes). The part
    // after the oldest point is complete: live points since the stream went
    // live, and history before that.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 until = std::max(toMs, now) + kUntilSlackMs;
    for (const QString &deviceId : deviceIds) {
        const qint64 oldest = m_models.series->oldestMs(deviceId);
        if (oldest != 0 && oldest <= fromMs)
            continue;
        // Up to the oldest point, 1 ms over it: points sharing that
        // millisecond are not lost; the store drops the repeats.
        m_history->load(deviceId, fromMs, oldest != 0 ? std::min(until, oldest + 1) : until);
    }
}

void DashboardController::loadBuckets(const QStringList &deviceIds, qint64 fromMs, qint64 toMs, int stepSeconds)
{
    const qint64 stepMs = qint64(stepSeconds) * 1000;
    for (const QString &deviceId : deviceIds) {
        if (!canLoad()) {
            // A chart asks once per range: what it asked before the stream
            // was live is loaded once it is (loadWhatPanelsShow).
            m_bucketsWanted.insert(deviceId, HistoryRequest{fromMs, toMs, stepMs, {}});
            continue;
        }
        // One load per device, step, range and fields; the chart asks again
        // when its range or step changes. Only the fields the charts draw:
        // a day of one field for 50 devices is 0.2 MB a device, of all 21
        // fields 2.5 MB (bench/history).
        const QStringList fields = m_window->workspace()->fieldsChartedFor(deviceId);
        const HistoryRequest request{fromMs, toMs, stepMs, fields};
        if (m_bucketsAsked.value(deviceId) == request)
            continue;
        m_bucketsAsked.insert(deviceId, request);
        m_history->loadBuckets(deviceId, fromMs, toMs + stepMs, stepSeconds, fields);
    }
}

void DashboardController::handleHistoryLoaded(const QString &deviceId, const HistoryPage &page)
{
    const int added = m_models.series->mergeHistory(deviceId, page.points);
    if (!page.points.isEmpty())
        m_models.latest->applyPoint(page.points.constLast()); // never overwrites a newer live value
    m_models.timeline->noteDataCoverage(*m_models.series, deviceId); // online where points exist
    qCDebug(lcApp) << "merged" << added << "of" << page.points.size() << "history points of" << deviceId;
    emit historyMerged(deviceId, added);
}

LinkState DashboardController::linkState() const
{
    LinkState state;
    state.session = m_session ? m_session->state() : Session::State::SignedOut;
    state.stream = m_stream->state();
    state.streamError = m_stream->errorString();
    state.sessionError = m_sessionError;
    if (state.stream == StreamClient::State::Reconnecting)
        state.nextAttemptAt = m_stream->nextAttemptAt();
    state.hasPendingSignIn = m_dialog && m_dialog->isVisible();
    return state;
}

void DashboardController::updateStatus()
{
    m_status = linkState().toConnectionStatus();
    m_window->setConnectionStatus(m_status);
    emit connectionStatusChanged(m_status);
}

void DashboardController::showMessage(const QString &text)
{
    m_window->statusBar()->showMessage(text, kMessageMs);
}

} // namespace Sightline
