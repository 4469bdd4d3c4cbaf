#include "ui/mainwindow.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/layoutlibrary.h"
#include "telemetry/workspacetime.h"
#include "ui/alertnotifier.h"
#include "ui/connectionbanner.h"
#include "ui/displaypreferences.h"
#include "ui/layoutsmenu.h"
#include "ui/livechartwidget.h"
#include "ui/logging.h"
#include "ui/paneldock.h"
#include "ui/settingsmenu.h"
#include "ui/shortcutsdialog.h"
#include "ui/statusfields.h"
#include "ui/timecontrolbar.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

namespace Sightline {

namespace {

// QSettings keys. Deliberately nothing about tokens or passwords.
const QString kServerUrlKey = QStringLiteral("server/url");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kLayoutKey = QStringLiteral("workspace/layout");
const QString kLayoutModifiedKey = QStringLiteral("workspace/modified");

} // namespace

MainWindow::MainWindow(const WorkspaceModels &models, LayoutLibrary *library, QWidget *parent)
    : QMainWindow(parent)
    , m_models(models)
    , m_statsTimer(new QTimer(this))
{
    Q_ASSERT(models.series && models.devices && models.alerts && models.latest && models.time && library);
    setWindowTitle(tr("Sightline"));
    setObjectName(QStringLiteral("mainWindow"));

    m_banner = new ConnectionBanner(this);
    m_timeControl = new TimeControlBar(models.time, this);
    m_workspace = new Workspace(models, this);
    m_layoutsMenu = new LayoutsMenu(m_workspace, library, this);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    auto *timeRow = new QWidget(central);
    auto *timeLayout = new QVBoxLayout(timeRow);
    timeLayout->setContentsMargins(8, 6, 8, 2);
    timeLayout->addWidget(m_timeControl);
    layout->addWidget(timeRow);
    layout->addWidget(m_workspace, 1);
    setCentralWidget(central);

    m_statusFields = new StatusFields(this);
    m_historyProgress = new QProgressBar(this);
    m_historyProgress->setRange(0, 0); // busy indicator: pages arrive in unknown numbers
    m_historyProgress->setMaximumWidth(200);
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
    connect(m_workspace, &Workspace::frameRendered, this, &MainWindow::handleFrame);
    connect(m_workspace, &Workspace::modifiedChanged, this, &MainWindow::updateWindowTitle);
    connect(m_layoutsMenu, &LayoutsMenu::layoutShown, this, &MainWindow::updateWindowTitle);

    // The first start's chart follows the hottest temperature as values
    // come: looked at once a second at most (a fleet sends 100 values/s).
    m_hottestCheck.setSingleShot(true);
    m_hottestCheck.setInterval(1000);
    connect(&m_hottestCheck, &QTimer::timeout, this, &MainWindow::followHottestTemperature);
    const auto checkSoon = [this] {
        if (m_firstStartLayout && !m_hottestCheck.isActive())
            m_hottestCheck.start();
    };
    connect(models.latest, &QAbstractItemModel::rowsInserted, this, checkSoon);
    connect(models.latest, &QAbstractItemModel::dataChanged, this, checkSoon);
    connect(m_layoutsMenu, &LayoutsMenu::layoutShown, this, [this] {
        m_firstStartLayout = false; // another layout: nothing to follow (set again by restoreSettings)
        m_hottestCheck.stop();
    });
    connect(m_workspace, &Workspace::modifiedChanged, this, [this](bool modified) {
        if (modified) { // the user changed the layout: its chart is theirs
            m_firstStartLayout = false;
            m_hottestCheck.stop();
        }
    });

    m_statsTimer->setInterval(1000);
    connect(m_statsTimer, &QTimer::timeout, this, &MainWindow::updateStatistics);
    m_statsTimer->start();

    buildMenus();
    setConnectionStatus(ConnectionStatus::connecting());
    setMinimumSize(800, 500);
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Sign &out"), this, &MainWindow::signOutRequested);
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    menuBar()->addMenu(m_layoutsMenu);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    WorkspaceTime *time = m_models.time;
    auto *windows = new QActionGroup(this);
    int key = Qt::Key_1;
    for (int minutes : WorkspaceTime::windowChoicesMinutes()) {
        QAction *action = view->addAction(TimeControlBar::windowText(minutes));
        action->setCheckable(true);
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(key++)));
        windows->addAction(action);
        connect(action, &QAction::triggered, time, [time, minutes] { time->setLiveWindow(qint64(minutes) * 60000); });
        const auto sync = [action, time, minutes] {
            action->setChecked(time->isLive() && time->windowMs() == qint64(minutes) * 60000);
        };
        connect(time, &WorkspaceTime::rangeChanged, action, sync);
        sync();
    }
    view->addAction(tr("Custom &range…"), m_timeControl, &TimeControlBar::promptCustomRange);
    view->addSeparator();
    QAction *pause = view->addAction(tr("&Pause"));
    pause->setCheckable(true);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(pause, &QAction::triggered, time, &WorkspaceTime::setPaused);
    connect(time, &WorkspaceTime::pausedChanged, pause, &QAction::setChecked);
    QAction *live = view->addAction(tr("Back to &live"), time, &WorkspaceTime::backToLive);
    live->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    view->addSeparator();
    view->addMenu(m_workspace->panelsMenu());
    QAction *device = view->addAction(tr("Open &device view…"), this, &MainWindow::promptOpenDevice);
    device->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));

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
}

void MainWindow::setDisplayPreferences(DisplayPreferences *preferences)
{
    Q_ASSERT(preferences && !m_displayPreferences);
    m_displayPreferences = preferences;
    menuBar()->insertMenu(m_helpMenu->menuAction(), new SettingsMenu(preferences, this));
    const auto applyUtc = [this](bool utc) {
        m_workspace->setUtc(utc);
        m_timeControl->setUtc(utc);
    };
    connect(preferences, &DisplayPreferences::utcChanged, this, applyUtc);
    applyUtc(preferences->isUtc());
}

void MainWindow::promptOpenDevice()
{
    const QStringList devices = m_workspace->knownDevices();
    if (devices.isEmpty()) {
        statusBar()->showMessage(tr("No devices known yet."), 5000);
        return;
    }
    bool ok = false;
    const QString device = QInputDialog::getItem(this, tr("Open device view"), tr("Device:"), devices, 0, false, &ok);
    if (ok && !device.isEmpty())
        m_workspace->openDeviceView(device);
}

void MainWindow::updateWindowTitle()
{
    const QString name = m_workspace->layoutName().isEmpty() ? tr("Unsaved layout") : m_workspace->layoutName();
    setWindowTitle(tr("%1%2 — Sightline").arg(name, m_workspace->isModified() ? QStringLiteral(" •") : QString()));
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
    // Ages and stale states follow the clock whichever panels are open
    // (the fleet, the timeline and the device tree all read them).
    m_models.devices->refresh();
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
    settings.setValue(kLayoutKey, m_workspace->currentLayout().toJson());
    settings.setValue(kLayoutModifiedKey, m_workspace->isModified());
}

void MainWindow::restoreSettings(const QSettings &settings)
{
    m_serverUrl = settings.value(kServerUrlKey).toString();
    if (!m_serverUrl.isEmpty())
        m_statusFields->setServer(m_serverUrl);
    if (settings.contains(kGeometryKey))
        restoreGeometry(settings.value(kGeometryKey).toByteArray());
    const ParseResult<WorkspaceLayout> last = WorkspaceLayout::fromJson(settings.value(kLayoutKey).toByteArray());
    if (last.isOk()) {
        m_layoutsMenu->show(last.value());
        m_workspace->setModified(settings.value(kLayoutModifiedKey).toBool());
        return;
    }
    if (settings.contains(kLayoutKey))
        qCWarning(lcUi).noquote() << "the last session's layout is unreadable, showing the default:" << last.error();
    m_layoutsMenu->show(LayoutLibrary::defaultLayout(LayoutLibrary::hottestTemperatureField({})));
    m_firstStartLayout = true;
    if (m_models.latest->rowCount() > 0)
        m_hottestCheck.start();
}

void MainWindow::followHottestTemperature()
{
    // The first start's chart shows the hottest temperature field, which
    // is known only once values arrive. Only while the user has not touched
    // the layout: a chart they configured is theirs.
    if (!m_firstStartLayout)
        return;
    QHash<QString, double> hottest;
    for (int row = 0; row < m_models.latest->rowCount(); ++row) {
        const QModelIndex index = m_models.latest->index(row);
        const QString field = index.data(LatestValuesModel::FieldRole).toString();
        const double value = index.data(LatestValuesModel::ValueRole).toDouble();
        const auto it = hottest.find(field);
        if (it == hottest.end() || value > it.value())
            hottest.insert(field, value);
    }
    if (hottest.isEmpty())
        return;
    const WorkspaceLayout wanted = LayoutLibrary::defaultLayout(LayoutLibrary::hottestTemperatureField(hottest));
    const WorkspaceLayout shown = m_workspace->currentLayout();
    if (wanted.panels == shown.panels)
        return;
    for (const PanelSpec &panel : wanted.panels) {
        PanelDock *dock = m_workspace->panel(panel.id);
        if (!dock)
            return;
        dock->setTitle(panel.title);
        m_workspace->configurePanel(panel.id, panel.devices, panel.fields);
    }
    m_workspace->markSaved();
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
