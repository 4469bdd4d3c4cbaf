#include "support/workspacefixture.h"
#include "telemetry/layoutlibrary.h"
#include "ui/layoutsmenu.h"
#include "ui/paneldock.h"
#include "ui/workspace.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kNowMs = 1'764'000'000'000;

const QByteArray kThermals = R"({"version": 1, "name": "Thermals",
 "time": {"live": true, "windowMinutes": 15},
 "panels": [
   {"id": "p1", "type": "chart", "title": "Temperatures", "devices": ["*"], "fields": ["gpu_temp_c", "cpu_temp_c"]},
   {"id": "p3", "type": "fleet", "fields": ["gpu_temp_c"]}
 ]})";

} // namespace

class tst_LayoutsMenu : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void badFilesAreRefusedAndTheLayoutStays_data();
    void badFilesAreRefusedAndTheLayoutStays();
    void openFileOrName();
    void saveSaveAsRenameDelete();
    void importAndExport();
    void theMenuListsTheSavedLayouts();

private:
    QString writeFile(const QString &name, const QByteArray &bytes);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LayoutLibrary> m_library;
    std::unique_ptr<WorkspaceFixture> m_f;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<LayoutsMenu> m_menu;
};

void tst_LayoutsMenu::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_library = std::make_unique<LayoutLibrary>(m_dir->filePath(QStringLiteral("layouts")));
    m_f = std::make_unique<WorkspaceFixture>([] { return kNowMs; });
    m_workspace = std::make_unique<Workspace>(m_f->models());
    m_workspace->resize(1000, 700);
    m_menu = std::make_unique<LayoutsMenu>(m_workspace.get(), m_library.get());
    m_menu->setInteractive(false);
    QVERIFY(m_menu->openFile(writeFile(QStringLiteral("thermals.json"), kThermals)));
}

void tst_LayoutsMenu::cleanup()
{
    m_menu.reset();
    m_workspace.reset();
    m_f.reset();
    m_library.reset();
    m_dir.reset();
}

QString tst_LayoutsMenu::writeFile(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void tst_LayoutsMenu::badFilesAreRefusedAndTheLayoutStays_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("problem");
    QTest::newRow("not JSON") << QByteArray("{\"version\": 1, \"panels\": [") << QStringLiteral("not valid JSON");
    QTest::newRow("another version") << QByteArray(R"({"version": 2, "panels": []})") << QStringLiteral("version 2");
    QTest::newRow("unknown panel type")
            << QByteArray(R"({"version": 1, "panels": [{"id": "g", "type": "gauge"}]})") << QStringLiteral("gauge");
}

void tst_LayoutsMenu::badFilesAreRefusedAndTheLayoutStays()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, problem);
    const QByteArray before = m_workspace->currentLayout().toJson();
    QSignalSpy shown(m_menu.get(), &LayoutsMenu::layoutShown);
    const QString path = writeFile(QStringLiteral("bad.json"), bytes);
    QVERIFY(!m_menu->openFile(path));
    QVERIFY2(m_menu->lastError().contains(problem), qPrintable(m_menu->lastError()));
    QVERIFY2(m_menu->lastError().contains(QStringLiteral("bad.json")), qPrintable(m_menu->lastError()));
    QVERIFY(!m_menu->importFile(path));
    QVERIFY2(m_menu->lastError().contains(problem), qPrintable(m_menu->lastError()));
    QCOMPARE(shown.size(), 0);
    QCOMPARE(m_workspace->currentLayout().toJson(), before); // the workspace kept its layout
    QVERIFY(m_library->names().isEmpty()); // and nothing was imported
}

void tst_LayoutsMenu::openFileOrName()
{
    QCOMPARE(m_workspace->layoutName(), QStringLiteral("Thermals"));
    QCOMPARE(m_workspace->panels().size(), 2);
    QVERIFY(m_menu->saveAs(QStringLiteral("Saved one")));
    m_menu->newLayout(QStringLiteral("Empty"));
    QCOMPARE(m_workspace->panels().size(), 0);
    QVERIFY(m_menu->openFileOrName(QStringLiteral("Saved one"))); // a saved name
    QCOMPARE(m_workspace->panels().size(), 2);
    QVERIFY(!m_menu->openFileOrName(QStringLiteral("nothing of that name")));
    QVERIFY(m_menu->lastError().contains(QStringLiteral("nothing of that name")));
    QCOMPARE(m_workspace->layoutName(), QStringLiteral("Saved one"));
}

void tst_LayoutsMenu::saveSaveAsRenameDelete()
{
    QVERIFY(m_menu->save()); // under its own name
    QCOMPARE(m_library->names(), QStringList{QStringLiteral("Thermals")});
    QVERIFY(!m_workspace->isModified());

    m_workspace->renamePanel(QStringLiteral("p1"), QStringLiteral("Hot parts"));
    QVERIFY(m_workspace->isModified());
    QVERIFY(m_menu->saveAs(QStringLiteral("Thermals (night)")));
    QCOMPARE(m_workspace->layoutName(), QStringLiteral("Thermals (night)"));
    QVERIFY(!m_workspace->isModified());
    const ParseResult<WorkspaceLayout> saved = m_library->load(QStringLiteral("Thermals (night)"));
    QVERIFY(saved.isOk());
    QCOMPARE(saved.value().panels.first().title, QStringLiteral("Hot parts"));
    QCOMPARE(m_library->load(QStringLiteral("Thermals")).value().panels.first().title, QStringLiteral("Temperatures"));

    QVERIFY(!m_menu->renameCurrent(QStringLiteral("Thermals"))); // taken
    QVERIFY(m_menu->lastError().contains(QStringLiteral("Thermals")));
    QVERIFY(m_menu->renameCurrent(QStringLiteral("Night")));
    QCOMPARE(m_library->names(), (QStringList{QStringLiteral("Night"), QStringLiteral("Thermals")}));
    QCOMPARE(m_workspace->layoutName(), QStringLiteral("Night"));

    QVERIFY(m_menu->deleteCurrent());
    QCOMPARE(m_library->names(), QStringList{QStringLiteral("Thermals")});
    QCOMPARE(m_workspace->panels().size(), 2); // still on screen
    QVERIFY(m_workspace->layoutName().isEmpty());
}

void tst_LayoutsMenu::importAndExport()
{
    const QString exported = m_dir->filePath(QStringLiteral("out/shared.json"));
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("out"))));
    m_workspace->renamePanel(QStringLiteral("p3"), QStringLiteral("Fleet of the lab"));
    QVERIFY(m_menu->exportTo(exported)); // what is on screen, saved or not
    QVERIFY(m_library->names().isEmpty()); // exporting saves nothing in the library

    m_menu->newLayout(QStringLiteral("Scratch"));
    QVERIFY(m_menu->importFile(exported));
    QCOMPARE(m_library->names(), QStringList{QStringLiteral("Thermals")});
    QCOMPARE(m_workspace->layoutName(), QStringLiteral("Thermals"));
    QCOMPARE(m_workspace->panel(QStringLiteral("p3"))->shownTitle(), QStringLiteral("Fleet of the lab"));
    // The same file again gets a name of its own.
    QVERIFY(m_menu->importFile(exported));
    QCOMPARE(m_workspace->layoutName(), QStringLiteral("Thermals (2)"));
}

void tst_LayoutsMenu::theMenuListsTheSavedLayouts()
{
    QVERIFY(m_menu->saveAs(QStringLiteral("A")));
    QVERIFY(m_menu->saveAs(QStringLiteral("B")));
    Q_EMIT m_menu->aboutToShow();
    QMenu *open = nullptr;
    for (QAction *action : m_menu->actions()) {
        if (action->menu() && action->text() == QStringLiteral("&Open"))
            open = action->menu();
    }
    QVERIFY(open);
    QStringList names;
    QString checked;
    for (QAction *action : open->actions()) {
        names.append(action->text());
        if (action->isChecked())
            checked = action->text();
    }
    QCOMPARE(names, (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
    QCOMPARE(checked, QStringLiteral("B"));
}

QTEST_MAIN(tst_LayoutsMenu)
#include "tst_layoutsmenu.moc"
