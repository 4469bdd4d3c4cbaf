#include "ui/chartview.h"
#include "ui/shortcutsdialog.h"

#include <QAction>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenuBar>
#include <QTest>
#include <QTreeWidget>

using namespace Sightline;

namespace {

// The shown rows as "group | command | keys", hidden ones left out.
QStringList visibleRows(const QTreeWidget *tree)
{
    QStringList rows;
    for (int g = 0; g < tree->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = tree->topLevelItem(g);
        if (group->isHidden())
            continue;
        for (int i = 0; i < group->childCount(); ++i) {
            const QTreeWidgetItem *item = group->child(i);
            if (!item->isHidden())
                rows.append(QStringLiteral("%1 | %2 | %3").arg(group->text(0), item->text(0), item->text(1)));
        }
    }
    return rows;
}

QString native(const QKeySequence &keys)
{
    return keys.toString(QKeySequence::NativeText);
}

} // namespace

class tst_ShortcutsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void listsMenuActionsWithShortcuts();
    void seesActionsAddedLater();
    void listsChartGestures();
    void filterNarrowsTheList();
    void withoutMnemonic_data();
    void withoutMnemonic();

private:
    QMainWindow *m_window = nullptr;
    QAction *m_export = nullptr;
};

void tst_ShortcutsDialog::init()
{
    m_window = new QMainWindow;
    QMenu *file = m_window->menuBar()->addMenu(QStringLiteral("&File"));
    m_export = file->addAction(QStringLiteral("Export as &CSV…"));
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(QStringLiteral("Sign &out")); // no shortcut: not listed
    file->addSeparator();
    QMenu *layouts = file->addMenu(QStringLiteral("&Layouts"));
    QAction *save = layouts->addAction(QStringLiteral("&Save && close"));
    save->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_S), QKeySequence(Qt::Key_F2)});
    QAction *hidden = file->addAction(QStringLiteral("Hidden"));
    hidden->setShortcut(QKeySequence(Qt::Key_F9));
    hidden->setVisible(false);
}

void tst_ShortcutsDialog::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void tst_ShortcutsDialog::listsMenuActionsWithShortcuts()
{
    const QList<ShortcutEntry> expected{
        {QStringLiteral("File"), QStringLiteral("Export as CSV…"), native(QKeySequence(Qt::CTRL | Qt::Key_E))},
        {QStringLiteral("File ▸ Layouts"), QStringLiteral("Save & close"),
         native(QKeySequence(Qt::CTRL | Qt::Key_S)) + QStringLiteral(", ") + native(QKeySequence(Qt::Key_F2))},
    };
    QCOMPARE(ShortcutsDialog::menuShortcuts(m_window->menuBar()), expected);
    ShortcutsDialog dialog(m_window->menuBar(), m_window);
    const QStringList rows = visibleRows(dialog.tree());
    QVERIFY2(rows.contains(QStringLiteral("File | Export as CSV… | %1").arg(native(QKeySequence(Qt::CTRL | Qt::Key_E)))),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY(rows.contains(QStringLiteral("File ▸ Layouts | Save & close | %1, %2")
                                  .arg(native(QKeySequence(Qt::CTRL | Qt::Key_S)), native(QKeySequence(Qt::Key_F2)))));
    for (const QString &row : rows) {
        QVERIFY2(!row.contains(QStringLiteral("Sign out")), "an action without a shortcut is not listed");
        QVERIFY2(!row.contains(QStringLiteral("Hidden")), "a hidden action is not listed");
    }
}

void tst_ShortcutsDialog::seesActionsAddedLater()
{
    QMenu *tools = m_window->menuBar()->addMenu(QStringLiteral("&Tools"));
    QAction *frob = tools->addAction(QStringLiteral("&Frobnicate"));
    frob->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_X));
    ShortcutsDialog dialog(m_window->menuBar());
    const QStringList rows = visibleRows(dialog.tree());
    QVERIFY2(rows.contains(
                     QStringLiteral("Tools | Frobnicate | %1").arg(native(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F)))),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY(rows.contains(QStringLiteral("File | Export as CSV… | %1").arg(native(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_X)))));
}

void tst_ShortcutsDialog::listsChartGestures()
{
    ShortcutsDialog dialog(m_window->menuBar());
    const auto gestures = ChartView::gestures();
    QVERIFY(gestures.size() >= 5);
    const QStringList rows = visibleRows(dialog.tree());
    for (const auto &gesture : gestures)
        QVERIFY2(rows.contains(QStringLiteral("Chart | %1 | %2").arg(gesture.second, gesture.first)), qPrintable(gesture.first));
    // The key the chart handles for "back to live" is named in the list.
    QVERIFY(rows.contains(QStringLiteral("Chart | %1 | %2").arg(QStringLiteral("Back to live"), native(QKeySequence(Qt::Key_End)))));
}

void tst_ShortcutsDialog::filterNarrowsTheList()
{
    ShortcutsDialog dialog(m_window->menuBar());
    const int all = visibleRows(dialog.tree()).size();
    dialog.filterField()->setText(QStringLiteral("csv"));
    QCOMPARE(visibleRows(dialog.tree()),
             QStringList{QStringLiteral("File | Export as CSV… | %1").arg(native(QKeySequence(Qt::CTRL | Qt::Key_E)))});
    dialog.filterField()->setText(native(QKeySequence(Qt::Key_F2)));
    QCOMPARE(visibleRows(dialog.tree()).size(), 1);
    dialog.filterField()->setText(QStringLiteral("no such command"));
    QVERIFY(visibleRows(dialog.tree()).isEmpty());
    dialog.filterField()->clear();
    QCOMPARE(visibleRows(dialog.tree()).size(), all);
}

void tst_ShortcutsDialog::withoutMnemonic_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("mnemonic at start") << QStringLiteral("&File") << QStringLiteral("File");
    QTest::newRow("mnemonic inside") << QStringLiteral("Back to &live") << QStringLiteral("Back to live");
    QTest::newRow("literal ampersand") << QStringLiteral("Save && close") << QStringLiteral("Save & close");
    QTest::newRow("both") << QStringLiteral("&Save && close") << QStringLiteral("Save & close");
    QTest::newRow("trailing ampersand") << QStringLiteral("Odd&") << QStringLiteral("Odd");
    QTest::newRow("no ampersand") << QStringLiteral("Plain") << QStringLiteral("Plain");
}

void tst_ShortcutsDialog::withoutMnemonic()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(ShortcutsDialog::withoutMnemonic(text), expected);
}

QTEST_MAIN(tst_ShortcutsDialog)
#include "tst_shortcutsdialog.moc"
