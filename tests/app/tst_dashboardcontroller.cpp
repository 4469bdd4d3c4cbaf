// DashboardController (issue 6): the desktop app's wiring against a real
// sightline-server process on 127.0.0.1 (tests/support ServerProcess: real
// SQLite store, real tokens, the real stream endpoint, real restarts on the
// same data dir and port). The dashboard is the one the app builds: the
// real models, MainWindow and LoginDialog, offscreen.
//
// The server runs as a process rather than in-process (TestServer): stopping
// and restarting it on the same port is what a user's network sees.
#include "dashboardcontroller.h"
#include "eventrouter.h"
#include "historyloader.h"

#include "auth/session.h"
#include "auth/tokenstore.h"
#include "stream/streamclient.h"
#include "telemetry/layoutlibrary.h"
#include "ui/connectionbanner.h"
#include "ui/layoutsmenu.h"
#include "ui/livechartwidget.h"
#include "ui/logindialog.h"
#include "ui/mainwindow.h"
#include "ui/paneldock.h"
#include "ui/statusfields.h"
#include "ui/workspace.h"

#include "support/httpclient.h"
#include "support/serverprocess.h"
#include "support/tempdir.h"
#include "support/workspacefixture.h"

#include <QCheckBox>
#include <QFile>
#include <QChart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QXYSeries>

#include <limits>
#include <memory>

using namespace Sightline;
using Sightline::Test::HttpClient;
using Sightline::Test::ServerProcess;
using Sightline::Test::TempDir;

namespace {

constexpr int kTimeoutMs = 30000; // generous: a loaded 2-core CI machine
const QString kAccount = QStringLiteral("acme");
const QString kSite = QStringLiteral("north");
const QString kField = QStringLiteral("gpu_temp_c");
const QByteArray kPassword = "secret";
constexpr double kAlertThreshold = 1000; // of kField; post() stays far below

// A layout of one chart: kField of these devices, a live window of
// `minutes`.
WorkspaceLayout chartLayout(const QStringList &devices, int minutes = 5)
{
    WorkspaceLayout layout;
    layout.name = QStringLiteral("test");
    layout.time.windowMinutes = minutes;
    PanelSpec chart;
    chart.id = QStringLiteral("chart");
    chart.type = PanelType::Chart;
    chart.devices = devices;
    chart.fields = QStringList{kField};
    layout.panels.append(chart);
    return layout;
}

// The app's dashboard: stores, window and controller, as main.cpp builds
// them, showing one chart of kField for `chartedDevices`.
struct Dashboard
{
    explicit Dashboard(const DashboardOptions &options, const QStringList &chartedDevices = {})
        : library(layoutsDir.path())
        , window(stores.models(), &library)
        , controller(&window, stores.models(), options)
    {
        window.layoutsMenu()->show(chartLayout(chartedDevices));
        window.resize(1280, 800);
        window.show();
    }

    LiveChartWidget *chart() const
    {
        return qobject_cast<LiveChartWidget *>(window.workspace()->panel(QStringLiteral("chart"))->content());
    }
    // The chart's devices, as the panel's Configure dialog sets them.
    void chartDevices(const QStringList &deviceIds)
    {
        window.workspace()->configurePanel(QStringLiteral("chart"), deviceIds, QStringList{kField});
    }

    ConnectionStatus::State bannerState() const { return window.banner()->status().state; }
    bool isLive() const
    {
        return controller.stream()->state() == StreamClient::State::Live
            && bannerState() == ConnectionStatus::State::Live;
    }
    // Every sample of one field, oldest first.
    QList<Sample> samples(const QString &deviceId) const
    {
        return series.samples(deviceId, kField, 0, std::numeric_limits<qint64>::max());
    }
    int chartPointCount() const
    {
        int count = 0;
        for (QAbstractSeries *s : chart()->chart()->series())
            if (auto *xy = qobject_cast<QXYSeries *>(s))
                count += xy->count();
        return count;
    }
    QString storedRefreshToken()
    {
        QString result;
        bool done = false;
        controller.keychainStore()->load(TokenStore::keyFor(controller.server(), controller.username()),
                                         [&](const QString &secret) {
                                             result = secret;
                                             done = true;
                                         });
        if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs))
            return QStringLiteral("<timed out>");
        return result;
    }

    WorkspaceFixture stores;
    SeriesStore &series = stores.series;
    DeviceListModel &devices = stores.devices;
    AlertTableModel &alerts = stores.alerts;
    LatestValuesModel &latest = stores.latest;
    WorkspaceTime &time = stores.time;
    QTemporaryDir layoutsDir;
    LayoutLibrary library;
    MainWindow window;
    DashboardController controller;
};

// Types a password into the sign-in dialog and presses "Sign in".
bool submitSignIn(LoginDialog *dialog, const QString &password, bool rememberMe = false)
{
    if (!dialog || !dialog->isVisible())
        return false;
    for (QLineEdit *edit : dialog->findChildren<QLineEdit *>())
        if (edit->echoMode() == QLineEdit::Password)
            edit->setText(password);
    dialog->findChild<QCheckBox *>()->setChecked(rememberMe);
    if (!dialog->signInButton()->isEnabled())
        return false;
    dialog->signInButton()->click();
    return true;
}

// A sightline-server process on its own data dir, provisioned through the
// admin subcommands, configured through a config file.
class RealServer
{
public:
    explicit RealServer(const QJsonObject &config)
    {
        QFile file(m_dir.filePath(QStringLiteral("config.json")));
        if (file.open(QIODevice::WriteOnly))
            file.write(QJsonDocument(config).toJson());
    }

    bool addUser(const QString &username, const QByteArray &password)
    {
        const auto r = ServerProcess::run({QStringLiteral("add-user"), QStringLiteral("--data-dir"), m_dir.path(),
                                           QStringLiteral("--account"), kAccount, QStringLiteral("--username"), username},
                                          password + '\n');
        if (r.exitCode != 0)
            m_error = QString::fromUtf8(r.err);
        return r.exitCode == 0;
    }
    // Provisions deviceId and keeps its key; false on failure.
    bool addDevice(const QString &deviceId)
    {
        const auto r = ServerProcess::run({QStringLiteral("add-device"), QStringLiteral("--data-dir"), m_dir.path(),
                                           QStringLiteral("--account"), kAccount, QStringLiteral("--site"), kSite,
                                           QStringLiteral("--device"), deviceId});
        if (r.exitCode != 0) {
            m_error = QString::fromUtf8(r.err);
            return false;
        }
        m_keys.insert(deviceId, r.out.trimmed());
        return true;
    }
    QByteArray keyOf(const QString &deviceId) const { return m_keys.value(deviceId); }

    // Starts serving; again after stop() on the same data dir and port.
    bool start()
    {
        const QString listen = QStringLiteral("127.0.0.1:%1").arg(m_port);
        m_process = std::make_unique<ServerProcess>();
        if (!m_process->start({QStringLiteral("serve"), QStringLiteral("--data-dir"), m_dir.path(),
                               QStringLiteral("--listen"), listen, QStringLiteral("--config"),
                               m_dir.filePath(QStringLiteral("config.json"))})) {
            m_error = m_process->errorString();
            return false;
        }
        m_port = quint16(m_process->url().port());
        return true;
    }
    // SIGTERM: the graceful shutdown; true when it exited 0.
    bool stop()
    {
        const int code = m_process ? m_process->terminate() : 0;
        m_process.reset();
        return code == 0;
    }

    QUrl url(const QString &path = {}) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }

private:
    TempDir m_dir;
    std::unique_ptr<ServerProcess> m_process;
    QHash<QString, QByteArray> m_keys;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace

class tst_DashboardController : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void signInErrorsAreShownInWords_data();
    void signInErrorsAreShownInWords();
    void eventsReachChartsAndTiles();
    void historyMergesWithLiveWithoutGapOrDuplicate();
    void truncatedHistoryIsPagedBack();
    void lookingBackLoadsHistoryAndLiveForgetsIt();
    void aLongerWindowDrawsEveryPointTheServerHas();
    void chartingADeviceAgainDrawsAllOfIt();
    void aDayIsDrawnFromBuckets();
    void serverRestartLosesNothing();
    void revokedSessionExpiresAndSigningInAgainResumes();
    void signOutForgetsTheRememberedSignIn();
    void firingAlertsShowAtSignIn();

private:
    DashboardOptions optionsFor(const QUrl &server, const QString &username, const QString &password) const;
    // A device provisioned now, so each test sees only its own points.
    QString newDevice(RealServer &server);
    // Posts points of deviceId with device times base + i s for i in
    // [first, last) and seq i + 1; value = i. Returns what was posted.
    // Posts points first..last-1 of kField = index at baseMs + index * stepMs.
    QList<TelemetryData> post(RealServer &server, const QString &deviceId, qint64 baseMs, int first, int last,
                              qint64 stepMs = 1000);
    // Posts one point of kField = value at tsMs; false if refused.
    bool postValue(RealServer &server, const QString &deviceId, qint64 tsMs, qint64 seq, double value);
    // The alerts the server lists for deviceId (GET /api/v1/alerts as alice).
    QJsonArray serverAlertsOf(RealServer &server, const QString &deviceId);
    static void compareSamples(const QList<Sample> &samples, const QList<TelemetryData> &posted);

    std::unique_ptr<RealServer> m_server;
    int m_deviceCount = 0;
};

void tst_DashboardController::initTestCase()
{
    qunsetenv("SIGHTLINE_PASSWORD");
    // The sign-in dialog keeps "remember me" in QSettings: a test folder.
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    // The rule fires only for the values firingAlertsShowAtSignIn posts.
    const QJsonObject rule{{QStringLiteral("id"), QStringLiteral("melting")},
                           {QStringLiteral("field"), kField},
                           {QStringLiteral("op"), QStringLiteral(">")},
                           {QStringLiteral("value"), kAlertThreshold},
                           {QStringLiteral("severity"), QStringLiteral("critical")},
                           {QStringLiteral("device"), QStringLiteral("*")},
                           {QStringLiteral("holdSeconds"), 0},
                           {QStringLiteral("message"), QStringLiteral("GPU melting")}};
    // maxSkewSeconds: lookingBackLoadsHistoryAndLiveForgetsIt posts points of half an hour ago.
    m_server = std::make_unique<RealServer>(QJsonObject{{QStringLiteral("heartbeatSeconds"), 1},
                                                        {QStringLiteral("maxSkewSeconds"), 3600},
                                                        {QStringLiteral("loginMaxFailuresPerUser"), 2},
                                                        {QStringLiteral("alertRules"), QJsonArray{rule}}});
    QVERIFY2(m_server->addUser(QStringLiteral("alice"), kPassword), qPrintable(m_server->errorString()));
    QVERIFY2(m_server->addUser(QStringLiteral("bob"), "right"), qPrintable(m_server->errorString()));
    QVERIFY2(m_server->addUser(QStringLiteral("carol"), "right"), qPrintable(m_server->errorString()));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

DashboardOptions tst_DashboardController::optionsFor(const QUrl &server, const QString &username,
                                                     const QString &password) const
{
    DashboardOptions options;
    options.server = server;
    options.username = username;
    options.password = password;
    options.keychainBackend = TokenStore::Backend::MemoryOnly; // never the developer's keychain
    return options;
}

QString tst_DashboardController::newDevice(RealServer &server)
{
    const QString id = QStringLiteral("dev-%1").arg(++m_deviceCount);
    if (!server.addDevice(id))
        qWarning("cannot add device %s: %s", qPrintable(id), qPrintable(server.errorString()));
    return id;
}

QList<TelemetryData> tst_DashboardController::post(RealServer &server, const QString &deviceId, qint64 baseMs,
                                                    int first, int last, qint64 stepMs)
{
    QList<TelemetryData> points;
    QJsonArray body;
    for (int i = first; i < last; ++i) {
        TelemetryData point;
        point.deviceId = deviceId;
        point.tsMs = baseMs + qint64(i) * stepMs;
        point.seq = i + 1;
        point.fields.insert(kField, double(i));
        points.append(point);
        body.append(point.toJson());
    }
    HttpClient http;
    const auto response = http.post(server.url(QStringLiteral("/api/v1/telemetry")),
                                    QJsonDocument(body).toJson(QJsonDocument::Compact),
                                    {{"x-api-key", server.keyOf(deviceId)}});
    if (response.status != 202) {
        qWarning("posting to %s answered %d: %s", qPrintable(deviceId), response.status, response.body.constData());
        return {};
    }
    return points;
}

void tst_DashboardController::compareSamples(const QList<Sample> &samples, const QList<TelemetryData> &posted)
{
    QCOMPARE(samples.size(), posted.size());
    for (int i = 0; i < samples.size(); ++i) {
        QCOMPARE(samples.at(i).tMs, posted.at(i).tsMs);
        QCOMPARE(samples.at(i).value, posted.at(i).fields.value(kField));
    }
}

void tst_DashboardController::signInErrorsAreShownInWords_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<bool>("unreachable");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<QString>("expected");

    QTest::newRow("wrong password") << "bob" << false << 1 << "The username or password is wrong.";
    QTest::newRow("server unreachable") << "alice" << true << 1 << "Cannot reach the server at";
    // loginMaxFailuresPerUser is 2 on this server: the third try is throttled.
    QTest::newRow("too many attempts with the wait") << "carol" << false << 3
                                                     << "Too many failed sign-ins. Try again in 15 minutes.";
}

void tst_DashboardController::signInErrorsAreShownInWords()
{
    QFETCH(QString, username);
    QFETCH(bool, unreachable);
    QFETCH(int, attempts);
    QFETCH(QString, expected);

    QUrl server = m_server->url();
    if (unreachable) {
        QTcpServer closed; // a port nobody listens on any more
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        server = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort()));
    }
    // The first try is the silent sign-in of --server/--user with
    // SIGHTLINE_PASSWORD; it fails, so the dialog opens with the error.
    Dashboard dashboard(optionsFor(server, username, QStringLiteral("wrong")));
    QSignalSpy failures(&dashboard.controller, &DashboardController::signInFailed);
    dashboard.controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(failures.size(), 1, kTimeoutMs);
    for (int attempt = 1; attempt < attempts; ++attempt) {
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.controller.loginDialog() && !dashboard.controller.loginDialog()->isBusy(),
                                 kTimeoutMs);
        QVERIFY(submitSignIn(dashboard.controller.loginDialog(), QStringLiteral("still wrong")));
        QTRY_COMPARE_WITH_TIMEOUT(failures.size(), attempt + 1, kTimeoutMs);
    }
    LoginDialog *dialog = dashboard.controller.loginDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->errorText().contains(expected), qPrintable(dialog->errorText()));
    QCOMPARE(dialog->request().username, username);
    QCOMPARE(dialog->request().serverUrl, server);
    if (attempts > 1) // locked out: the button waits for the time to pass
        QVERIFY(!dialog->signInButton()->isEnabled());
    QCOMPARE(dashboard.bannerState(), ConnectionStatus::State::Disconnected);
    QCOMPARE(dashboard.controller.stream()->state(), StreamClient::State::Idle);
}

void tst_DashboardController::eventsReachChartsAndTiles()
{
    const QString device = newDevice(*m_server);
    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QVERIFY(dashboard.controller.loginDialog() == nullptr); // signed in without the dialog
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.devices.contains(device), kTimeoutMs);

    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 30000;
    const QList<TelemetryData> posted = post(*m_server, device, base, 0, 20);
    QCOMPARE(posted.size(), 20);

    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 20, kTimeoutMs);
    compareSamples(dashboard.samples(device), posted);
    // Tiles: the latest value of the field.
    const int row = dashboard.latest.rowOf(device, kField);
    QVERIFY(row >= 0);
    QCOMPARE(dashboard.latest.index(row).data(LatestValuesModel::ValueRole).toDouble(), 19.0);
    // The chart draws them on its next frames.
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.chartPointCount(), 20, kTimeoutMs);
    QCOMPARE(dashboard.chart()->shownSeries(), (QList<ChartSeriesKey>{{device, kField}}));
    // Banner and status bar.
    QVERIFY2(dashboard.window.banner()->text().startsWith(QStringLiteral("Live")),
             qPrintable(dashboard.window.banner()->text()));
    QCOMPARE(dashboard.window.statusFields()->serverText(), m_server->url().toString());
    QVERIFY2(dashboard.window.statusFields()->userText().contains(QStringLiteral("alice")),
             qPrintable(dashboard.window.statusFields()->userText()));
    QCOMPARE(dashboard.controller.eventRouter()->rejectedCount(), 0);
}

void tst_DashboardController::historyMergesWithLiveWithoutGapOrDuplicate()
{
    const QString charted = newDevice(*m_server);
    const QString later = newDevice(*m_server);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 90000;
    // Stored before the dashboard starts: only history can bring these.
    QList<TelemetryData> chartedPosted = post(*m_server, charted, base, 0, 20);
    QList<TelemetryData> laterPosted = post(*m_server, later, base, 0, 20);
    QCOMPARE(chartedPosted.size() + laterPosted.size(), 40);

    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {charted});
    auto *progress = dashboard.window.findChild<QProgressBar *>();
    QVERIFY(progress);
    QList<bool> progressShown;
    connect(dashboard.controller.historyLoader(), &HistoryLoader::pendingCountChanged, this,
            [&](int pending) { progressShown.append(pending > 0 && progress->isVisible()); });
    QSignalSpy merged(&dashboard.controller, &DashboardController::historyMerged);
    dashboard.controller.start();

    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(merged.size(), 1, kTimeoutMs); // may have come while waiting for live
    QCOMPARE(merged.at(0).at(0).toString(), charted);
    QCOMPARE(merged.at(0).at(1).toInt(), 20);
    QVERIFY(!progressShown.isEmpty());
    QVERIFY(progressShown.first()); // visible while loading
    QTRY_VERIFY_WITH_TIMEOUT(!progress->isVisible(), kTimeoutMs);

    // Live points of both devices (the stream carries every device).
    chartedPosted += post(*m_server, charted, base, 20, 30);
    laterPosted += post(*m_server, later, base, 20, 30);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(charted), 30, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(later), 10, kTimeoutMs);

    // Charting the second device loads its history, which overlaps the ten
    // live points: they must not be stored twice.
    dashboard.chartDevices({charted, later});
    QTRY_COMPARE_WITH_TIMEOUT(merged.size(), 2, kTimeoutMs);
    QCOMPARE(merged.at(1).at(0).toString(), later);
    QCOMPARE(merged.at(1).at(1).toInt(), 20);
    QCOMPARE(dashboard.series.pointCount(later), 30);
    compareSamples(dashboard.samples(charted), chartedPosted);
    compareSamples(dashboard.samples(later), laterPosted);
    // One point a second throughout: no gap between history and live.
    const qint64 end = base + 30 * 1000;
    QCOMPARE(dashboard.series.gaps(charted, base, end), QList<Gap>());
    QCOMPARE(dashboard.series.gaps(later, base, end), QList<Gap>());
}

void tst_DashboardController::truncatedHistoryIsPagedBack()
{
    const QString device = newDevice(*m_server);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 60000;
    const QList<TelemetryData> posted = post(*m_server, device, base, 0, 23);
    QCOMPARE(posted.size(), 23);

    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    // Pages of the 5 newest points: the server says "truncated" five times.
    dashboard.controller.historyLoader()->setLimit(5);
    QSignalSpy pages(dashboard.controller.historyLoader(), &HistoryLoader::loaded);
    QSignalSpy pending(dashboard.controller.historyLoader(), &HistoryLoader::pendingCountChanged);
    dashboard.controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 23, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(pending.size(), 2, kTimeoutMs); // loading, then done: one load for all pages
    QCOMPARE(pending.at(1).at(0).toInt(), 0);
    QCOMPARE(pages.size(), 6); // 18-22, 14-18, 10-14, 6-10, 2-6, 0-2 (each older page repeats the oldest point)
    QVERIFY(pages.at(0).at(1).value<HistoryPage>().truncated);
    QVERIFY(!pages.at(5).at(1).value<HistoryPage>().truncated);
    compareSamples(dashboard.samples(device), posted);
    QCOMPARE(dashboard.series.gaps(device, base, base + 23 * 1000), QList<Gap>());
}

void tst_DashboardController::lookingBackLoadsHistoryAndLiveForgetsIt()
{
    const QString device = newDevice(*m_server);
    // One point every 30 s over the last half hour: 61 points, the newest now.
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 30 * 60000;
    const QList<TelemetryData> posted = post(*m_server, device, base, 0, 61, 30000);
    QCOMPARE(posted.size(), 61);
    const qint64 newest = posted.constLast().tsMs;

    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    WorkspaceTime *time = &dashboard.time;
    QCOMPARE(time->windowMs(), 5 * 60000);
    QSignalSpy merged(&dashboard.controller, &DashboardController::historyMerged);
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(merged.size(), 1, kTimeoutMs);
    // Live, the dashboard holds the window (5 minutes and a tenth), not the half hour.
    const auto holdsTheWindowOnly = [&] {
        return dashboard.series.oldestMs(device) >= newest - 330000 && dashboard.series.pointCount(device) >= 9
            && dashboard.series.pointCount(device) <= 12;
    };
    QVERIFY2(holdsTheWindowOnly(), qPrintable(QString::number(dashboard.series.pointCount(device))));

    // Panning back half an hour loads what the chart then shows.
    const qint64 from = base - 60000;
    time->setAbsoluteRange(from, from + 10 * 60000);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 61, kTimeoutMs);
    compareSamples(dashboard.samples(device), posted);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.chartPointCount() >= 20, kTimeoutMs); // 10 minutes of it on screen

    // Back to live: the store forgets the past again...
    time->backToLive();
    QVERIFY2(holdsTheWindowOnly(), qPrintable(QString::number(dashboard.series.pointCount(device))));
    // ...and loads it again when the user looks back once more.
    const int mergesBefore = int(merged.size());
    time->setAbsoluteRange(from, from + 10 * 60000);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 61, kTimeoutMs);
    QVERIFY(merged.size() > mergesBefore);
    compareSamples(dashboard.samples(device), posted);
}

void tst_DashboardController::aLongerWindowDrawsEveryPointTheServerHas()
{
    // Issue 14: after switching 1 → 5 minutes a false "no data" band showed
    // where the server had the points (a relaunch drew them).
    const QString device = newDevice(*m_server);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 290 * 1000;
    QList<TelemetryData> posted = post(*m_server, device, base, 0, 290);
    QCOMPARE(posted.size(), 290);
    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    dashboard.time.setLiveWindow(60'000);
    QSignalSpy merged(&dashboard.controller, &DashboardController::historyMerged);
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!merged.isEmpty(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.chartPointCount() >= 55, kTimeoutMs); // the last minute
    QVERIFY2(dashboard.series.pointCount(device) <= 70, qPrintable(QString::number(dashboard.series.pointCount(device))));

    dashboard.time.setLiveWindow(5 * 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 290, kTimeoutMs);
    compareSamples(dashboard.samples(device), posted);
    QCOMPARE(dashboard.series.gaps(device, base, base + 290 * 1000), QList<Gap>());
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.chartPointCount(), 290, kTimeoutMs);
    QVERIFY(!dashboard.chart()->isDrawingBuckets());
    QCOMPARE(dashboard.chart()->view()->gaps(), QList<GapBand>()); // no band where the points are
}

void tst_DashboardController::chartingADeviceAgainDrawsAllOfIt()
{
    // Issue 14: re-ticking a device showed a false "no data" band.
    const QString device = newDevice(*m_server);
    const QString other = newDevice(*m_server);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 120 * 1000;
    QList<TelemetryData> posted = post(*m_server, device, base, 0, 60);
    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 60, kTimeoutMs);

    dashboard.chartDevices({other});
    posted += post(*m_server, device, base, 60, 120); // arrive live while the device is not charted
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 120, kTimeoutMs);
    dashboard.chartDevices({device});
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.chartPointCount(), 120, kTimeoutMs);
    compareSamples(dashboard.samples(device), posted);
    QCOMPARE(dashboard.chart()->view()->gaps(), QList<GapBand>());
}

void tst_DashboardController::aDayIsDrawnFromBuckets()
{
    // A range far longer than the chart has pixels is drawn from buckets of
    // the history endpoint (API.md "History for long ranges").
    const QString device = newDevice(*m_server);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 50 * 60000;
    QCOMPARE(post(*m_server, device, base, 0, 100, 30000).size(), 100);
    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    dashboard.time.setLiveWindow(24 * 60 * 60'000);
    QSignalSpy buckets(dashboard.controller.historyLoader(), &HistoryLoader::bucketsLoaded);
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!buckets.isEmpty(), kTimeoutMs);
    QCOMPARE(buckets.first().at(0).toString(), device);
    const HistoryBucketPage page = buckets.first().at(1).value<HistoryBucketPage>();
    QVERIFY2(page.stepMs >= 60'000, qPrintable(QString::number(page.stepMs))); // a day over ~1000 px: minutes
    int counted = 0;
    for (const HistoryBucket &bucket : page.buckets)
        counted += bucket.count;
    QCOMPARE(counted, 100); // every point, once
    for (const HistoryBucket &bucket : page.buckets)
        QCOMPARE(bucket.mean.keys(), QList<QString>{kField}); // only the field the chart draws
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.stores.buckets.bucketCount(device) > 0, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.chart()->isDrawingBuckets() && dashboard.chartPointCount() > 0, kTimeoutMs);
    // The chart draws another field too: the same day again, with both.
    const int loadsBefore = int(buckets.size());
    dashboard.window.workspace()->configurePanel(QStringLiteral("chart"), QStringList{device},
                                                 QStringList{kField, QStringLiteral("cpu_temp_c")});
    QTRY_VERIFY_WITH_TIMEOUT(buckets.size() > loadsBefore, kTimeoutMs);
    // A live point folds into the newest bucket.
    const int before = dashboard.stores.buckets.buckets(device, 0, std::numeric_limits<qint64>::max()).constLast().count;
    QVERIFY(postValue(*m_server, device, QDateTime::currentMSecsSinceEpoch(), 1000, 1.0));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.stores.buckets.buckets(device, 0, std::numeric_limits<qint64>::max()).constLast().count
                                     > before
                                 || dashboard.stores.buckets.newestMs(device) > page.buckets.constLast().tsMs,
                             kTimeoutMs);
}

void tst_DashboardController::serverRestartLosesNothing()
{
    const QString device = newDevice(*m_server);
    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);

    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 30000;
    QList<TelemetryData> posted = post(*m_server, device, base, 0, 5);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 5, kTimeoutMs);

    const quint16 port = m_server->port();
    QVERIFY(m_server->stop());
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.bannerState(), ConnectionStatus::State::Reconnecting, kTimeoutMs);
    QVERIFY2(dashboard.window.banner()->text().startsWith(QStringLiteral("Reconnecting")),
             qPrintable(dashboard.window.banner()->text()));
    QVERIFY(dashboard.window.banner()->retryButton()->isVisible());

    // Back on the same data dir and port; points posted before the
    // dashboard is back come with the resume (Last-Event-ID).
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QCOMPARE(m_server->port(), port);
    posted += post(*m_server, device, base, 5, 10);
    QCOMPARE(posted.size(), 10);
    if (dashboard.bannerState() == ConnectionStatus::State::Reconnecting)
        dashboard.window.banner()->retryButton()->click(); // "Retry now": at once, not in 10 s
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    posted += post(*m_server, device, base, 10, 15);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 15, kTimeoutMs);
    compareSamples(dashboard.samples(device), posted);
}

void tst_DashboardController::revokedSessionExpiresAndSigningInAgainResumes()
{
    // Its own server: access tokens of 3 s, so the session refreshes every
    // 2.4 s and the stream meets its token's expiry within seconds.
    RealServer server(QJsonObject{{QStringLiteral("heartbeatSeconds"), 1},
                                  {QStringLiteral("accessTokenTtlSeconds"), 3}});
    QVERIFY2(server.addUser(QStringLiteral("alice"), kPassword), qPrintable(server.errorString()));
    const QString device = newDevice(server);
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    Dashboard dashboard(optionsFor(server.url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {device});
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 30000;
    QList<TelemetryData> posted = post(server, device, base, 0, 5);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 5, kTimeoutMs);

    // Another client signs this session out (POST /logout with its access
    // token): the refresh family is revoked.
    HttpClient http;
    const auto logout = http.post(server.url(QStringLiteral("/api/v1/auth/logout")), QByteArray(),
                                  {{"Authorization", "Bearer " + dashboard.controller.session()->accessToken().toUtf8()}});
    QCOMPARE(logout.status, 204);

    QTRY_COMPARE_WITH_TIMEOUT(dashboard.bannerState(), ConnectionStatus::State::SessionExpired, kTimeoutMs);
    QCOMPARE(dashboard.controller.session()->state(), Session::State::Expired);
    QVERIFY(dashboard.window.banner()->signInButton()->isVisible());
    // The stream ends at its token's expiry and waits for the user.
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.controller.stream()->state(), StreamClient::State::AuthExpired, kTimeoutMs);
    const QString resumeFrom = dashboard.controller.stream()->lastEventId();
    QVERIFY(!resumeFrom.isEmpty());
    posted += post(server, device, base, 5, 10); // missed while signed out
    QCOMPARE(dashboard.bannerState(), ConnectionStatus::State::SessionExpired);

    dashboard.window.banner()->signInButton()->click();
    LoginDialog *dialog = dashboard.controller.loginDialog();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->request().username, QStringLiteral("alice"));
    QCOMPARE(dialog->request().serverUrl, server.url());
    QVERIFY(submitSignIn(dialog, QString::fromLatin1(kPassword)));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QVERIFY(!dialog->isVisible());
    posted += post(server, device, base, 10, 15);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 15, kTimeoutMs);
    compareSamples(dashboard.samples(device), posted);
}

void tst_DashboardController::signOutForgetsTheRememberedSignIn()
{
    const QString device = newDevice(*m_server);
    // No password: the stored sign-in is tried, there is none, so the
    // dialog opens filled in and without an error.
    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString()), {device});
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.controller.loginDialog() && dashboard.controller.loginDialog()->isVisible(),
                             kTimeoutMs);
    LoginDialog *dialog = dashboard.controller.loginDialog();
    QCOMPARE(dialog->errorText(), QString());
    QCOMPARE(dialog->request().username, QStringLiteral("alice"));
    QVERIFY(submitSignIn(dialog, QString::fromLatin1(kPassword), true));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QVERIFY(!dashboard.storedRefreshToken().isEmpty()); // remember me: kept in the keychain store

    post(*m_server, device, QDateTime::currentMSecsSinceEpoch() - 10000, 0, 3);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.series.pointCount(device), 3, kTimeoutMs);

    dashboard.controller.signOut();
    QCOMPARE(dashboard.bannerState(), ConnectionStatus::State::Disconnected);
    QCOMPARE(dashboard.controller.stream()->state(), StreamClient::State::Idle);
    QCOMPARE(dashboard.series.pointCount(device), 0); // nothing of the old session stays on screen
    QVERIFY(dialog->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.storedRefreshToken(), QString(), kTimeoutMs);
}

bool tst_DashboardController::postValue(RealServer &server, const QString &deviceId, qint64 tsMs, qint64 seq,
                                        double value)
{
    TelemetryData point;
    point.deviceId = deviceId;
    point.tsMs = tsMs;
    point.seq = seq;
    point.fields.insert(kField, value);
    HttpClient http;
    const auto response = http.post(server.url(QStringLiteral("/api/v1/telemetry")),
                                    QJsonDocument(QJsonArray{point.toJson()}).toJson(QJsonDocument::Compact),
                                    {{"x-api-key", server.keyOf(deviceId)}});
    return response.status == 202;
}

QJsonArray tst_DashboardController::serverAlertsOf(RealServer &server, const QString &deviceId)
{
    HttpClient http;
    const auto login = http.post(server.url(QStringLiteral("/api/v1/auth/login")),
                                 QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("alice")},
                                                           {QStringLiteral("password"), QString::fromLatin1(kPassword)}})
                                     .toJson(QJsonDocument::Compact),
                                 {{"Content-Type", "application/json"}});
    const QByteArray token = login.json().value(QStringLiteral("access_token")).toString().toUtf8();
    const auto answer = http.get(server.url(QStringLiteral("/api/v1/alerts")), {{"Authorization", "Bearer " + token}});
    QJsonArray result;
    const QJsonArray all = answer.json().value(QStringLiteral("alerts")).toArray();
    for (const QJsonValue &alert : all)
        if (alert.toObject().value(QStringLiteral("deviceId")).toString() == deviceId)
            result.append(alert);
    return result;
}

void tst_DashboardController::firingAlertsShowAtSignIn()
{
    // Issue 6: an alert that fired before the dashboard signed in shows in
    // the table (GET /api/v1/alerts); one that fired and resolved does not;
    // the stream's later events for it update the same row.
    const QString firing = newDevice(*m_server);
    const QString resolved = newDevice(*m_server);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 20000;
    QVERIFY(postValue(*m_server, firing, base, 1, kAlertThreshold + 50));
    QVERIFY(postValue(*m_server, resolved, base, 1, kAlertThreshold + 50));
    QVERIFY(postValue(*m_server, resolved, base + 1000, 2, 0));
    QTRY_COMPARE_WITH_TIMEOUT(serverAlertsOf(*m_server, firing).size(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(serverAlertsOf(*m_server, resolved).size(), 2, kTimeoutMs);

    Dashboard dashboard(optionsFor(m_server->url(), QStringLiteral("alice"), QString::fromLatin1(kPassword)), {firing});
    const auto rowsOf = [&dashboard](const QString &deviceId) {
        QList<AlertEvent> rows;
        for (int row = 0; row < dashboard.alerts.rowCount(); ++row)
            if (dashboard.alerts.alertAt(row).deviceId == deviceId)
                rows.append(dashboard.alerts.alertAt(row));
        return rows;
    };
    dashboard.controller.start();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.isLive(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf(firing).size(), 1, kTimeoutMs);
    QCOMPARE(rowsOf(firing).first().state, AlertEvent::State::Firing);
    QCOMPARE(rowsOf(firing).first().ruleId, QStringLiteral("melting"));
    QCOMPARE(rowsOf(firing).first().value, kAlertThreshold + 50);
    QCOMPARE(rowsOf(resolved).size(), 0);

    // Back to normal: the stream's resolved closes the loaded row.
    QVERIFY(postValue(*m_server, firing, base + 1000, 2, 0));
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.alerts.firingCount(), 0, kTimeoutMs);
    QCOMPARE(rowsOf(firing).size(), 1);
    QCOMPARE(rowsOf(firing).first().state, AlertEvent::State::Resolved);
    QCOMPARE(dashboard.controller.eventRouter()->rejectedCount(), 0);
}

QTEST_MAIN(tst_DashboardController)
#include "tst_dashboardcontroller.moc"
