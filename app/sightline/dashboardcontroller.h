#pragma once

#include "dashboardoptions.h"
#include "linkstate.h"

#include "auth/authclient.h"
#include "stream/sseevent.h"
#include "telemetry/events.h"
#include "ui/logindialog.h"
#include "ui/mainwindow.h"
#include "ui/signinrequest.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Sightline {

class DeviceDirectory;
class EventRouter;
class HistoryLoader;
class AlertsLoader;
class Session;
class StreamClient;
class TokenStore;

// The desktop app's wiring (issue 6; STYLE.md: the one *Controller of the
// program): it connects the session (src/auth), the stream client
// (src/stream), the history and device loaders and the event router to the
// models (src/telemetry) and the main window and sign-in dialog (src/ui).
//
//   sign in (silently with a password or a stored refresh token, else the
//   dialog) → load the device list → open the stream → once it is live,
//   load recent history of the charted devices and merge it → feed every
//   event to the models; the banner follows the session's and the stream's
//   real states (LinkState).
//
// Owns the network access manager, the token stores, the current session
// and its AuthClient (replaced at each sign-in from the dialog), the stream
// client, the loaders and the dialog. The window and the models are not
// owned and must outlive the controller.
class DashboardController : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kUntilSlackMs = 10 * 60 * 1000; // device clocks ahead of ours
    // A range change (a zoom, a drag, another window) comes to rest this
    // long before its history is loaded.
    static constexpr int kLoadDelayMs = 250;

    DashboardController(MainWindow *window, const WorkspaceModels &models, const DashboardOptions &options,
                        QObject *parent = nullptr);
    ~DashboardController() override;

    // Signs in without the dialog when it can (password given, or a stored
    // refresh token for --server/--user), else opens the dialog filled in.
    void start();

    LinkState linkState() const;
    ConnectionStatus connectionStatus() const { return m_status; }
    QUrl server() const { return m_server; }
    QString username() const { return m_username; }

    // For tests and diagnostics.
    Session *session() const { return m_session; }
    StreamClient *stream() const { return m_stream; }
    LoginDialog *loginDialog() const { return m_dialog; }
    TokenStore *keychainStore() const { return m_keychainStore; }
    HistoryLoader *historyLoader() const { return m_history; }
    EventRouter *eventRouter() const { return m_router; }

    static QUrl streamUrl(const QUrl &server);

public slots:
    void openSignInDialog();
    void signOut();
    // Banner "Retry now" and the Connection menu: reconnect at once.
    void retryNow();

signals:
    void connectionStatusChanged(const Sightline::ConnectionStatus &status);
    void signedIn();
    void signInFailed(const QString &message);
    void devicesLoaded(int count);
    void historyMerged(const QString &deviceId, int newPoints);

private:
    enum class SignInSource { Silent, Stored, Dialog };

    void createSession(const QUrl &server, bool rememberMe);
    void signInWith(SignInSource source, const QString &username, const QString &password);
    void handleSignedIn();
    void handleSignInFailed(AuthClient::Error error, const QString &message);
    void handleAccessTokenChanged();
    void handleSessionExpired(const QString &reason);
    void handleSignInRequest(const SignInRequest &request);
    void handleStreamState();
    void handleTokenRefreshRequested();
    void handleEvent(const SseEvent &event);
    void handleSystemEvent(const SystemEvent &event);
    void handleDevicesLoaded(const QList<DeviceInfo> &devices);
    void handleHistoryLoaded(const QString &deviceId, const HistoryPage &page);
    void startOrResumeStream();
    // Whether loads may go out: signed in, and the stream has been live
    // (history loaded before it could miss points; see handleStreamState).
    bool canLoad() const;
    // The series store keeps the raw points of the workspace's range.
    void applyTimeToStores();
    // The raw points of the range for every device a panel draws over time.
    void loadWhatPanelsShow();
    // The part of [fromMs, toMs] the series store lacks, per device.
    void loadHistory(const QStringList &deviceIds, qint64 fromMs, qint64 toMs);
    void loadBuckets(const QStringList &deviceIds, qint64 fromMs, qint64 toMs, int stepSeconds);
    void resetData();
    void updateStatus();
    void showMessage(const QString &text);
    QString identityKey() const;

    MainWindow *m_window; // not owned
    WorkspaceModels m_models;
    DashboardOptions m_options;
    QNetworkAccessManager m_network;
    TokenStore *m_keychainStore = nullptr;
    TokenStore *m_memoryStore = nullptr;
    AuthClient *m_auth = nullptr;
    Session *m_session = nullptr;
    StreamClient *m_stream = nullptr;
    HistoryLoader *m_history = nullptr;
    AlertsLoader *m_alertsLoader = nullptr; // the firing alerts at sign-in
    DeviceDirectory *m_directory = nullptr;
    EventRouter *m_router = nullptr;
    QPointer<LoginDialog> m_dialog;

    QUrl m_server;
    QString m_username;
    QString m_dataIdentity; // whose data the models hold ("<server> <user>")
    QString m_sessionError;
    SignInSource m_signInSource = SignInSource::Dialog;
    ConnectionStatus m_status;
    bool m_devicesLoaded = false;
    bool m_alertsLoaded = false;
    bool m_wasLive = false;       // the stream has been live for this identity
    // A range of a device's history, raw (stepMs 0) or in buckets.
    struct HistoryRequest
    {
        qint64 fromMs = 0;
        qint64 toMs = 0;
        qint64 stepMs = 0;
        QStringList fields; // empty: all
        friend bool operator==(const HistoryRequest &a, const HistoryRequest &b)
        {
            return a.fromMs == b.fromMs && a.toMs == b.toMs && a.stepMs == b.stepMs && a.fields == b.fields;
        }
    };
    QHash<QString, HistoryRequest> m_bucketsAsked; // device → the buckets last asked for
    QHash<QString, HistoryRequest> m_bucketsWanted; // asked for before loads could go out
    QHash<QString, HistoryRequest> m_historyWanted; // the same for raw points (stepMs 0)
    QTimer m_loadSoon; // the range or the panels changed: load what they show once it rests
};

} // namespace Sightline
