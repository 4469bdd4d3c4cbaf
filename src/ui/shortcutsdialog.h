#pragma once

#include <QDialog>
#include <QList>
#include <QString>

class QLineEdit;
class QMenu;
class QMenuBar;
class QTreeWidget;

namespace Sightline {

// One line of the shortcuts list: where the command is, what it is called
// (without the '&' of its mnemonic) and its keys in the platform's words.
struct ShortcutEntry
{
    QString group;   // "View" or "View ▸ Layouts"; the chart's gestures are under "Chart"
    QString command; // "Pause chart"
    QString keys;    // "Ctrl+P"
    friend bool operator==(const ShortcutEntry &a, const ShortcutEntry &b)
    {
        return a.group == b.group && a.command == b.command && a.keys == b.keys;
    }
};

// Help → Keyboard shortcuts: every action with a shortcut in the menus of
// a menu bar, read from the actions when the dialog opens (so it never
// goes stale), then the chart's mouse and key gestures (ChartView::gestures()).
// A filter field narrows the list. It only reads the menu bar.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent = nullptr);
    ~ShortcutsDialog() override;

    // What the dialog lists, in menu order: menu shortcuts, then the chart's gestures.
    QList<ShortcutEntry> entries() const { return m_entries; }
    QTreeWidget *tree() const { return m_tree; }
    QLineEdit *filterField() const { return m_filter; }

    // The actions with a shortcut in menuBar's menus and their submenus.
    static QList<ShortcutEntry> menuShortcuts(const QMenuBar *menuBar);
    // "&Save && quit" → "Save & quit".
    static QString withoutMnemonic(const QString &text);

private:
    void fill();
    void applyFilter(const QString &text);

    QList<ShortcutEntry> m_entries;
    QLineEdit *m_filter = nullptr;
    QTreeWidget *m_tree = nullptr;
};

} // namespace Sightline
