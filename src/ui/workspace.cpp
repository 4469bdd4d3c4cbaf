#include "ui/workspace.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/namepattern.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/alerttableview.h"
#include "ui/fleetpanel.h"
#include "ui/livechartwidget.h"
#include "ui/panelconfigdialog.h"
#include "ui/paneldock.h"
#include "ui/smallmultiplespanel.h"
#include "ui/statpanel.h"
#include "ui/timelinepanel.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QTimeZone>
#include <QTimer>

#include <algorithm>

namespace Sightline {

namespace {

QStringList patternsOrAll(const std::optional<QStringList> &patterns)
{
    return patterns ? *patterns : QStringList();
}

} // namespace

Workspace::Workspace(const WorkspaceModels &models, QWidget *parent)
    : QMainWindow(parent)
    , m_models(models)
{
    Q_ASSERT(models.series && models.devices && models.latest && models.alerts && models.time);
    setObjectName(QStringLiteral("workspace"));
    setWindowFlags(Qt::Widget); // embedded, not a top-level window
    setDockNestingEnabled(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks | QMainWindow::AllowTabbedDocks
                   | QMainWindow::GroupedDragging);
    setTabPosition(Qt::AllDockWidgetAreas, QTabWidget::North);
    m_panelsMenu = new QMenu(tr("&Panels"), this);
    rebuildPanelsMenu();

    connect(models.time, &WorkspaceTime::rangeChanged, this, [this] { setModified(true); });
}

Workspace::~Workspace() = default;

bool Workspace::isDeviceView(const PanelSpec &spec) const
{
    return spec.type == PanelType::Chart
           && spec.extra.value(QLatin1String(kViewKey)).toString() == QLatin1String(kDeviceView);
}

QWidget *Workspace::createContent(const PanelSpec &spec)
{
    QWidget *content = nullptr;
    switch (spec.type) {
    case PanelType::Chart:
        if (isDeviceView(spec)) {
            auto *view = new SmallMultiplesPanel(m_models.series, m_models.time);
            connect(view, &SmallMultiplesPanel::deviceActivated, this, &Workspace::openDeviceView);
            content = view;
        } else {
            auto *chart = new LiveChartWidget(m_models.series, m_models.buckets, m_models.time);
            chart->setUtc(m_utc);
            connect(chart, &LiveChartWidget::deviceActivated, this, &Workspace::openDeviceView);
            connect(chart, &LiveChartWidget::frameRendered, this, &Workspace::frameRendered);
            connect(chart, &LiveChartWidget::historyNeeded, this, &Workspace::historyNeeded);
            connect(chart, &LiveChartWidget::bucketsNeeded, this, &Workspace::bucketsNeeded);
            content = chart;
        }
        break;
    case PanelType::Stat: {
        auto *stat = new StatPanel(m_models.series, m_models.latest, m_models.alerts, m_models.time);
        connect(stat, &StatPanel::deviceActivated, this, &Workspace::openDeviceView);
        content = stat;
        break;
    }
    case PanelType::Fleet: {
        auto *fleet = new FleetPanel(m_models.devices, m_models.latest);
        connect(fleet, &FleetPanel::deviceActivated, this, &Workspace::openDeviceView);
        content = fleet;
        break;
    }
    case PanelType::Timeline: {
        auto *timeline = new TimelinePanel(m_models.timeline, m_models.devices, m_models.time);
        connect(timeline, &TimelinePanel::deviceActivated, this, &Workspace::openDeviceView);
        content = timeline;
        break;
    }
    case PanelType::Alerts:
        content = new AlertTableView(m_models.alerts);
        break;
    }
    return content;
}

void Workspace::applyPatterns(PanelDock *dock)
{
    const PanelSpec &spec = dock->spec();
    const QStringList devices = patternsOrAll(spec.devices);
    const QStringList fields = patternsOrAll(spec.fields);
    QWidget *content = dock->content();
    if (auto *view = qobject_cast<SmallMultiplesPanel *>(content)) {
        view->setDevicePatterns(devices);
        view->setFieldPatterns(fields);
    } else if (auto *chart = qobject_cast<LiveChartWidget *>(content)) {
        chart->setDevicePatterns(devices);
        chart->setFieldPatterns(fields);
    } else if (auto *stat = qobject_cast<StatPanel *>(content)) {
        stat->setDevicePatterns(devices);
        stat->setFieldPatterns(fields);
    } else if (auto *fleet = qobject_cast<FleetPanel *>(content)) {
        fleet->setDevicePatterns(devices);
        fleet->setFieldPatterns(fields);
    } else if (auto *timeline = qobject_cast<TimelinePanel *>(content)) {
        timeline->setDevicePatterns(devices);
    }
}

PanelDock *Workspace::createDock(const PanelSpec &spec)
{
    auto *dock = new PanelDock(spec, createContent(spec), this);
    applyPatterns(dock);
    if (auto *chart = qobject_cast<LiveChartWidget *>(dock->content())) {
        // Export is the chart's own business: what it shows, as it shows it.
        QMenu *menu = dock->panelMenu();
        QAction *first = menu->actions().value(0);
        menu->insertAction(first, menu->addAction(tr("Export as &CSV…"), chart, &LiveChartWidget::promptExportCsv));
        menu->insertAction(first, menu->addAction(tr("Export as &PNG…"), chart, &LiveChartWidget::promptExportPng));
        menu->insertSeparator(first);
    }
    connect(dock, &PanelDock::renameRequested, this, &Workspace::promptRename);
    connect(dock, &PanelDock::configureRequested, this, &Workspace::promptConfigure);
    connect(dock, &PanelDock::removeRequested, this, [this](const QString &id) {
        // Not while the panel's own menu is still on the stack.
        QTimer::singleShot(0, this, [this, id] { removePanel(id); });
    });
    connect(dock, &PanelDock::specChanged, this, [this] { setModified(true); });
    connect(dock, &QDockWidget::dockLocationChanged, this, [this] { setModified(true); });
    connect(dock, &QDockWidget::topLevelChanged, this, [this] { setModified(true); });
    connect(dock->toggleViewAction(), &QAction::triggered, this, [this] { setModified(true); });
    m_docks.append(dock);
    return dock;
}

void Workspace::placeInGrid(PanelDock *dock)
{
    // The fleet reads best as a tall column on the left, alerts as a wide
    // strip along the bottom; everything else fills two columns at the top.
    switch (dock->type()) {
    case PanelType::Fleet:
        addDockWidget(Qt::LeftDockWidgetArea, dock);
        return;
    case PanelType::Alerts:
        addDockWidget(Qt::BottomDockWidgetArea, dock);
        return;
    default:
        break;
    }
    // Two columns: the first grid panel opens the left one, the second the
    // right one, every later one goes under the panel two before it.
    QList<PanelDock *> grid;
    for (PanelDock *other : std::as_const(m_docks)) {
        if (other != dock && other->type() != PanelType::Fleet && other->type() != PanelType::Alerts
            && !other->isFloating() && dockWidgetArea(other) == Qt::RightDockWidgetArea)
            grid.append(other);
    }
    if (grid.isEmpty())
        addDockWidget(Qt::RightDockWidgetArea, dock);
    else if (grid.size() == 1)
        splitDockWidget(grid.first(), dock, Qt::Horizontal);
    else
        splitDockWidget(grid.at(grid.size() - 2), dock, Qt::Vertical);
}

void Workspace::arrangeGrid()
{
    for (PanelDock *dock : std::as_const(m_docks))
        placeInGrid(dock);
    m_gridSizesPending = true;
    if (isVisible()) // once the new docks are laid out
        QMetaObject::invokeMethod(this, &Workspace::shareOutGrid, Qt::QueuedConnection);
}

void Workspace::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    if (m_gridSizesPending && isVisible())
        shareOutGrid();
}

void Workspace::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_gridSizesPending)
        shareOutGrid();
}

void Workspace::shareOutGrid()
{
    if (!m_gridSizesPending)
        return;
    m_gridSizesPending = false;
    // Share the room out: the fleet about a third of the width, alerts a
    // strip of about a quarter of the height, the grid's columns and rows
    // alike (a dock left to its size hint can end up a sliver).
    QList<QDockWidget *> left;
    QList<QDockWidget *> bottom;
    QList<QDockWidget *> firstRow;
    QList<QDockWidget *> firstColumn;
    QList<PanelDock *> grid;
    for (PanelDock *dock : std::as_const(m_docks)) {
        if (dock->type() == PanelType::Fleet)
            left.append(dock);
        else if (dock->type() == PanelType::Alerts)
            bottom.append(dock);
        else
            grid.append(dock);
    }
    for (int i = 0; i < grid.size(); ++i) {
        if (i < 2)
            firstRow.append(grid.at(i));
        if (i % 2 == 0)
            firstColumn.append(grid.at(i));
    }
    const int w = width();
    const int h = height();
    const int gridWidth = left.isEmpty() ? w : w * 2 / 3;
    if (!left.isEmpty() && !grid.isEmpty())
        resizeDocks({left.first(), grid.first()}, {w - gridWidth, gridWidth}, Qt::Horizontal);
    if (firstRow.size() == 2)
        resizeDocks(firstRow, {gridWidth / 2, gridWidth / 2}, Qt::Horizontal);
    if (firstColumn.size() > 1)
        resizeDocks(firstColumn, QList<int>(firstColumn.size(), h / int(firstColumn.size())), Qt::Vertical);
    if (!bottom.isEmpty())
        resizeDocks({bottom.first()}, {h / 4}, Qt::Vertical);
}

void Workspace::clearPanels()
{
    const QList<PanelDock *> docks = std::exchange(m_docks, {});
    for (PanelDock *dock : docks) {
        removeDockWidget(dock);
        delete dock;
    }
}

void Workspace::applyLayout(const WorkspaceLayout &layout)
{
    m_applying = true;
    clearPanels();
    m_name = layout.name;
    if (layout.time.live)
        m_models.time->setLiveWindow(qint64(layout.time.windowMinutes) * 60 * 1000);
    else
        m_models.time->setAbsoluteRange(layout.time.from.toMSecsSinceEpoch(), layout.time.to.toMSecsSinceEpoch());
    for (const PanelSpec &spec : layout.panels)
        createDock(spec);
    const QByteArray state = QByteArray::fromBase64(layout.extra.value(QLatin1String(kDockStateKey)).toString().toLatin1());
    // restoreState() places only docks it knows; without a state (a file
    // written by hand or by a script) every panel gets the grid.
    if (state.isEmpty() || !restoreState(state)) {
        arrangeGrid();
    } else {
        for (PanelDock *dock : std::as_const(m_docks)) {
            if (dockWidgetArea(dock) == Qt::NoDockWidgetArea && !dock->isFloating())
                placeInGrid(dock);
        }
    }
    for (PanelDock *dock : std::as_const(m_docks)) {
        if (!dock->isFloating() && dockWidgetArea(dock) != Qt::NoDockWidgetArea && state.isEmpty())
            dock->show();
    }
    m_applying = false;
    rebuildPanelsMenu();
    setModified(false);
    Q_EMIT panelsChanged();
}

WorkspaceLayout Workspace::currentLayout() const
{
    WorkspaceLayout layout;
    layout.name = m_name;
    const WorkspaceTime *time = m_models.time;
    if (time->isLive()) {
        layout.time.live = true;
        layout.time.windowMinutes = int(time->windowMs() / 60000);
    } else {
        layout.time.live = false;
        layout.time.from = QDateTime::fromMSecsSinceEpoch(time->fromMs(), QTimeZone::utc());
        layout.time.to = QDateTime::fromMSecsSinceEpoch(time->toMs(), QTimeZone::utc());
    }
    for (const PanelDock *dock : m_docks)
        layout.panels.append(dock->spec());
    layout.extra.insert(QLatin1String(kDockStateKey), QString::fromLatin1(saveState().toBase64()));
    return layout;
}

void Workspace::setLayoutName(const QString &name)
{
    m_name = name;
}

void Workspace::setModified(bool modified)
{
    if (m_applying || modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

void Workspace::setUtc(bool utc)
{
    m_utc = utc;
    for (PanelDock *dock : std::as_const(m_docks)) {
        if (auto *chart = qobject_cast<LiveChartWidget *>(dock->content()))
            chart->setUtc(utc);
    }
}

PanelDock *Workspace::panel(const QString &id) const
{
    for (PanelDock *dock : m_docks) {
        if (dock->panelId() == id)
            return dock;
    }
    return nullptr;
}

QString Workspace::addPanel(const PanelSpec &given)
{
    PanelSpec spec = given;
    if (spec.id.isEmpty() || panel(spec.id))
        spec.id = currentLayout().uniquePanelId();
    PanelDock *dock = createDock(spec);
    placeInGrid(dock);
    dock->show();
    dock->raise();
    rebuildPanelsMenu();
    setModified(true);
    Q_EMIT panelsChanged();
    return spec.id;
}

void Workspace::removePanel(const QString &id)
{
    PanelDock *dock = panel(id);
    if (!dock)
        return;
    m_docks.removeOne(dock);
    removeDockWidget(dock);
    dock->deleteLater();
    rebuildPanelsMenu();
    setModified(true);
    Q_EMIT panelsChanged();
}

bool Workspace::renamePanel(const QString &id, const QString &title)
{
    PanelDock *dock = panel(id);
    if (!dock)
        return false;
    dock->setTitle(title.trimmed());
    rebuildPanelsMenu();
    return true;
}

bool Workspace::configurePanel(const QString &id, const std::optional<QStringList> &devices,
                               const std::optional<QStringList> &fields)
{
    PanelDock *dock = panel(id);
    if (!dock)
        return false;
    dock->setPatterns(devices, fields);
    applyPatterns(dock);
    rebuildPanelsMenu();
    Q_EMIT panelsChanged();
    return true;
}

void Workspace::showOnlyDevices(const QStringList &patterns)
{
    for (PanelDock *dock : std::as_const(m_docks)) {
        const PanelType type = dock->type();
        if (isDeviceView(dock->spec())
            || (type != PanelType::Chart && type != PanelType::Stat && type != PanelType::Timeline))
            continue;
        configurePanel(dock->panelId(), patterns, dock->spec().fields);
    }
}

QString Workspace::openDeviceView(const QString &deviceId)
{
    for (PanelDock *dock : std::as_const(m_docks)) {
        if (isDeviceView(dock->spec()) && dock->spec().devices == QStringList{deviceId}) {
            dock->show();
            dock->raise();
            Q_EMIT deviceViewOpened(deviceId);
            return dock->panelId();
        }
    }
    PanelSpec spec;
    spec.type = PanelType::Chart;
    spec.title = tr("Device %1").arg(deviceId);
    spec.devices = QStringList{deviceId};
    spec.extra.insert(QLatin1String(kViewKey), QLatin1String(kDeviceView));
    const QString id = addPanel(spec);
    Q_EMIT deviceViewOpened(deviceId);
    return id;
}

void Workspace::promptRename(const QString &id)
{
    PanelDock *dock = panel(id);
    if (!dock)
        return;
    bool ok = false;
    const QString title = QInputDialog::getText(this, tr("Rename panel"), tr("Title (empty: a name made from its fields):"),
                                                QLineEdit::Normal, dock->spec().title, &ok);
    if (ok)
        renamePanel(id, title);
}

void Workspace::promptConfigure(const QString &id)
{
    PanelDock *dock = panel(id);
    if (!dock)
        return;
    PanelConfigDialog dialog(dock->spec(), knownDevices(), knownFields(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dock->setTitle(dialog.title());
    configurePanel(id, dialog.devices(), dialog.fields());
}

void Workspace::promptAddPanel(PanelType type)
{
    PanelSpec spec;
    spec.type = type;
    const QString id = addPanel(spec);
    if (type == PanelType::Chart || type == PanelType::Stat)
        promptConfigure(id); // which fields: nobody wants every field of every device in one chart
}

QStringList Workspace::knownDevices() const
{
    QStringList devices = m_models.devices->deviceIds();
    for (const QString &device : m_models.series->devices()) {
        if (!devices.contains(device))
            devices.append(device);
    }
    std::sort(devices.begin(), devices.end());
    return devices;
}

QStringList Workspace::knownFields() const
{
    QStringList fields = m_models.devices->allFields();
    for (const QString &field : m_models.series->allFields()) {
        if (!fields.contains(field))
            fields.append(field);
    }
    std::sort(fields.begin(), fields.end());
    return fields;
}

QStringList Workspace::devicesDrawnOverTime() const
{
    QStringList out;
    const QStringList known = knownDevices();
    for (const PanelDock *dock : m_docks) {
        // Charts ask for what they lack themselves (historyNeeded, or
        // buckets for a long range); stats and device views draw raw points.
        if (dock->type() != PanelType::Stat && !isDeviceView(dock->spec()))
            continue;
        for (const QString &device : filterByNamePatterns(patternsOrAll(dock->spec().devices), known)) {
            if (!out.contains(device))
                out.append(device);
        }
    }
    return out;
}

QStringList Workspace::fieldsChartedFor(const QString &deviceId) const
{
    QStringList known = m_models.devices->fields(deviceId);
    for (const QString &field : m_models.series->fields(deviceId)) {
        if (!known.contains(field))
            known.append(field);
    }
    QStringList out;
    for (const PanelDock *dock : m_docks) {
        const PanelSpec &spec = dock->spec();
        if (spec.type != PanelType::Chart || isDeviceView(spec)
            || !matchesAnyNamePattern(patternsOrAll(spec.devices), deviceId))
            continue;
        if (!spec.fields || spec.fields->isEmpty())
            return {}; // this chart draws every field
        for (const QString &field : filterByNamePatterns(*spec.fields, known)) {
            if (!out.contains(field))
                out.append(field);
        }
        // A plain name the device has not reported yet is asked for as is.
        for (const QString &pattern : *spec.fields) {
            if (!pattern.contains(QLatin1Char('*')) && !out.contains(pattern))
                out.append(pattern);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void Workspace::rebuildPanelsMenu()
{
    m_panelsMenu->clear();
    QMenu *add = m_panelsMenu->addMenu(tr("&Add panel"));
    for (PanelType type : allPanelTypes())
        add->addAction(PanelDock::typeTitle(type) + QStringLiteral("…"), this, [this, type] { promptAddPanel(type); });
    m_panelsMenu->addSeparator();
    if (m_docks.isEmpty()) {
        QAction *none = m_panelsMenu->addAction(tr("No panels in this layout"));
        none->setEnabled(false);
    }
    for (PanelDock *dock : std::as_const(m_docks))
        m_panelsMenu->addAction(dock->toggleViewAction());
}

} // namespace Sightline
