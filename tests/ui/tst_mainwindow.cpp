#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/alertnotifier.h"
#include "ui/alerttableview.h"
#include "ui/connectionbanner.h"
#include "ui/chartview.h"
#include "ui/devicelistview.h"
#include "ui/livechartwidget.h"
#include "ui/mainwindow.h"
#include "ui/statusfields.h"

#include <QApplication>
#include <QChart>
#include <QDateTime>
#include <QScopeGuard>
#include <QDir>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace Sightline;

namespace {

constexpr int kUiTimeoutMs = 10000;

struct Fixture
{
    SeriesStore series;
    DeviceListModel devices;
    AlertTableModel alerts;
    LatestValuesModel latest;
    DashboardModels models() { return {&series, &devices, &alerts, &latest}; }
};

// A small, plausible fleet: three Jetsons in "lab" (one with a gap in its
// data), a camera in "yard" that is offline, five minutes at 2 Hz.
void fillSampleData(Fixture &f, qint64 now)
{
    auto info = [](const char *id, const char *site, bool online, qint64 seen) {
        DeviceInfo d;
        d.deviceId = QString::fromLatin1(id);
        d.siteId = QString::fromLatin1(site);
        d.status = online ? DeviceStatusEvent::Status::Online : DeviceStatusEvent::Status::Offline;
        d.lastSeenMs = seen;
        return d;
    };
    f.devices.setDevices({info("jetson-01", "lab", true, now), info("jetson-02", "lab", true, now),
                          info("jetson-03", "lab", true, now), info("cam-yard-1", "yard", false, now - 47 * 60000)});
    f.devices.setStreamLive(true);
    const int points = 5 * 60 * 2;
    for (int d = 0; d < 3; ++d) {
        const QString id = QStringLiteral("jetson-0%1").arg(d + 1);
        QList<TelemetryData> history;
        for (int i = 0; i < points; ++i) {
            if (d == 1 && i > 300 && i < 360)
                continue; // 30 s that could not be recovered
            TelemetryData p;
            p.deviceId = id;
            p.tsMs = now - (points - i) * 500;
            p.seq = i;
            const double t = i / 2.0;
            p.fields.insert(QStringLiteral("cpu_temp_c"), 46 + d * 4 + 3 * std::sin(t / (20.0 + d * 7)) + 0.6 * std::sin(t * 1.7 + d));
            p.fields.insert(QStringLiteral("gpu_temp_c"), 52 + d * 6 + 5 * std::sin(t / 35.0 + d));
            p.fields.insert(QStringLiteral("gpu_util_pct"), std::fmod(31 + d * 17 + t * (0.3 + d * 0.1), 90));
            p.fields.insert(QStringLiteral("power_mw"), 5100 + d * 700 + 400 * std::sin(t / 15.0));
            history.append(p);
        }
        f.series.mergeHistory(id, history);
        for (const TelemetryData &p : history.mid(history.size() - 1))
            f.latest.applyPoint(p);
        f.devices.notePoint(id, history.constLast().tsMs);
    }
    auto alert = [](const char *device, const char *rule, Severity severity, bool firing, qint64 ts, const char *message) {
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
    };
    f.alerts.applyAlert(alert("jetson-02", "power-high", Severity::Info, true, now - 200000, "Power draw above 6 W"));
    f.alerts.applyAlert(alert("jetson-01", "cpu-warm", Severity::Warning, true, now - 180000, "CPU temperature above 50 °C"));
    f.alerts.applyAlert(alert("jetson-01", "cpu-warm", Severity::Warning, false, now - 90000, "CPU temperature above 50 °C"));
    f.alerts.applyAlert(alert("jetson-03", "gpu-hot", Severity::Critical, true, now - 20000, "GPU temperature above 85 °C"));
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selectingDevicesChartsThem();
    void connectionStatusDrivesBannerAndDeviceStates();
    void criticalAlertNotifies();
    void statusBarFields();
    void latencyCountsLivePointsOnly();
    void statusFieldsShowNothingStale();
    void keyboardNavigation();
    void historyProgress();
    void settingsRoundTripWithoutSecrets();
    void screenshotWithSampleData_data();
    void screenshotWithSampleData();
};

void tst_MainWindow::selectingDevicesChartsThem()
{
    Fixture f;
    fillSampleData(f, QDateTime::currentMSecsSinceEpoch());
    MainWindow window(f.models());
    QSignalSpy selected(&window, &MainWindow::selectedDevicesChanged);
    // Check a device the way a user does: Enter on its row in the tree.
    DeviceListView *tree = window.deviceView();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    tree->setFocus();
    tree->setCurrentIndex(f.devices.indexOfDevice(QStringLiteral("jetson-02")));
    QTest::keyClick(tree, Qt::Key_Return);
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.at(0).at(0).toStringList(), QStringList{QStringLiteral("jetson-02")});
    QCOMPARE(window.chart()->devicePatterns(), QStringList{QStringLiteral("jetson-02")});
    QCOMPARE(f.latest.rowCount(), 4); // tiles follow the selection
    QTRY_VERIFY_WITH_TIMEOUT(window.chart()->frameCount() > 0 && !window.chart()->isFramePending(), kUiTimeoutMs);
}

void tst_MainWindow::connectionStatusDrivesBannerAndDeviceStates()
{
    Fixture f;
    fillSampleData(f, QDateTime::currentMSecsSinceEpoch());
    MainWindow window(f.models());
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
    Fixture f;
    MainWindow window(f.models());
    QSignalSpy notified(window.notifier(), &AlertNotifier::notified);
    AlertEvent a;
    a.deviceId = QStringLiteral("jetson-07");
    a.ruleId = QStringLiteral("gpu-hot");
    a.severity = Severity::Critical;
    a.field = QStringLiteral("gpu_temp_c");
    a.value = 91;
    a.message = QStringLiteral("GPU temperature above 85 °C");
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
    Fixture f;
    MainWindow window(f.models());
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
    // Latency is measured when the chart draws a newer point.
    TelemetryData p;
    p.deviceId = QStringLiteral("d1");
    p.tsMs = QDateTime::currentMSecsSinceEpoch();
    p.fields.insert(QStringLiteral("gpu_temp_c"), 1);
    f.devices.applyStatus(DeviceStatusEvent{QStringLiteral("d1"), DeviceStatusEvent::Status::Online, p.tsMs}, QStringLiteral("lab"));
    f.devices.setCheckedDevices({QStringLiteral("d1")});
    f.series.addPoint(p);
    QTRY_VERIFY_WITH_TIMEOUT(window.statistics().latencyMs() >= 0, kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->latencyText().endsWith(QStringLiteral(" ms")), kUiTimeoutMs);
}

void tst_MainWindow::latencyCountsLivePointsOnly()
{
    Fixture f;
    MainWindow window(f.models());
    window.show();
    const QString d1 = QStringLiteral("d1");
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    f.devices.applyStatus(DeviceStatusEvent{d1, DeviceStatusEvent::Status::Online, now}, QStringLiteral("lab"));
    f.devices.setCheckedDevices({d1});
    const auto pointAt = [&](qint64 tsMs) {
        TelemetryData p;
        p.deviceId = d1;
        p.tsMs = tsMs;
        p.fields.insert(QStringLiteral("gpu_temp_c"), 1);
        return p;
    };
    // History of the last minute drawn without a stream event: not a latency.
    const int framesBefore = window.chart()->frameCount();
    QCOMPARE(f.series.mergeHistory(d1, {pointAt(now - 60000), pointAt(now - 30000)}), 2);
    QTRY_VERIFY_WITH_TIMEOUT(window.chart()->frameCount() > framesBefore && !window.chart()->isFramePending(), kUiTimeoutMs);
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
    Fixture f;
    MainWindow window(f.models());
    window.show();
    const QString server = QStringLiteral("http://127.0.0.1:8080");
    window.setServerInfo(server, QStringLiteral("demo"));
    window.setConnectionStatus(ConnectionStatus::live(0));
    const QString d1 = QStringLiteral("d1");
    TelemetryData p;
    p.deviceId = d1;
    p.tsMs = QDateTime::currentMSecsSinceEpoch();
    p.fields.insert(QStringLiteral("gpu_temp_c"), 1); // the field the window charts
    f.devices.applyStatus(DeviceStatusEvent{d1, DeviceStatusEvent::Status::Online, p.tsMs}, QStringLiteral("lab"));
    f.devices.setCheckedDevices({d1});
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

void tst_MainWindow::keyboardNavigation()
{
    Fixture f;
    fillSampleData(f, QDateTime::currentMSecsSinceEpoch());
    MainWindow window(f.models());
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_1, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(window.deviceView()->hasFocus(), kUiTimeoutMs);
    QTest::keyClick(&window, Qt::Key_2, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(window.chart()->view()->hasFocus(), kUiTimeoutMs);
    QTest::keyClick(&window, Qt::Key_3, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(window.alertView()->table()->hasFocus(), kUiTimeoutMs);
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(window.workspaceTime()->windowMs(), 15 * 60000);
    QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier);
    QVERIFY(window.workspaceTime()->isPaused());
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    QVERIFY(!window.workspaceTime()->isPaused());
    QSignalSpy retry(&window, &MainWindow::retryRequested);
    QTest::keyClick(&window, Qt::Key_F5);
    QCOMPARE(retry.size(), 1);
}

void tst_MainWindow::historyProgress()
{
    Fixture f;
    MainWindow window(f.models());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QProgressBar *progress = window.findChild<QProgressBar *>();
    QVERIFY(progress);
    QVERIFY(!progress->isVisible());
    window.setHistoryLoading(3);
    QVERIFY(progress->isVisible());
    QCOMPARE(progress->format(), QStringLiteral("Loading history of 3 devices…"));
    window.setHistoryLoading(0);
    QVERIFY(!progress->isVisible());
}

void tst_MainWindow::settingsRoundTripWithoutSecrets()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sightline.ini"));
    {
        Fixture f;
        fillSampleData(f, QDateTime::currentMSecsSinceEpoch());
        MainWindow window(f.models());
        window.setServerInfo(QStringLiteral("http://10.0.0.5:8080"), QStringLiteral("demo"));
        window.resize(1000, 700);
        f.devices.setCheckedDevices({QStringLiteral("jetson-01"), QStringLiteral("jetson-03")});
        window.workspaceTime()->setLiveWindow(15 * 60000);
        window.chart()->setFieldPatterns({QStringLiteral("power_mw")});
        QSettings settings(path, QSettings::IniFormat);
        window.saveSettings(settings);
        settings.sync();
        for (const QString &key : settings.allKeys()) {
            QVERIFY2(!key.contains(QStringLiteral("token"), Qt::CaseInsensitive), qPrintable(key));
            QVERIFY2(!key.contains(QStringLiteral("password"), Qt::CaseInsensitive), qPrintable(key));
        }
    }
    // A fresh window with empty models: the devices come later, and are
    // checked then.
    Fixture f;
    MainWindow window(f.models());
    const QSettings settings(path, QSettings::IniFormat);
    window.restoreSettings(settings);
    QCOMPARE(window.serverUrl(), QStringLiteral("http://10.0.0.5:8080"));
    QCOMPARE(window.workspaceTime()->windowMs(), 15 * 60000);
    QCOMPARE(window.size(), QSize(1000, 700));
    QSignalSpy selected(&window, &MainWindow::selectedDevicesChanged);
    fillSampleData(f, QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(f.devices.checkedDevices(), (QStringList{QStringLiteral("jetson-01"), QStringLiteral("jetson-03")}));
    QVERIFY(!selected.isEmpty());
    QCOMPARE(window.chart()->fieldPatterns(), QStringList{QStringLiteral("power_mw")});

    // The default field is not saved: the next start picks its default again.
    Fixture other;
    fillSampleData(other, QDateTime::currentMSecsSinceEpoch());
    MainWindow fresh(other.models());
    other.devices.setCheckedDevices({QStringLiteral("jetson-01")});
    QCOMPARE(fresh.chart()->fieldPatterns(), QStringList{QStringLiteral("gpu_temp_c")});
    QSettings again(dir.filePath(QStringLiteral("again.ini")), QSettings::IniFormat);
    fresh.saveSettings(again);
    QVERIFY(again.contains(QStringLiteral("chart/windowMinutes")));
    QVERIFY(!again.contains(QStringLiteral("chart/field")));
}

void tst_MainWindow::screenshotWithSampleData_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light palette") << false;
    QTest::newRow("dark palette") << true;
}

void tst_MainWindow::screenshotWithSampleData()
{
    QFETCH(bool, dark);
    const QPalette original = QApplication::palette();
    if (dark) {
        // What a desktop's dark theme hands the application.
        QPalette p;
        p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        p.setColor(QPalette::AlternateBase, QColor(0x2f, 0x2f, 0x2f));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        p.setColor(QPalette::Mid, QColor(0x50, 0x50, 0x50));
        p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x35, 0x35));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        QApplication::setPalette(p);
    }
    const auto restorePalette = qScopeGuard([&original] { QApplication::setPalette(original); });
    Fixture f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    fillSampleData(f, now);
    MainWindow window(f.models());
    window.setServerInfo(QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo"));
    f.devices.setCheckedDevices({QStringLiteral("jetson-01"), QStringLiteral("jetson-02"), QStringLiteral("jetson-03")});
    window.chart()->setFieldPatterns({QStringLiteral("cpu_temp_c")});
    for (int i = 0; i < 25; ++i)
        window.noteEventReceived();
    window.setConnectionStatus(ConnectionStatus::live(0));
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.chart()->frameCount() > 0 && !window.chart()->isFramePending(), kUiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusFields()->ageText() != QStringLiteral("Last event: none"), kUiTimeoutMs);
    const QImage image = window.renderToImage();
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    // The chart follows the palette: its background is the palette's base.
    QCOMPARE(window.chart()->chart()->backgroundBrush().color(), QApplication::palette().color(QPalette::Base));
    // A point just above the plot area, between the legend and the lines.
    ChartView *view = window.chart()->view();
    const QRectF plot = window.chart()->chart()->plotArea();
    const QPoint inView = view->mapFromScene(window.chart()->chart()->mapToScene(plot.topLeft() + QPointF(20, -12)));
    const QPoint inChart = view->viewport()->mapTo(&window, inView);
    QCOMPARE(image.pixelColor(inChart * window.devicePixelRatio()), QApplication::palette().color(QPalette::Base));
    const QString dir = qEnvironmentVariable("SIGHTLINE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(image.save(QDir(dir).filePath(dark ? QStringLiteral("mainwindow-dark.png") : QStringLiteral("mainwindow.png"))));
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
