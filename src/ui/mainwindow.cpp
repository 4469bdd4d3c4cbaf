#include "ui/mainwindow.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/alertnotifier.h"
#include "ui/alerttableview.h"
#include "ui/chartview.h"
#include "ui/connectionbanner.h"
#include "ui/devicelistview.h"
#include "ui/displaypreferences.h"
#include "ui/latestvaluetiles.h"
#include "ui/livechartwidget.h"
#include "ui/logging.h"
#include "ui/settingsmenu.h"
#include "ui/shortcutsdialog.h"
#include "ui/statusfields.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

namespace Sightline {

namespace {

// QSettings keys. Deliberately nothing about tokens or passwords.
const QString kServerUrlKey = QStringLiteral("server/url");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kMainSplitterKey = QStringLiteral("window/mainSplitter");
const QString kRightSplitterKey = QStringLiteral("window/rightSplitter");
const QString kDevicesKey = QStringLiteral("chart/devices");
const QString kFieldKey = QStringLiteral("chart/field");
const QString kWindowMinutesKey = QStringLiteral("chart/windowMinutes");
// The field charted until one is restored from the settings.
const QStringList kDefaultFields{QStringLiteral("gpu_temp_c")};
constexpr int kDefaultWindowMinutes = 5;

QWidget *titled(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto *label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), box);
    label->setBuddy(content);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

MainWindow::MainWindow(const DashboardModels &models, QWidget *parent)
    : QMainWindow(parent)
    , m_models(models)
    , m_statsTimer(new QTimer(this))
{
    Q_ASSERT(models.series && models.devices && models.alerts && models.latest);
    setWindowTitle(tr("Sightline"));
    setObjectName(QStringLiteral("mainWindow"));

    m_banner = new ConnectionBanner(this);
    m_deviceView = new DeviceListView(models.devices, this);
    m_tiles = new LatestValueTiles(models.latest, systemClock(), this);
    m_time = new WorkspaceTime(systemClock(), this);
    m_time->setLiveWindow(kDefaultWindowMinutes * 60000);
    m_buckets = new BucketStore(this);
    m_chart = new LiveChartWidget(models.series, m_buckets, m_time, this);
    m_chart->setFieldPatterns(kDefaultFields);
    m_alertView = new AlertTableView(models.alerts, this);

    // Devices | (tiles / chart / alerts)
    m_rightSplitter = new QSplitter(Qt::Vertical, this);
    m_rightSplitter->setChildrenCollapsible(false);
    m_rightSplitter->addWidget(titled(tr("Latest values"), m_tiles, this));
    m_rightSplitter->addWidget(m_chart);
    m_rightSplitter->addWidget(m_alertView);
    m_rightSplitter->setStretchFactor(0, 0);
    m_rightSplitter->setStretchFactor(1, 1);
    m_rightSplitter->setStretchFactor(2, 0);
    m_rightSplitter->setSizes({164, 400, 170});

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setChildrenCollapsible(false);
    m_mainSplitter->addWidget(titled(tr("Devices"), m_deviceView, this));
    m_mainSplitter->addWidget(m_rightSplitter);
    m_mainSplitter->setStretchFactor(0, 0);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({300, 900});

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    auto *body = new QWidget(central);
    auto *bodyLayout = new QVBoxLayout(body);
    bodyLayout->setContentsMargins(8, 8, 8, 4);
    bodyLayout->addWidget(m_mainSplitter);
    layout->addWidget(body, 1);
    setCentralWidget(central);

    m_statusFields = new StatusFields(this);
    m_historyProgress = new QProgressBar(this);
    m_historyProgress->setRange(0, 0); // busy indicator: pages arrive in unknown numbers
    m_historyProgress->setMaximumWidth(160);
    m_historyProgress->setFormat(tr("Loading history…"));
    m_historyProgress->setTextVisible(true);
    m_historyProgress->setVisible(false);
    statusBar()->addWidget(m_statusFields);
    statusBar()->addPermanentWidget(m_historyProgress);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_trayIcon = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_trayIcon->setToolTip(tr("Sightline"));
        m_trayIcon->show();
    }
    m_notifier = new AlertNotifier(models.alerts, m_trayIcon, this);
    connect(m_notifier, &AlertNotifier::notified, this, &MainWindow::handleCriticalAlert);

    connect(m_banner, &ConnectionBanner::retryRequested, this, &MainWindow::retryRequested);
    connect(m_banner, &ConnectionBanner::signInRequested, this, &MainWindow::signInRequested);
    connect(models.devices, &DeviceListModel::checkedDevicesChanged, this, [this](const QStringList &ids) {
        m_chart->setDevicePatterns(ids);
        m_models.latest->setShownDevices(ids);
        Q_EMIT selectedDevicesChanged(ids);
    });
    connect(m_chart, &LiveChartWidget::frameRendered, this, &MainWindow::handleFrame);
    m_chart->setDevicePatterns(models.devices->checkedDevices());
    // The store keeps what the chart can show (it no longer sets that itself).
    const auto keep = [this] { LiveChartWidget::keepWhatTimeShows(m_models.series, m_time); };
    connect(m_time, &WorkspaceTime::rangeChanged, this, keep);
    connect(m_time, &WorkspaceTime::modeChanged, this, keep);
    connect(m_time, &WorkspaceTime::pausedChanged, this, keep);
    keep();
    models.latest->setShownDevices(models.devices->checkedDevices());

    m_statsTimer->setInterval(1000);
    connect(m_statsTimer, &QTimer::timeout, this, &MainWindow::updateStatistics);
    m_statsTimer->start();

    buildMenus();
    setConnectionStatus(ConnectionStatus::connecting());
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *csv = file->addAction(tr("Export visible data as &CSV…"), m_chart, &LiveChartWidget::promptExportCsv);
    csv->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction *png = file->addAction(tr("Export chart as &PNG…"), m_chart, &LiveChartWidget::promptExportPng);
    png->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    file->addAction(tr("Sign &out"), this, &MainWindow::signOutRequested);
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *windows = new QActionGroup(this);
    int key = Qt::Key_1;
    for (int minutes : WorkspaceTime::windowChoicesMinutes()) {
        QAction *action = view->addAction(minutes == 1    ? tr("Last minute")
                                          : minutes < 60 ? tr("Last %1 minutes").arg(minutes)
                                          : minutes == 60 ? tr("Last hour")
                                                          : tr("Last %1 hours").arg(minutes / 60));
        action->setCheckable(true);
        action->setChecked(minutes * 60000LL == m_time->windowMs());
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(key++)));
        windows->addAction(action);
        connect(action, &QAction::triggered, this, [this, minutes] {
            m_time->setLiveWindow(minutes * 60000LL);
            Q_EMIT windowMinutesChanged(minutes);
        });
        connect(m_time, &WorkspaceTime::rangeChanged, action, [this, action, minutes] {
            action->setChecked(minutes * 60000LL == m_time->windowMs());
        });
    }
    view->addSeparator();
    QAction *pause = view->addAction(tr("&Pause chart"));
    pause->setCheckable(true);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(pause, &QAction::toggled, m_time, &WorkspaceTime::setPaused);
    connect(m_time, &WorkspaceTime::pausedChanged, pause, &QAction::setChecked);
    QAction *live = view->addAction(tr("Back to &live"), m_time, &WorkspaceTime::backToLive);
    live->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    view->addSeparator();
    QAction *focusDevices = view->addAction(tr("Go to &devices"), this, [this] { m_deviceView->setFocus(); });
    focusDevices->setShortcut(QKeySequence(Qt::ALT | Qt::Key_1));
    QAction *focusChart = view->addAction(tr("Go to &chart"), this, [this] { m_chart->setFocus(); });
    focusChart->setShortcut(QKeySequence(Qt::ALT | Qt::Key_2));
    QAction *focusAlerts = view->addAction(tr("Go to &alerts"), this, [this] { m_alertView->table()->setFocus(); });
    focusAlerts->setShortcut(QKeySequence(Qt::ALT | Qt::Key_3));

    QMenu *connection = menuBar()->addMenu(tr("&Connection"));
    QAction *retry = connection->addAction(tr("&Retry now"), this, &MainWindow::retryRequested);
    retry->setShortcut(QKeySequence::Refresh);
    connection->addAction(tr("&Sign in again…"), this, &MainWindow::signInRequested);

    QMenu *help = m_helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *shortcuts = help->addAction(tr("&Keyboard shortcuts"), this, [this] {
        ShortcutsDialog dialog(menuBar(), this);
        dialog.exec();
    });
    shortcuts->setShortcuts({QKeySequence(Qt::Key_F1), QKeySequence(Qt::CTRL | Qt::Key_Slash)});
    help->addAction(tr("&About Sightline"), this, [this] {
        QMessageBox::about(this, tr("About Sightline"),
                           tr("<b>Sightline</b> %1<br>Live telemetry for fleets of edge devices.")
                                   .arg(QApplication::applicationVersion()));
    });
    m_chart->setFocusProxy(m_chart->view());
}

void MainWindow::setDisplayPreferences(DisplayPreferences *preferences)
{
    Q_ASSERT(preferences && !m_displayPreferences);
    m_displayPreferences = preferences;
    m_chart->setUtc(preferences->isUtc());
    connect(preferences, &DisplayPreferences::utcChanged, m_chart, &LiveChartWidget::setUtc);
    menuBar()->insertMenu(m_helpMenu->menuAction(), new SettingsMenu(preferences, this));
}

void MainWindow::setConnectionStatus(const ConnectionStatus &status)
{
    m_status = status;
    if (status.state == ConnectionStatus::State::Live)
        m_status.eventsPerSecond = m_statistics.eventsPerSecond();
    m_banner->setStatus(m_status);
    m_models.devices->setStreamLive(status.state == ConnectionStatus::State::Live);
    updateStatistics(); // the latency field follows the state at once
}

void MainWindow::setServerInfo(const QString &serverUrl, const QString &user)
{
    if (user != m_user || serverUrl != m_serverUrl) {
        // Signed out or someone else: the old session's figures are not
        // this one's (issue 14).
        m_statistics.reset();
        m_lastLatencySampleTs = 0;
        m_liveEventPending = false;
    }
    m_serverUrl = serverUrl;
    m_user = user;
    m_statusFields->setServer(serverUrl);
    m_statusFields->setUser(user);
    updateStatistics();
}

void MainWindow::noteEventReceived()
{
    m_statistics.noteEvent();
    m_liveEventPending = true;
}

void MainWindow::setHistoryLoading(int pendingDevices)
{
    m_historyProgress->setVisible(pendingDevices > 0);
    m_historyProgress->setFormat(pendingDevices == 1 ? tr("Loading history…") : tr("Loading history of %1 devices…").arg(pendingDevices));
    m_historyProgress->setToolTip(m_historyProgress->format());
}

void MainWindow::updateStatistics()
{
    m_statusFields->setEventsPerSecond(m_statistics.eventsPerSecond());
    m_statusFields->setLastEventAge(m_statistics.lastEventAgeMs());
    // Latency is measured only while events flow: during an outage the
    // last figure would claim a delay nobody measures (issue 14).
    const bool live = m_status.state == ConnectionStatus::State::Live;
    m_statusFields->setLatency(live ? m_statistics.latencyMs() : -1);
    if (live) {
        m_status.eventsPerSecond = m_statistics.eventsPerSecond();
        m_banner->setStatus(m_status);
    }
}

void MainWindow::handleFrame(qint64 newestDeviceTsMs)
{
    // Device time → pixels: measured when a newer point than last time got
    // drawn. It includes any clock offset between device and desktop. Only
    // after a stream event: a newer point that came with loaded history
    // would measure the history's age, not the way to the screen.
    if (newestDeviceTsMs <= m_lastLatencySampleTs)
        return;
    m_lastLatencySampleTs = newestDeviceTsMs;
    if (std::exchange(m_liveEventPending, false))
        m_statistics.noteLatency(QDateTime::currentMSecsSinceEpoch() - newestDeviceTsMs);
}

void MainWindow::handleCriticalAlert(const QString &title, const QString &message)
{
    statusBar()->showMessage(QStringLiteral("%1: %2").arg(title, message), 15000);
    QApplication::alert(this);
}

void MainWindow::saveSettings(QSettings &settings) const
{
    settings.setValue(kServerUrlKey, m_serverUrl);
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kMainSplitterKey, m_mainSplitter->saveState());
    settings.setValue(kRightSplitterKey, m_rightSplitter->saveState());
    settings.setValue(kDevicesKey, m_models.devices->checkedDevices());
    // Only fields other than the default: the default may change.
    if (m_chart->fieldPatterns() == kDefaultFields)
        settings.remove(kFieldKey);
    else
        settings.setValue(kFieldKey, m_chart->fieldPatterns());
    settings.setValue(kWindowMinutesKey, static_cast<int>(m_time->windowMs() / 60000));
}

void MainWindow::restoreSettings(const QSettings &settings)
{
    m_serverUrl = settings.value(kServerUrlKey).toString();
    if (!m_serverUrl.isEmpty())
        m_statusFields->setServer(m_serverUrl);
    if (settings.contains(kGeometryKey))
        restoreGeometry(settings.value(kGeometryKey).toByteArray());
    if (settings.contains(kStateKey))
        restoreState(settings.value(kStateKey).toByteArray());
    if (settings.contains(kMainSplitterKey))
        m_mainSplitter->restoreState(settings.value(kMainSplitterKey).toByteArray());
    if (settings.contains(kRightSplitterKey))
        m_rightSplitter->restoreState(settings.value(kRightSplitterKey).toByteArray());
    if (settings.contains(kWindowMinutesKey))
        m_time->setLiveWindow(settings.value(kWindowMinutesKey).toInt() * 60000LL);
    const QStringList fields = settings.value(kFieldKey).toStringList();
    if (!fields.isEmpty())
        m_chart->setFieldPatterns(fields);
    if (settings.contains(kDevicesKey))
        m_models.devices->setCheckedDevices(settings.value(kDevicesKey).toStringList());
}

QImage MainWindow::renderToImage()
{
    ensurePolished();
    if (QLayout *l = layout())
        l->activate();
    return grab().toImage();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_trayIcon)
        m_trayIcon->hide();
    QMainWindow::closeEvent(event);
}

} // namespace Sightline
