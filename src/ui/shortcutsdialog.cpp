#include "ui/shortcutsdialog.h"

#include "ui/chartview.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Sightline {

namespace {

void collect(const QMenu *menu, const QString &group, QList<ShortcutEntry> *out)
{
    const QList<QAction *> actions = menu->actions();
    for (const QAction *action : actions) {
        if (action->isSeparator() || !action->isVisible())
            continue;
        if (const QMenu *submenu = action->menu()) {
            collect(submenu, group + QStringLiteral(" ▸ ") + ShortcutsDialog::withoutMnemonic(action->text()), out);
            continue;
        }
        const QList<QKeySequence> shortcuts = action->shortcuts();
        if (shortcuts.isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &shortcut : shortcuts)
            keys.append(shortcut.toString(QKeySequence::NativeText));
        out->append({group, ShortcutsDialog::withoutMnemonic(action->text()), keys.join(QStringLiteral(", "))});
    }
}

} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent)
    : QDialog(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeWidget(this))
{
    setWindowTitle(tr("Keyboard shortcuts"));
    setObjectName(QStringLiteral("shortcutsDialog"));
    m_entries = menuShortcuts(menuBar);
    const auto gestures = ChartView::gestures();
    for (const auto &gesture : gestures)
        m_entries.append({tr("Chart"), gesture.second, gesture.first});

    m_filter->setPlaceholderText(tr("Filter by command or key"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter shortcuts"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Command"), tr("Shortcut")});
    m_tree->setRootIsDecorated(false);
    m_tree->setSelectionMode(QAbstractItemView::NoSelection);
    m_tree->setFocusPolicy(Qt::NoFocus);
    m_tree->setAccessibleName(tr("Keyboard shortcuts"));
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutsDialog::applyFilter);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    fill();
    resize(520, 560);
}

ShortcutsDialog::~ShortcutsDialog() = default;

QList<ShortcutEntry> ShortcutsDialog::menuShortcuts(const QMenuBar *menuBar)
{
    QList<ShortcutEntry> entries;
    if (!menuBar)
        return entries;
    const QList<QAction *> menus = menuBar->actions();
    for (const QAction *action : menus) {
        if (const QMenu *menu = action->menu(); menu && action->isVisible())
            collect(menu, withoutMnemonic(action->text()), &entries);
    }
    return entries;
}

QString ShortcutsDialog::withoutMnemonic(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('&')) {
            out += text.at(i);
        } else if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('&')) {
            out += QLatin1Char('&'); // "&&" is a literal ampersand
            ++i;
        } // a single '&' only marks the next letter
    }
    return out;
}

void ShortcutsDialog::fill()
{
    QTreeWidgetItem *groupItem = nullptr;
    for (const ShortcutEntry &entry : std::as_const(m_entries)) {
        if (!groupItem || groupItem->text(0) != entry.group) {
            groupItem = new QTreeWidgetItem(m_tree, {entry.group});
            QFont bold = groupItem->font(0);
            bold.setBold(true);
            groupItem->setFont(0, bold);
            groupItem->setFirstColumnSpanned(true);
            groupItem->setFlags(Qt::ItemIsEnabled);
        }
        auto *item = new QTreeWidgetItem(groupItem, {entry.command, entry.keys});
        item->setFlags(Qt::ItemIsEnabled);
    }
    m_tree->expandAll();
}

void ShortcutsDialog::applyFilter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        const bool groupMatches = group->text(0).contains(needle, Qt::CaseInsensitive);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match = needle.isEmpty() || groupMatches || item->text(0).contains(needle, Qt::CaseInsensitive)
                    || item->text(1).contains(needle, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}

} // namespace Sightline
