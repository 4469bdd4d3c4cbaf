#pragma once

#include "telemetry/workspacelayout.h"
#include "telemetry/workspacemodels.h"

#include <QHash>
#include <QList>
#include <QMainWindow>

class QMenu;

namespace Sightline {

class PanelDock;

// The operator's workspace (issue 14): panels in dock widgets that split,
// tab, float and close, built from a WorkspaceLayout and written back to
// one. Panels are views over the shared stores (WorkspaceModels) and never
// own data; the workspace creates each panel's content for its type,
// applies its device and field patterns, and opens the device view (small
// multiples of every field of one device) when a panel reports a device
// activated.
//
// A layout's "dockState" key (the app's own, API.md) holds the dock
// arrangement; a layout without it gets a grid: the fleet on the left,
// alerts along the bottom, the rest in two columns.
//
// It is a QMainWindow only to host docks; the application window embeds it
// as its central widget, under the connection banner and the time control.
class Workspace : public QMainWindow
{
    Q_OBJECT

public:
    static constexpr const char *kDockStateKey = "dockState";
    static constexpr const char *kViewKey = "view";       // a chart panel's own key...
    static constexpr const char *kDeviceView = "device";  // ...for the device view

    explicit Workspace(const WorkspaceModels &models, QWidget *parent = nullptr);
    ~Workspace() override;

    // Replaces every panel (and the workspace time) with the layout's.
    void applyLayout(const WorkspaceLayout &layout);
    // The layout as shown now, dock arrangement included.
    WorkspaceLayout currentLayout() const;
    QString layoutName() const { return m_name; }
    void setLayoutName(const QString &name);

    // Changed since applyLayout() or markSaved(): panels, their settings,
    // their arrangement, or the time.
    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    void markSaved() { setModified(false); }

    // Adds a panel (a unique id is given when spec.id is empty or taken) at
    // a sensible place; returns its id.
    QString addPanel(const PanelSpec &spec);
    void removePanel(const QString &id);
    bool renamePanel(const QString &id, const QString &title);
    bool configurePanel(const QString &id, const std::optional<QStringList> &devices,
                        const std::optional<QStringList> &fields);
    // `sightline --device d1,d2`: the charts, stats and timelines show only
    // these devices (names or globs); the device views keep theirs.
    void showOnlyDevices(const QStringList &patterns);
    // Opens (or raises) the device view of deviceId; returns its panel id.
    QString openDeviceView(const QString &deviceId);

    // Dialogs of a panel's own menu.
    void promptRename(const QString &id);
    void promptConfigure(const QString &id);
    void promptAddPanel(PanelType type);

    // Times in UTC instead of local time, in every panel that shows them.
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }

    QList<PanelDock *> panels() const { return m_docks; }
    PanelDock *panel(const QString &id) const;
    // The menu that adds panels and re-opens closed ones (View ▸ Panels).
    QMenu *panelsMenu() const { return m_panelsMenu; }

    // What the pickers offer: the devices the server reports, the fields
    // it reports and those seen since.
    QStringList knownDevices() const;
    QStringList knownFields() const;

    // The devices whose raw points a stat panel or a device view draws over
    // time: the wiring loads their history for the range (charts ask for
    // what they lack themselves).
    QStringList devicesDrawnOverTime() const;
    // The fields the charts draw of deviceId (what its history buckets are
    // asked for); empty when some chart draws all of its fields.
    QStringList fieldsChartedFor(const QString &deviceId) const;

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

Q_SIGNALS:
    void modifiedChanged(bool modified);
    // Panels were added, removed or re-configured.
    void panelsChanged();
    // The device view of this device was opened.
    void deviceViewOpened(const QString &deviceId);
    // A chart lacks the raw points, or the buckets, of a range (the wiring
    // loads them from the history endpoint).
    void historyNeeded(const QStringList &deviceIds, qint64 fromMs, qint64 toMs);
    void bucketsNeeded(const QStringList &deviceIds, qint64 fromMs, qint64 toMs, int stepSeconds);
    // A chart drew a frame; newestDeviceTsMs is the newest point on screen
    // (the status bar's device-to-screen latency), 0 when none is.
    void frameRendered(qint64 newestDeviceTsMs);

private:
    QWidget *createContent(const PanelSpec &spec);
    void applyPatterns(PanelDock *dock);
    PanelDock *createDock(const PanelSpec &spec);
    void placeInGrid(PanelDock *dock);
    void arrangeGrid();
    // Gives the grid's panels their shares of the room (once the workspace
    // has its size: before that, Qt would size the docks from hints).
    void shareOutGrid();
    void clearPanels();
    void rebuildPanelsMenu();
    bool isDeviceView(const PanelSpec &spec) const;

    WorkspaceModels m_models;
    QList<PanelDock *> m_docks;
    QString m_name;
    bool m_modified = false;
    bool m_applying = false;
    bool m_utc = false;
    bool m_gridSizesPending = false;
    QMenu *m_panelsMenu = nullptr;
};

} // namespace Sightline
