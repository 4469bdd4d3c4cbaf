#pragma once

#include "telemetry/workspacelayout.h"

#include <QDockWidget>

class QLabel;
class QToolButton;

namespace Sightline {

// One panel of the workspace in a dock widget (issue 14): the panel's spec
// from the layout (id, type, title, device and field patterns, the app's
// own keys), its content widget, and a title bar with the panel's own menu
// (Rename…, Configure…, Float, Close, Remove). Dragging the title bar
// moves, docks, splits and tabs the panel as any dock widget; double-click
// floats it. Closing only hides it (View ▸ Panels re-opens it); Remove
// takes it out of the layout.
//
// The dock knows nothing of what its content draws: the Workspace creates
// the content for the spec's type and applies pattern changes to it.
class PanelDock : public QDockWidget
{
    Q_OBJECT

public:
    PanelDock(const PanelSpec &spec, QWidget *content, QWidget *parent = nullptr);
    ~PanelDock() override;

    static QString objectNameFor(const QString &panelId);
    // "Chart", "Stat", ... as menus and made-up titles name a panel type.
    static QString typeTitle(PanelType type);

    const PanelSpec &spec() const { return m_spec; }
    QString panelId() const { return m_spec.id; }
    PanelType type() const { return m_spec.type; }
    QWidget *content() const { return widget(); }

    // The title shown: the spec's title, else a name made from its type and
    // patterns ("Chart · gpu_temp_c").
    QString shownTitle() const;
    void setTitle(const QString &title);
    void setPatterns(const std::optional<QStringList> &devices, const std::optional<QStringList> &fields);
    void setExtra(const QJsonObject &extra);

    QToolButton *menuButton() const { return m_menuButton; }
    QMenu *panelMenu() const { return m_menu; }

Q_SIGNALS:
    void renameRequested(const QString &panelId);
    void configureRequested(const QString &panelId);
    void removeRequested(const QString &panelId);
    void specChanged(const QString &panelId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateTitle();

    PanelSpec m_spec;
    QLabel *m_titleLabel = nullptr;
    QToolButton *m_menuButton = nullptr;
    QToolButton *m_closeButton = nullptr;
    QMenu *m_menu = nullptr;
};

} // namespace Sightline
