#include "support/workspacefixture.h"
#include "telemetry/layoutlibrary.h"
#include "ui/alerttableview.h"
#include "ui/fleetpanel.h"
#include "ui/livechartwidget.h"
#include "ui/paneldock.h"
#include "ui/smallmultiplespanel.h"
#include "ui/statpanel.h"
#include "ui/timelinepanel.h"
#include "ui/workspace.h"

#include <QAction>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace Sightline;

namespace {

constexpr qint64 kNowMs = 1'764'000'000'000;
constexpr int kUiTimeoutMs = 10000;

// Every panel type, as a file written by hand would have them (no dockState).
const char kEveryPanel[] = R"({"version": 1, "name": "Everything",
 "time": {"live": true, "windowMinutes": 5},
 "panels": [
   {"id": "p1", "type": "chart", "title": "Temperatures", "devices": ["*"], "fields": ["gpu_temp_c", "cpu_temp_c"]},
   {"id": "p2", "type": "stat", "devices": ["jetson-01"], "fields": ["power_mw"]},
   {"id": "p3", "type": "fleet", "fields": ["gpu_temp_c", "gpu_util_pct", "power_mw"]},
   {"id": "p4", "type": "timeline", "devices": ["*"]},
   {"id": "p5", "type": "alerts"},
   {"id": "p6", "type": "chart", "title": "jetson-02", "devices": ["jetson-02"], "view": "device"}
 ]})";

} // namespace

class tst_Workspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everyPanelTypeGetsItsView_data();
    void everyPanelTypeGetsItsView();
    void aFileWithoutArrangementGetsAGrid();
    void layoutRoundTripsByteForByte();
    void arrangementIsKept();
    void addRenameConfigureRemove();
    void closedPanelsReopenFromTheMenu();
    void clickingADeviceOpensItsView();
    void theTimeComesFromTheLayout();

private:
    std::unique_ptr<WorkspaceFixture> m_f;
    std::unique_ptr<Workspace> m_workspace;
};

void tst_Workspace::init()
{
    m_f = std::make_unique<WorkspaceFixture>([] { return kNowMs; });
    m_f->fillSampleFleet(kNowMs);
    m_workspace = std::make_unique<Workspace>(m_f->models());
    m_workspace->resize(1280, 800);
    m_workspace->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_workspace.get()));
}

void tst_Workspace::cleanup()
{
    m_workspace.reset();
    m_f.reset();
}

void tst_Workspace::everyPanelTypeGetsItsView_data()
{
    QTest::addColumn<QString>("panelId");
    QTest::addColumn<QString>("className");
    QTest::newRow("chart") << "p1" << "Sightline::LiveChartWidget";
    QTest::newRow("stat") << "p2" << "Sightline::StatPanel";
    QTest::newRow("fleet") << "p3" << "Sightline::FleetPanel";
    QTest::newRow("timeline") << "p4" << "Sightline::TimelinePanel";
    QTest::newRow("alerts") << "p5" << "Sightline::AlertTableView";
    QTest::newRow("device view") << "p6" << "Sightline::SmallMultiplesPanel";
}

void tst_Workspace::everyPanelTypeGetsItsView()
{
    QFETCH(QString, panelId);
    QFETCH(QString, className);
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    QCOMPARE(m_workspace->panels().size(), 6);
    PanelDock *dock = m_workspace->panel(panelId);
    QVERIFY(dock);
    QCOMPARE(QString::fromLatin1(dock->content()->metaObject()->className()), className);
    QTRY_VERIFY_WITH_TIMEOUT(dock->isVisible(), kUiTimeoutMs);
    QVERIFY(dock->width() > 100 && dock->height() > 80);
    // The panel's own menu; a chart's also exports what it shows.
    QStringList entries;
    for (const QAction *action : dock->panelMenu()->actions())
        entries.append(action->text());
    QVERIFY(entries.contains(QStringLiteral("&Rename…")));
    QVERIFY(entries.contains(QStringLiteral("Re&move from layout")));
    QCOMPARE(entries.contains(QStringLiteral("Export as &CSV…")), className == QLatin1String("Sightline::LiveChartWidget"));
    QCOMPARE(entries.contains(QStringLiteral("&Configure…")), className != QLatin1String("Sightline::AlertTableView"));
}

void tst_Workspace::aFileWithoutArrangementGetsAGrid()
{
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    QCOMPARE(m_workspace->dockWidgetArea(m_workspace->panel(QStringLiteral("p3"))), Qt::LeftDockWidgetArea);
    QCOMPARE(m_workspace->dockWidgetArea(m_workspace->panel(QStringLiteral("p5"))), Qt::BottomDockWidgetArea);
    // The rest in two columns: p1 and p2 side by side, p4 under p1.
    const QRect p1 = m_workspace->panel(QStringLiteral("p1"))->geometry();
    const QRect p2 = m_workspace->panel(QStringLiteral("p2"))->geometry();
    const QRect p4 = m_workspace->panel(QStringLiteral("p4"))->geometry();
    QVERIFY2(p2.left() >= p1.right(), "the second panel sits right of the first");
    QVERIFY2(p4.top() >= p1.bottom(), "the third panel sits under the first");
    QVERIFY(!m_workspace->isModified());
}

void tst_Workspace::layoutRoundTripsByteForByte()
{
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    const QByteArray first = m_workspace->currentLayout().toJson();
    ParseResult<WorkspaceLayout> read = WorkspaceLayout::fromJson(first);
    QVERIFY2(read.isOk(), qPrintable(read.error()));
    QCOMPARE(read.value().toJson(), first); // write → read → write
    // The panels are what the file said (the app adds only its dockState).
    WorkspaceLayout expected = parseLayout(kEveryPanel);
    QCOMPARE(read.value().panels, expected.panels);
    QCOMPARE(read.value().time, expected.time);
    // And a workspace given that layout writes the same bytes again.
    Workspace other(m_f->models());
    other.resize(1280, 800);
    other.applyLayout(read.value());
    QCOMPARE(other.currentLayout().panels, expected.panels);
}

void tst_Workspace::arrangementIsKept()
{
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    PanelDock *chart = m_workspace->panel(QStringLiteral("p1"));
    PanelDock *stat = m_workspace->panel(QStringLiteral("p2"));
    m_workspace->tabifyDockWidget(chart, stat);
    QVERIFY(m_workspace->tabifiedDockWidgets(chart).contains(stat));
    const WorkspaceLayout saved = m_workspace->currentLayout();

    Workspace other(m_f->models());
    other.resize(1280, 800);
    other.show();
    other.applyLayout(saved);
    QVERIFY(other.tabifiedDockWidgets(other.panel(QStringLiteral("p1"))).contains(other.panel(QStringLiteral("p2"))));
    QCOMPARE(other.dockWidgetArea(other.panel(QStringLiteral("p3"))), Qt::LeftDockWidgetArea);
}

void tst_Workspace::addRenameConfigureRemove()
{
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    QSignalSpy modified(m_workspace.get(), &Workspace::modifiedChanged);
    PanelSpec spec;
    spec.type = PanelType::Chart;
    spec.id = QStringLiteral("p1"); // taken: the workspace gives another
    spec.fields = QStringList{QStringLiteral("power_mw")};
    const QString id = m_workspace->addPanel(spec);
    QCOMPARE(id, QStringLiteral("p7"));
    QVERIFY(m_workspace->isModified());
    QCOMPARE(modified.size(), 1);
    QCOMPARE(m_workspace->panel(id)->shownTitle(), QStringLiteral("Chart · power_mw"));

    QVERIFY(m_workspace->renamePanel(id, QStringLiteral("  Power  ")));
    QCOMPARE(m_workspace->panel(id)->windowTitle(), QStringLiteral("Power"));
    QVERIFY(m_workspace->configurePanel(id, QStringList{QStringLiteral("jetson-0*")}, QStringList{QStringLiteral("cpu_*")}));
    const WorkspaceLayout layout = m_workspace->currentLayout();
    const PanelSpec written = layout.panels.at(layout.indexOfPanel(id));
    QCOMPARE(written.title, QStringLiteral("Power"));
    QCOMPARE(written.devices, std::optional<QStringList>(QStringList{QStringLiteral("jetson-0*")}));
    QCOMPARE(written.fields, std::optional<QStringList>(QStringList{QStringLiteral("cpu_*")}));

    m_workspace->removePanel(id);
    QVERIFY(!m_workspace->panel(id));
    QCOMPARE(m_workspace->currentLayout().indexOfPanel(id), -1);
    m_workspace->markSaved();
    QVERIFY(!m_workspace->isModified());
}

void tst_Workspace::closedPanelsReopenFromTheMenu()
{
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    PanelDock *fleet = m_workspace->panel(QStringLiteral("p3"));
    QTRY_VERIFY_WITH_TIMEOUT(fleet->isVisible(), kUiTimeoutMs);
    fleet->close();
    QVERIFY(!fleet->isVisible());
    QVERIFY(m_workspace->panel(QStringLiteral("p3"))); // closed, not removed
    QAction *reopen = nullptr;
    for (QAction *action : m_workspace->panelsMenu()->actions()) {
        if (action->text() == fleet->windowTitle())
            reopen = action;
    }
    QVERIFY2(reopen, "the Panels menu lists the closed panel");
    QVERIFY(!reopen->isChecked());
    reopen->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(fleet->isVisible(), kUiTimeoutMs);
}

void tst_Workspace::clickingADeviceOpensItsView()
{
    m_workspace->applyLayout(parseLayout(kEveryPanel));
    auto *fleet = qobject_cast<FleetPanel *>(m_workspace->panel(QStringLiteral("p3"))->content());
    QVERIFY(fleet);
    QSignalSpy opened(m_workspace.get(), &Workspace::deviceViewOpened);
    Q_EMIT fleet->deviceActivated(QStringLiteral("jetson-03"));
    QCOMPARE(opened.size(), 1);
    const int panels = int(m_workspace->panels().size());
    QCOMPARE(panels, 7);
    PanelDock *view = m_workspace->panels().constLast();
    auto *multiples = qobject_cast<SmallMultiplesPanel *>(view->content());
    QVERIFY(multiples);
    QCOMPARE(multiples->cells().size(), 4); // every field of jetson-03
    // Again: the same view is raised, not a second one.
    Q_EMIT fleet->deviceActivated(QStringLiteral("jetson-03"));
    QCOMPARE(m_workspace->panels().size(), panels);
    // jetson-02's view came with the layout.
    m_workspace->openDeviceView(QStringLiteral("jetson-02"));
    QCOMPARE(m_workspace->panels().size(), panels);
}

void tst_Workspace::theTimeComesFromTheLayout()
{
    WorkspaceLayout layout = parseLayout(kEveryPanel);
    m_workspace->applyLayout(layout);
    QVERIFY(m_f->time.isLive());
    QCOMPARE(m_f->time.windowMs(), 5 * 60'000);
    layout.time.live = false;
    layout.time.from = QDateTime::fromMSecsSinceEpoch(kNowMs - 7'200'000, QTimeZone::utc());
    layout.time.to = QDateTime::fromMSecsSinceEpoch(kNowMs - 3'600'000, QTimeZone::utc());
    m_workspace->applyLayout(layout);
    QVERIFY(!m_f->time.isLive());
    QCOMPARE(m_f->time.fromMs(), kNowMs - 7'200'000);
    QCOMPARE(m_workspace->currentLayout().time, layout.time);
    m_f->time.setLiveWindow(60'000);
    QVERIFY(m_workspace->isModified()); // the time is part of the layout
}

QTEST_MAIN(tst_Workspace)
#include "tst_workspace.moc"
