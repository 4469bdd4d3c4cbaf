#include "support/workspacefixture.h"
#include "telemetry/layoutlibrary.h"
#include "ui/alertnotifier.h"
#include "ui/chartview.h"
#include "ui/connectionbanner.h"
#include "ui/layoutsmenu.h"
#include "ui/livechartwidget.h"
#include "ui/mainwindow.h"
#include "ui/paneldock.h"
#include "ui/statusfields.h"
#include "ui/theme.h"
#include "ui/timecontrolbar.h"

#include <QApplication>
#include <QChart>
#include <QDateTime>
#include <QDir>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Sightline;

namespace {

constexpr int kUiTimeoutMs = 10000;

// Six panels, one of each kind and a second chart of another unit: the
// layout of the documentation's screenshots and of bench/ui.
const char kSixPanels[] = R"({"version": 1, "name": "Lab overview",
 "time": {"live": true, "windowMinutes": 5},
 "panels": [
   {"id": "fleet", "type": "fleet", "title": "Fleet", "fields": ["gpu_temp_c", "gpu_util_pct", "power_mw"]},
   {"id": "temps", "type": "chart", "title": "Temperatures", "devices": ["jetson-*"], "fields": ["gpu_temp_c", "cpu_temp_c"]},
   {"id": "power", "type": "chart", "title": "Power and load", "devices": ["jetson-01", "jetson-02"], "fields": ["power_mw", "gpu_util_pct"]},
   {"id": "stats", "type": "stat", "title": "GPU now", "devices": ["jetson-*"], "fields": ["gpu_temp_c"]},
   {"id": "states", "type": "timeline", "title": "Online"},
   {"id": "alerts", "type": "alerts", "title": "Alerts"}
 ]})";

// A layout with one chart of every device's gpu_temp_c: what the latency
// tests draw.
WorkspaceLayout oneChart()
{
    return parseLayout(R"({"version": 1, "name": "One chart", "panels": [{"id": "c", "type": "chart", "fields": ["gpu_temp_c"]}]})");
}

AlertEvent alert(const char *device, const char *rule, Severity severity, bool firing, qint64 ts, const char *message)
{
    AlertEvent a;
    a.deviceId = QString::fromLatin1(device);
    a.ruleId = QString::fromLatin1(rule);
    a.severity = severity;
    a.state = firing ? AlertEvent::State::Firing : AlertEvent::State::Resolved;
    a.field = QStringLiteral("gpu_temp_c");
    a.value = 88;
    a.threshold = 85;
    a.message = QString::fromUtf8(message);
    a.tsMs = ts;
    return a;
}

void addSampleAlerts(WorkspaceFixture &f, qint64 now)
{
    f.alerts.applyAlert(alert("jetson-02", "power-high", Severity::Info, true, now - 200000, "Power draw above 6 W"));
    f.alerts.applyAlert(alert("jetson-01", "cpu-warm", Severity::Warning, true, now - 180000, "CPU temperature above 50 °C"));
    f.alerts.applyAlert(alert("jetson-01", "cpu-warm", Severity::Warning, false, now - 90000, "CPU temperature above 50 °C"));
    f.alerts.applyAlert(alert("jetson-03", "gpu-hot", Severity::Critical, true, now - 20000, "GPU temperature above 85 °C"));
}

LiveChartWidget *firstChart(const MainWindow &window)
{
    for (PanelDock *dock : window.workspace()->panels()) {
        if (auto *chart = qobject_cast<LiveChartWidget *>(dock->content()))
            return chart;
    }
    return nullptr;
}

// The window with a layout library in a temporary folder.
struct Window
{
    explicit Window(WorkspaceFixture &f)
        : library(dir.filePath(QStringLiteral("layouts")))
        , window(f.models(), &library)
    {
    }
    QTemporaryDir dir;
    LayoutLibrary library;
    MainWindow window;
};

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFirstStartShowsTheFleetAndTheHottestTemperature();
    void theDefaultChartIsTheUsersOnceTheyChangeIt();
    void connectionStatusDrivesBannerAndDeviceStates();
    void criticalAlertNotifies();
    void statusBarFields();
    void latencyCountsLivePointsOnly();
    void statusFieldsShowNothingStale();
    void keyboardShortcuts();
    void historyProgress();
    void theWorkspaceComesBackWithoutSecrets();
    void usableInASmallWindow();
    void screenshotOfLayouts_data();
    void screenshotOfLayouts();
};

void tst_MainWindow::aFirstStartShowsTheFleetAndTheHottestTemperature()
{
    WorkspaceFixture f;
    Window w(f);
    QTemporaryDir dir;
    const QSettings nothing(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    w.window.restoreSettings(nothing);
    QList<PanelType> types;
    for (PanelDock *dock : w.window.workspace()->panels())
        types.append(dock->type());
    QCOMPARE(types, (QList<PanelType>{PanelType::Fleet, PanelType::Chart}));
    LiveChartWidget *chart = firstChart(w.window);
    QVERIFY(chart);
    QVERIFY(w.window.followsHottestTemperature());
    QCOMPARE(chart->fieldPatterns(), QStringList{QStringLiteral("gpu_temp_c")}); // nothing known yet
    // Values arrive: gpu_temp_c is the hottest temperature of the sample
    // fleet (52..63 °C against cpu_temp_c's 43..57 °C)...
    f.fillSampleFleet(QDateTime::currentMSecsSinceEpoch());
    QTRY_COMPARE_WITH_TIMEOUT(chart->fieldPatterns(), QStringList{QStringLiteral("gpu_temp_c")}, kUiTimeoutMs);
    // ...until a hotter one comes.
    TelemetryData hot;
    hot.deviceId = QStringLiteral("jetson-01");
    hot.tsMs = QDateTime::currentMSecsSinceEpoch() + 1000;
    hot.fields.insert(QStringLiteral("soc_temp_c"), 97.5);
    f.latest.applyPoint(hot);
    QTRY_COMPARE_WITH_TIMEOUT(chart->fieldPatterns(), QStringList{QStringLiteral("soc_temp_c")}, kUiTimeoutMs);
    QCOMPARE(w.window.workspace()->panels().at(1)->shownTitle(), LayoutLibrary::defaultLayout(QStringLiteral("soc_temp_c")).panels.at(1).title);
    // Another layout opened (say with --layout): nothing to follow any more.
    w.window.layoutsMenu()->show(parseLayout(kSixPanels));
    QVERIFY(!w.window.followsHottestTemperature());
    QVERIFY(!w.window.workspace()->isModified()); // still the untouched first-start layout
}

void tst_MainWindow::theDefaultChartIsTheUsersOnceTheyChangeIt()
{
    WorkspaceFixture f;
    Window w(f);
    QTemporaryDir dir;
    const QSettings nothing(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    w.window.restoreSettings(nothing);
    LiveChartWidget *chart = firstChart(w.window);
    const QString chartId = w.window.workspace()->panels().at(1)->panelId();
    w.window.workspace()->configurePanel(chartId, std::nullopt, QStringList{QStringLiteral("power_mw")});
    QVERIFY(w.window.workspace()->isModified());
    QVERIFY(!w.window.followsHottestTemperature()); // the chart is the user's now
    f.fillSampleFleet(QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(chart->fieldPatterns(), QStringList{QStringLiteral("power_mw")});
    QVERIFY(w.window.workspace()->isModified());
}

void tst_MainWindow::connectionStatusDrivesBannerAndDeviceStates()
{
    WorkspaceFixture f;
    f.fillSampleFleet(QDateTime::currentMSecsSinceEpoch());
    Window w(f);
    MainWindow &window = w.window;
    QSignalSpy retry(&window, &MainWindow::retryRequested);
    window.setConnectionStatus(ConnectionStatus::reconnecting(8000));
    QCOMPARE(window.banner()->text(), QStringLiteral("Reconnecting in 8 s"));
    QCOMPARE(f.devices.state(QStringLiteral("jetson-01")), DeviceListModel::DeviceState::Disconnected);
    QCOMPARE(f.devices.state(QStringLiteral("cam-yard-1")), DeviceListModel::DeviceState::Disconnected);
    window.banner()->retryButton()->click();
    QCOMPARE(retry.size(), 1);
    window.setConnectionStatus(ConnectionStatus::live(0));
    QVERIFY(window.banner()->text().startsWith(QStringLiteral("Live")));
    QCOMPARE(f.devices.state(QStringLiteral("jetson-01")), DeviceListModel::DeviceState::Online);
    QCOMPARE(f.devices.state(QStringLiteral("cam-yard-1")), DeviceListModel::DeviceState::Offline);
    QSignalSpy signIn(&window, &MainWindow::signInRequested);
    window.setConnectionStatus(ConnectionStatus::sessionExpired());
    window.banner()->signInButton()->click();
    QCOMPARE(signIn.size(), 1);
}

void tst_MainWindow::criticalAlertNotifies()
{
    WorkspaceFixture f;
    Window w(f);
    QSignalSpy notified(w.window.notifier(), &AlertNotifier::notified);
    AlertEvent a = alert("jetson-07", "gpu-hot", Severity::Critical, true, 0, "GPU temperature above 85 °C");
    a.value = 91;
    f.alerts.applyAlert(a);
    QCOMPARE(notified.size(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), QStringLiteral("Critical alert on jetson-07"));
    QCOMPARE(notified.at(0).at(1).toString(), QStringLiteral("GPU temperature above 85 °C (GPU temp is 91.0°C)"));
    a.severity = Severity::Warning;
    a.ruleId = QStringLiteral("warm");
    f.alerts.applyAlert(a);
    QCOMPARE(notified.size(), 1);
}

void tst_MainWindow::statusBarFields()
{
    WorkspaceFixture f;
    Window w(f);
    MainWindow &window = w.window;
    window.layoutsMenu()->show(oneChart());
    window.show();
    window.setServerInfo(QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo"));
    QCOMPARE(window.statusFields()->serverText(), QStringLiteral("http://127.0.0.1:8080"));
    QCOMPARE(window.statusFields()->userText(), QStringLiteral("User: demo"));
    QCOMPARE(window.statusFields()->ageText(), QStringLiteral("Last event: none"));
    window.setConnectionStatus(ConnectionStatus::live(0)); // latency shows only while live
    for (int i = 0; i < 10; ++i)
        window.noteEventReceived();
    QCOMPARE(window.statistics().totalEvents(), qint64(10));
    // The fields refresh once a second.
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->ageText() != QStringLiteral("Last event: none"), kUiTimeoutMs);
    QVERIFY(window.statusFields()->rateText().endsWith(QStringLiteral("events/s")));
    // Latency is measured when a chart draws a newer point.
    TelemetryData p;
    p.deviceId = QStringLiteral("d1");
    p.tsMs = QDateTime::currentMSecsSinceEpoch();
    p.fields.insert(QStringLiteral("gpu_temp_c"), 1);
    f.devices.applyStatus(DeviceStatusEvent{QStringLiteral("d1"), DeviceStatusEvent::Status::Online, p.tsMs}, QStringLiteral("lab"));
    f.series.addPoint(p);
    QTRY_VERIFY_WITH_TIMEOUT(window.statistics().latencyMs() >= 0, kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->latencyText().endsWith(QStringLiteral(" ms")), kUiTimeoutMs);
}

void tst_MainWindow::latencyCountsLivePointsOnly()
{
    WorkspaceFixture f;
    Window w(f);
    MainWindow &window = w.window;
    window.layoutsMenu()->show(oneChart());
    window.show();
    LiveChartWidget *chart = firstChart(window);
    const QString d1 = QStringLiteral("d1");
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    f.devices.applyStatus(DeviceStatusEvent{d1, DeviceStatusEvent::Status::Online, now}, QStringLiteral("lab"));
    const auto pointAt = [&](qint64 tsMs) {
        TelemetryData p;
        p.deviceId = d1;
        p.tsMs = tsMs;
        p.fields.insert(QStringLiteral("gpu_temp_c"), 1);
        return p;
    };
    // History of the last minute drawn without a stream event: not a latency.
    const int framesBefore = chart->frameCount();
    QCOMPARE(f.series.mergeHistory(d1, {pointAt(now - 60000), pointAt(now - 30000)}), 2);
    QTRY_VERIFY_WITH_TIMEOUT(chart->frameCount() > framesBefore && !chart->isFramePending(), kUiTimeoutMs);
    QCOMPARE(window.statistics().latencyMs(), qint64(-1));

    // A point that came with a stream event is.
    window.noteEventReceived();
    f.series.addPoint(pointAt(QDateTime::currentMSecsSinceEpoch()));
    QTRY_VERIFY_WITH_TIMEOUT(window.statistics().latencyMs() >= 0, kUiTimeoutMs);
    QVERIFY2(window.statistics().latencyMs() < 30000, QByteArray::number(window.statistics().latencyMs()));
}

void tst_MainWindow::statusFieldsShowNothingStale()
{
    // Issue 14: latency stayed on screen during an outage, and events/s and
    // latency of the old session stayed after signing out.
    WorkspaceFixture f;
    Window w(f);
    MainWindow &window = w.window;
    window.layoutsMenu()->show(oneChart());
    window.show();
    const QString server = QStringLiteral("http://127.0.0.1:8080");
    window.setServerInfo(server, QStringLiteral("demo"));
    window.setConnectionStatus(ConnectionStatus::live(0));
    const QString d1 = QStringLiteral("d1");
    TelemetryData p;
    p.deviceId = d1;
    p.tsMs = QDateTime::currentMSecsSinceEpoch();
    p.fields.insert(QStringLiteral("gpu_temp_c"), 1);
    f.devices.applyStatus(DeviceStatusEvent{d1, DeviceStatusEvent::Status::Online, p.tsMs}, QStringLiteral("lab"));
    for (int i = 0; i < 10; ++i)
        window.noteEventReceived();
    f.series.addPoint(p);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->latencyText().endsWith(QStringLiteral(" ms")), kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->rateText() != QStringLiteral("0.0 events/s"), kUiTimeoutMs);
    const QString noLatency = QStringLiteral("Latency: –");

    // An outage: no latency is being measured, so none is shown, also after
    // the fields' next refresh.
    window.setConnectionStatus(ConnectionStatus::reconnecting(5000));
    QCOMPARE(window.statusFields()->latencyText(), noLatency);
    const QString age = window.statusFields()->ageText();
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->ageText() != age, kUiTimeoutMs);
    QCOMPARE(window.statusFields()->latencyText(), noLatency);

    // Live again: the measured latency is true again.
    window.setConnectionStatus(ConnectionStatus::live(0));
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->latencyText().endsWith(QStringLiteral(" ms")), kUiTimeoutMs);

    // Signed out: nothing of the old session's figures stays.
    window.setConnectionStatus(ConnectionStatus::disconnected(QStringLiteral("not signed in")));
    window.setServerInfo(server, QString());
    QCOMPARE(window.statusFields()->userText(), QStringLiteral("Not signed in"));
    QCOMPARE(window.statusFields()->rateText(), QStringLiteral("0.0 events/s"));
    QCOMPARE(window.statusFields()->ageText(), QStringLiteral("Last event: none"));
    QCOMPARE(window.statusFields()->latencyText(), noLatency);
    QCOMPARE(window.statistics().totalEvents(), qint64(0));
    QCOMPARE(window.statistics().latencyMs(), qint64(-1));
}

void tst_MainWindow::keyboardShortcuts()
{
    WorkspaceFixture f;
    f.fillSampleFleet(QDateTime::currentMSecsSinceEpoch());
    Window w(f);
    MainWindow &window = w.window;
    window.layoutsMenu()->show(parseLayout(kSixPanels));
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(f.time.windowMs(), 15 * 60'000);
    QVERIFY(f.time.isFollowing());
    QTest::keyClick(&window, Qt::Key_6, Qt::ControlModifier);
    QCOMPARE(f.time.windowMs(), 24 * 60 * 60'000);
    QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier);
    QVERIFY(f.time.isPaused());
    QVERIFY(window.timeControl()->pauseButton()->isChecked());
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    QVERIFY(f.time.isFollowing());
    QSignalSpy retry(&window, &MainWindow::retryRequested);
    QTest::keyClick(&window, Qt::Key_F5);
    QCOMPARE(retry.size(), 1);
}

void tst_MainWindow::historyProgress()
{
    WorkspaceFixture f;
    Window w(f);
    w.window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    QProgressBar *progress = w.window.findChild<QProgressBar *>();
    QVERIFY(progress);
    QVERIFY(!progress->isVisible());
    w.window.setHistoryLoading(3);
    QVERIFY(progress->isVisible());
    QCOMPARE(progress->format(), QStringLiteral("Loading history of 3 devices…"));
    w.window.setHistoryLoading(0);
    QVERIFY(!progress->isVisible());
}

void tst_MainWindow::theWorkspaceComesBackWithoutSecrets()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sightline.ini"));
    QByteArray shown;
    {
        WorkspaceFixture f;
        f.fillSampleFleet(QDateTime::currentMSecsSinceEpoch());
        Window w(f);
        w.window.setServerInfo(QStringLiteral("http://10.0.0.5:8080"), QStringLiteral("demo"));
        w.window.resize(1000, 700);
        w.window.layoutsMenu()->show(parseLayout(kSixPanels));
        w.window.workspace()->renamePanel(QStringLiteral("temps"), QStringLiteral("Hot parts")); // unsaved
        f.time.setLiveWindow(15 * 60'000);
        shown = w.window.workspace()->currentLayout().toJson();
        QSettings settings(path, QSettings::IniFormat);
        w.window.saveSettings(settings);
        settings.sync();
        for (const QString &key : settings.allKeys()) {
            QVERIFY2(!key.contains(QStringLiteral("token"), Qt::CaseInsensitive), qPrintable(key));
            QVERIFY2(!key.contains(QStringLiteral("password"), Qt::CaseInsensitive), qPrintable(key));
        }
    }
    WorkspaceFixture f;
    Window w(f);
    const QSettings settings(path, QSettings::IniFormat);
    w.window.restoreSettings(settings);
    QCOMPARE(w.window.serverUrl(), QStringLiteral("http://10.0.0.5:8080"));
    QCOMPARE(w.window.size(), QSize(1000, 700));
    QCOMPARE(w.window.workspace()->currentLayout().panels, WorkspaceLayout::fromJson(shown).value().panels);
    QCOMPARE(w.window.workspace()->panel(QStringLiteral("temps"))->shownTitle(), QStringLiteral("Hot parts"));
    QCOMPARE(f.time.windowMs(), 15 * 60'000);
    QCOMPARE(w.window.workspace()->layoutName(), QStringLiteral("Lab overview"));
    QVERIFY(w.window.workspace()->isModified()); // it was not saved, and still is not
}

void tst_MainWindow::usableInASmallWindow()
{
    // Issue 14: the window works down to 1024×640; a chart never shrinks to
    // a strip while other panels keep their room.
    WorkspaceFixture f;
    f.fillSampleFleet(QDateTime::currentMSecsSinceEpoch());
    Window w(f);
    MainWindow &window = w.window;
    QTemporaryDir dir;
    window.restoreSettings(QSettings(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat)); // the default layout
    window.resize(1024, 640);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE_WITH_TIMEOUT(window.size(), QSize(1024, 640), kUiTimeoutMs);
    LiveChartWidget *chart = firstChart(window);
    QTRY_VERIFY_WITH_TIMEOUT(chart->isVisible(), kUiTimeoutMs);
    QVERIFY2(chart->height() >= 300, qPrintable(QString::number(chart->height())));
    QVERIFY2(chart->width() >= 400, qPrintable(QString::number(chart->width())));
    QVERIFY2(chart->chart()->plotArea().height() >= 200, qPrintable(QString::number(chart->chart()->plotArea().height())));
    // The six-panel layout: every panel keeps a usable size.
    window.layoutsMenu()->show(parseLayout(kSixPanels));
    for (PanelDock *dock : window.workspace()->panels()) {
        QTRY_VERIFY_WITH_TIMEOUT(dock->isVisible(), kUiTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(dock->content()->height() >= 90 && dock->content()->width() >= 200,
                                  qPrintable(QStringLiteral("%1: %2x%3").arg(dock->panelId()).arg(dock->content()->width()).arg(dock->content()->height())),
                                  kUiTimeoutMs);
    }
    const QString out = qEnvironmentVariable("SIGHTLINE_SCREENSHOT_DIR");
    if (!out.isEmpty())
        QVERIFY(window.renderToImage().save(QDir(out).filePath(QStringLiteral("workspace-1024x640.png"))));
}

void tst_MainWindow::screenshotOfLayouts_data()
{
    QTest::addColumn<bool>("dark");
    QTest::addColumn<bool>("sixPanels");
    QTest::newRow("default layout, light") << false << false;
    QTest::newRow("default layout, dark") << true << false;
    QTest::newRow("six panels, light") << false << true;
    QTest::newRow("six panels, dark") << true << true;
}

void tst_MainWindow::screenshotOfLayouts()
{
    QFETCH(bool, dark);
    QFETCH(bool, sixPanels);
    applyTheme(dark ? ThemeChoice::Dark : ThemeChoice::Light);
    const auto restoreTheme = qScopeGuard([] { applyTheme(ThemeChoice::Light); });
    WorkspaceFixture f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    f.fillSampleFleet(now);
    addSampleAlerts(f, now);
    Window w(f);
    MainWindow &window = w.window;
    QTemporaryDir dir;
    window.restoreSettings(QSettings(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat));
    if (sixPanels)
        window.layoutsMenu()->show(parseLayout(kSixPanels));
    window.setServerInfo(QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo"));
    for (int i = 0; i < 25; ++i)
        window.noteEventReceived();
    window.setConnectionStatus(ConnectionStatus::live(0));
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    LiveChartWidget *chart = firstChart(window);
    // A frame has been drawn. (Not "and none is pending": a chart drawn from
    // buckets follows the live range with a frame every second, so its next
    // one is nearly always booked.)
    QTRY_VERIFY_WITH_TIMEOUT(chart->frameCount() > 0, kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->ageText() != QStringLiteral("Last event: none"), kUiTimeoutMs);
    const QImage image = window.renderToImage();
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    // The chart follows the theme: its background is the palette's base.
    QCOMPARE(chart->chart()->backgroundBrush().color(), QApplication::palette().color(QPalette::Base));
    QCOMPARE(isDarkPalette(QApplication::palette()), dark);
    const QString out = qEnvironmentVariable("SIGHTLINE_SCREENSHOT_DIR");
    if (!out.isEmpty()) {
        const QString name = QStringLiteral("%1%2.png").arg(sixPanels ? QStringLiteral("workspace-six-panels")
                                                                      : QStringLiteral("workspace-default"),
                                                            dark ? QStringLiteral("-dark") : QString());
        QVERIFY(image.save(QDir(out).filePath(name)));
    }
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
