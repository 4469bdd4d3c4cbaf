#include "ui/layoutsmenu.h"

#include "telemetry/layoutlibrary.h"
#include "ui/workspace.h"

#include <QActionGroup>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QStandardPaths>

namespace Sightline {

LayoutsMenu::LayoutsMenu(Workspace *workspace, LayoutLibrary *library, QWidget *parent)
    : QMenu(tr("&Layouts"), parent)
    , m_workspace(workspace)
    , m_library(library)
{
    connect(this, &QMenu::aboutToShow, this, &LayoutsMenu::rebuild);
    rebuild();
}

LayoutsMenu::~LayoutsMenu() = default;

void LayoutsMenu::rebuild()
{
    clear();
    addAction(tr("&New layout…"), this, [this] {
        const QString name = askName(tr("New layout"), tr("Untitled"));
        if (!name.isEmpty() && maybeSave())
            newLayout(name);
    });
    QMenu *open = addMenu(tr("&Open"));
    const QStringList names = m_library->names();
    auto *group = new QActionGroup(open);
    for (const QString &name : names) {
        QAction *action = open->addAction(name, this, [this, name] {
            if (maybeSave())
                openNamed(name);
        });
        action->setCheckable(true);
        action->setChecked(name == m_workspace->layoutName());
        group->addAction(action);
    }
    if (names.isEmpty())
        open->addAction(tr("No saved layouts yet"))->setEnabled(false);
    addSeparator();
    QAction *saveAction = addAction(tr("&Save layout"), this, &LayoutsMenu::save);
    saveAction->setShortcut(QKeySequence::Save);
    QAction *saveAsAction = addAction(tr("Save layout &as…"), this, [this] {
        const QString name = askName(tr("Save layout as"), m_workspace->layoutName());
        if (!name.isEmpty())
            saveAs(name);
    });
    saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    addAction(tr("&Rename…"), this, [this] {
        const QString name = askName(tr("Rename layout"), m_workspace->layoutName());
        if (!name.isEmpty())
            renameCurrent(name);
    })->setEnabled(m_library->contains(m_workspace->layoutName()));
    addAction(tr("&Delete…"), this, [this] {
        const QString name = m_workspace->layoutName();
        if (QMessageBox::question(this, tr("Delete layout"), tr("Delete the saved layout “%1”? The panels stay on "
                                                                 "screen until you open another layout.").arg(name))
            == QMessageBox::Yes)
            deleteCurrent();
    })->setEnabled(m_library->contains(m_workspace->layoutName()));
    addSeparator();
    addAction(tr("&Import…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import a layout"), QString(),
                                                          tr("Sightline layouts (*.json);;All files (*)"));
        if (!path.isEmpty() && maybeSave())
            importFile(path);
    });
    addAction(tr("&Export…"), this, [this] {
        const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QLatin1Char('/')
                                  + LayoutLibrary::fileNameForName(m_workspace->layoutName().isEmpty()
                                                                       ? tr("layout") : m_workspace->layoutName());
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the layout"), suggested,
                                                          tr("Sightline layouts (*.json)"));
        if (!path.isEmpty())
            exportTo(path);
    });
}

void LayoutsMenu::fail(const QString &message)
{
    m_lastError = message;
    if (m_interactive)
        QMessageBox::warning(parentWidget(), tr("Layouts"), message);
}

QString LayoutsMenu::askName(const QString &title, const QString &initial)
{
    bool ok = false;
    const QString name = QInputDialog::getText(parentWidget(), title, tr("Name:"), QLineEdit::Normal, initial, &ok).trimmed();
    return ok ? name : QString();
}

bool LayoutsMenu::maybeSave()
{
    if (!m_interactive || !m_workspace->isModified())
        return true;
    const QString name = m_workspace->layoutName().isEmpty() ? tr("this layout") : m_workspace->layoutName();
    const auto answer = QMessageBox::question(parentWidget(), tr("Unsaved layout"),
                                              tr("Save the changes to “%1” first?").arg(name),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                              QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || save();
}

void LayoutsMenu::show(const WorkspaceLayout &layout)
{
    m_lastError.clear();
    m_workspace->applyLayout(layout);
    Q_EMIT layoutShown(layout.name);
}

bool LayoutsMenu::openNamed(const QString &name)
{
    const ParseResult<WorkspaceLayout> layout = m_library->load(name);
    if (!layout.isOk()) {
        fail(tr("The layout “%1” cannot be opened: %2").arg(name, layout.error()));
        return false;
    }
    show(layout.value());
    m_workspace->markSaved();
    return true;
}

bool LayoutsMenu::openFile(const QString &path)
{
    ParseResult<WorkspaceLayout> layout = LayoutLibrary::loadFile(path);
    if (!layout.isOk()) {
        fail(tr("This layout file cannot be opened: %1").arg(layout.error()));
        return false;
    }
    if (layout.value().name.isEmpty())
        layout.value().name = QFileInfo(path).completeBaseName();
    show(layout.value());
    return true;
}

bool LayoutsMenu::openFileOrName(const QString &fileOrName)
{
    if (m_library->contains(fileOrName))
        return openNamed(fileOrName);
    if (QFileInfo::exists(fileOrName))
        return openFile(fileOrName);
    fail(tr("There is no saved layout named “%1” and no file of that name.").arg(fileOrName));
    return false;
}

bool LayoutsMenu::save()
{
    if (m_workspace->layoutName().isEmpty()) {
        const QString name = m_interactive ? askName(tr("Save layout as"), tr("Untitled")) : QString();
        return !name.isEmpty() && saveAs(name);
    }
    const LayoutLibrary::Status status = m_library->save(m_workspace->currentLayout());
    if (!status.isOk()) {
        fail(tr("The layout was not saved: %1").arg(status.error()));
        return false;
    }
    m_workspace->markSaved();
    return true;
}

bool LayoutsMenu::saveAs(const QString &name)
{
    if (m_interactive && name != m_workspace->layoutName() && m_library->contains(name)
        && QMessageBox::question(parentWidget(), tr("Save layout as"),
                                 tr("A layout named “%1” exists. Replace it?").arg(name))
               != QMessageBox::Yes)
        return false;
    const QString previous = m_workspace->layoutName();
    m_workspace->setLayoutName(name);
    if (!save()) {
        m_workspace->setLayoutName(previous);
        return false;
    }
    Q_EMIT layoutShown(name);
    return true;
}

bool LayoutsMenu::renameCurrent(const QString &newName)
{
    const QString oldName = m_workspace->layoutName();
    const LayoutLibrary::Status status = m_library->rename(oldName, newName);
    if (!status.isOk()) {
        fail(tr("The layout was not renamed: %1").arg(status.error()));
        return false;
    }
    m_workspace->setLayoutName(newName);
    Q_EMIT layoutShown(newName);
    return true;
}

bool LayoutsMenu::deleteCurrent()
{
    const LayoutLibrary::Status status = m_library->remove(m_workspace->layoutName());
    if (!status.isOk()) {
        fail(tr("The layout was not deleted: %1").arg(status.error()));
        return false;
    }
    m_workspace->setLayoutName(QString()); // still on screen, saved nowhere
    Q_EMIT layoutShown(QString());
    return true;
}

bool LayoutsMenu::importFile(const QString &path)
{
    const ParseResult<QString> name = m_library->importFile(path);
    if (!name.isOk()) {
        fail(tr("The layout was not imported: %1").arg(name.error()));
        return false;
    }
    return openNamed(name.value());
}

bool LayoutsMenu::exportTo(const QString &path)
{
    const LayoutLibrary::Status status = LayoutLibrary::saveFile(m_workspace->currentLayout(), path);
    if (!status.isOk()) {
        fail(tr("The layout was not exported: %1").arg(status.error()));
        return false;
    }
    return true;
}

void LayoutsMenu::newLayout(const QString &name)
{
    WorkspaceLayout layout;
    layout.name = name;
    show(layout);
}

} // namespace Sightline
