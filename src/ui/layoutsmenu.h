#pragma once

#include "telemetry/workspacelayout.h"

#include <QMenu>

namespace Sightline {

class LayoutLibrary;
class Workspace;

// The Layouts menu (issue 14, item 2): New, Open ▸ (the saved layouts),
// Save, Save as, Rename, Delete, Import, Export, and Reset to the default.
// Named layouts live in the LayoutLibrary (the app's data folder). A bad
// file is refused with a message naming the problem, and the workspace
// keeps the layout it had. Switching away from a layout with unsaved
// changes asks first.
//
// Everything a menu entry does is also a method, so the app (--layout) and
// tests reach it without clicking; the methods that ask the user something
// take the answer as an argument where a test needs to give it.
class LayoutsMenu : public QMenu
{
    Q_OBJECT

public:
    // workspace and library are not owned and must outlive the menu.
    LayoutsMenu(Workspace *workspace, LayoutLibrary *library, QWidget *parent = nullptr);
    ~LayoutsMenu() override;

    // Shows the saved layout `name`. False (and a message) when it cannot be read.
    bool openNamed(const QString &name);
    // Shows a layout file from anywhere, without saving it to the library.
    bool openFile(const QString &path);
    // `sightline --layout FILE|NAME`: a saved name first, else a file path.
    bool openFileOrName(const QString &fileOrName);
    // Shows the layout (already read) as the current one.
    void show(const WorkspaceLayout &layout);

    bool save();
    bool saveAs(const QString &name);
    bool renameCurrent(const QString &newName);
    bool deleteCurrent();
    bool importFile(const QString &path);
    bool exportTo(const QString &path);
    void newLayout(const QString &name);

    // The last problem shown (tests).
    QString lastError() const { return m_lastError; }
    // Errors go to a message box unless this is off (tests and --screenshot).
    void setInteractive(bool interactive) { m_interactive = interactive; }

Q_SIGNALS:
    // The workspace shows another layout (its name, maybe empty).
    void layoutShown(const QString &name);

private:
    void rebuild();
    void fail(const QString &message);
    // Unsaved changes: Save, Discard or Cancel. True when it may go on.
    bool maybeSave();
    QString askName(const QString &title, const QString &initial);

    Workspace *m_workspace; // not owned
    LayoutLibrary *m_library; // not owned
    QString m_lastError;
    bool m_interactive = true;
};

} // namespace Sightline
