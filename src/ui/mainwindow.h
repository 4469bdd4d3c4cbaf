#pragma once

#include "telemetry/streamstatistics.h"
#include "ui/connectionstatus.h"

#include <QImage>
#include <QMainWindow>

class QLabel;
class QMenu;
class QProgressBar;
class QSettings;
class QSplitter;
class QSystemTrayIcon;

namespace Sightline {

class AlertNotifier;
class AlertTableModel;
class AlertTableView;
class BucketStore;
class ConnectionBanner;
class DeviceListModel;
class DeviceListView;
class DisplayPreferences;
class LatestValueTiles;
class LatestValuesModel;
class LiveChartWidget;
class SeriesStore;
class StatusFields;
class WorkspaceTime;

// The models the main window shows. None is owned by the window; all must
// outlive it.
struct DashboardModels
{
    SeriesStore *series = nullptr;
    DeviceListModel *devices = nullptr;
    AlertTableModel *alerts = nullptr;
    LatestValuesModel *latest = nullptr;
};

// The dashboard window: connection banner on top, the device tree on the
// left, latest-value tiles, the live chart and the alerts table on the
// right, status fields at the bottom. It only observes its models and
// reports what the user asks for through signals; the wiring in
// app/sightline connects those to the stream client and the session.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const DashboardModels &models, QWidget *parent = nullptr);
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

    // Never stores a token or a password: only the server URL, geometry,
    // splitters, checked devices, field and window length.
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

    // Adds the Settings menu (theme, UTC) for preferences, which is not
    // owned and must outlive the window. Call once.
    void setDisplayPreferences(DisplayPreferences *preferences);
    DisplayPreferences *displayPreferences() const { return m_displayPreferences; }

    // The whole window as an image (for --screenshot and documentation).
    QImage renderToImage();

    ConnectionBanner *banner() const { return m_banner; }
    LiveChartWidget *chart() const { return m_chart; }
    // The window's one time control and bucket store, until the dock
    // workspace (issue 14) owns them.
    WorkspaceTime *workspaceTime() const { return m_time; }
    BucketStore *bucketStore() const { return m_buckets; }
    DeviceListView *deviceView() const { return m_deviceView; }
    LatestValueTiles *tiles() const { return m_tiles; }
    AlertTableView *alertView() const { return m_alertView; }
    StatusFields *statusFields() const { return m_statusFields; }
    AlertNotifier *notifier() const { return m_notifier; }
    const StreamStatistics &statistics() const { return m_statistics; }

Q_SIGNALS:
    void retryRequested();
    void signInRequested();
    void signOutRequested();
    // The checked devices changed: chart them and load their history.
    void selectedDevicesChanged(const QStringList &deviceIds);
    void windowMinutesChanged(int minutes);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void updateStatistics();
    void handleFrame(qint64 newestDeviceTsMs);
    void handleCriticalAlert(const QString &title, const QString &message);

    DashboardModels m_models;
    StreamStatistics m_statistics;
    ConnectionStatus m_status;
    QString m_serverUrl;
    QString m_user;
    ConnectionBanner *m_banner = nullptr;
    DeviceListView *m_deviceView = nullptr;
    LatestValueTiles *m_tiles = nullptr;
    LiveChartWidget *m_chart = nullptr;
    AlertTableView *m_alertView = nullptr;
    StatusFields *m_statusFields = nullptr;
    WorkspaceTime *m_time = nullptr;
    BucketStore *m_buckets = nullptr;
    QProgressBar *m_historyProgress = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_rightSplitter = nullptr;
    QSystemTrayIcon *m_trayIcon = nullptr;
    QMenu *m_helpMenu = nullptr;
    DisplayPreferences *m_displayPreferences = nullptr;
    AlertNotifier *m_notifier = nullptr;
    QTimer *m_statsTimer = nullptr;
    qint64 m_lastLatencySampleTs = 0;
    bool m_liveEventPending = false; // a stream event arrived since a newer point was last drawn
};

} // namespace Sightline
