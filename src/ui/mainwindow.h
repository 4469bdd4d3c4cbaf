#pragma once

#include "telemetry/streamstatistics.h"
#include "ui/connectionstatus.h"
#include "ui/workspace.h"

#include <QImage>
#include <QMainWindow>
#include <QTimer>

class QLabel;
class QMenu;
class QProgressBar;
class QSettings;
class QSystemTrayIcon;

namespace Sightline {

class AlertNotifier;
class ConnectionBanner;
class DisplayPreferences;
class LayoutLibrary;
class LayoutsMenu;
class StatusFields;
class TimeControlBar;

// The dashboard window: the connection banner and the workspace's time
// control on top, the workspace of dock panels (Workspace) below, status
// fields at the bottom, and the menus (Layouts, View with the panels, the
// time windows and the device views, Connection, Help). It only observes
// its models and reports what the user asks for through signals; the
// wiring in app/sightline connects those to the stream client and the
// session.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // models and library are not owned and must outlive the window.
    MainWindow(const WorkspaceModels &models, LayoutLibrary *library, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The connection state to show. Live also marks the device list live
    // (stale detection runs only then); the events/s figure is filled in
    // from noteEventReceived().
    void setConnectionStatus(const ConnectionStatus &status);
    void setServerInfo(const QString &serverUrl, const QString &user);
    QString serverUrl() const { return m_serverUrl; }
    // Call once per event received from the stream (any type).
    void noteEventReceived();
    // Devices whose history is still loading; 0 hides the progress indicator.
    void setHistoryLoading(int pendingDevices);

    // Never stores a token or a password: the server URL, the window's
    // geometry, and the workspace as it is on screen (its layout, saved or
    // not, so the next start shows what this one showed). A first start
    // gets LayoutLibrary::defaultLayout(): a fleet and a chart of the
    // hottest temperature field (found once values arrive, as long as the
    // user has not changed the layout).
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

    // Adds the Settings menu (theme, UTC) for preferences, which is not
    // owned and must outlive the window. Call once.
    void setDisplayPreferences(DisplayPreferences *preferences);
    DisplayPreferences *displayPreferences() const { return m_displayPreferences; }

    // The whole window as an image (for --screenshot and documentation).
    QImage renderToImage();

    Workspace *workspace() const { return m_workspace; }
    // The first start's layout, untouched so far: its chart follows the
    // hottest temperature field.
    bool followsHottestTemperature() const { return m_firstStartLayout; }
    LayoutsMenu *layoutsMenu() const { return m_layoutsMenu; }
    TimeControlBar *timeControl() const { return m_timeControl; }
    ConnectionBanner *banner() const { return m_banner; }
    StatusFields *statusFields() const { return m_statusFields; }
    AlertNotifier *notifier() const { return m_notifier; }
    const StreamStatistics &statistics() const { return m_statistics; }

Q_SIGNALS:
    void retryRequested();
    void signInRequested();
    void signOutRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void updateStatistics();
    void updateWindowTitle();
    void handleFrame(qint64 newestDeviceTsMs);
    void handleCriticalAlert(const QString &title, const QString &message);
    void promptOpenDevice();
    void followHottestTemperature();

    WorkspaceModels m_models;
    StreamStatistics m_statistics;
    ConnectionStatus m_status;
    QString m_serverUrl;
    QString m_user;
    ConnectionBanner *m_banner = nullptr;
    TimeControlBar *m_timeControl = nullptr;
    Workspace *m_workspace = nullptr;
    LayoutsMenu *m_layoutsMenu = nullptr;
    StatusFields *m_statusFields = nullptr;
    QProgressBar *m_historyProgress = nullptr;
    QSystemTrayIcon *m_trayIcon = nullptr;
    QMenu *m_helpMenu = nullptr;
    DisplayPreferences *m_displayPreferences = nullptr;
    AlertNotifier *m_notifier = nullptr;
    QTimer *m_statsTimer = nullptr;
    QTimer m_hottestCheck;
    qint64 m_lastLatencySampleTs = 0;
    bool m_liveEventPending = false; // a stream event arrived since a newer point was last drawn
    bool m_firstStartLayout = false; // the default layout of a first start, untouched so far
};

} // namespace Sightline
