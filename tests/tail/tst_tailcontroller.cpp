#include "tail/tailcontroller.h"
#include "tail/tailoptions.h"

#include "auth/session.h"
#include "support/httpclient.h"
#include "support/misbehavingserver.h"
#include "support/tempdir.h"
#include "support/testserver.h"

#include <QBuffer>
#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using Sightline::SseEvent;
using Sightline::StreamClient;
using Sightline::TailController;
using Sightline::TailOptions;
using Sightline::Test::HttpClient;
using Sightline::Test::MisbehavingServer;
using Sightline::Test::ServerScript;
using Sightline::Test::TestServer;

Q_DECLARE_METATYPE(Sightline::Test::ServerScript)

namespace {

constexpr int kTimeoutMs = 30000; // generous: a loaded 2-core CI machine

std::optional<TailOptions> parseArguments(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    TailOptions::addTo(parser);
    if (!parser.parse(QStringList { QStringLiteral("sightline-tail") } + arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    return TailOptions::read(parser, error);
}

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// One sightline-tail network run in this process: out and err captured.
struct Run
{
    explicit Run(TailOptions options)
        : controller((options.useKeychain = false, options), &network, &out, &err)
    {
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        QObject::connect(&controller, &TailController::finished, &controller,
            [this](int code) { exitCode = code; });
    }
    bool waitForExit()
    {
        return QTest::qWaitFor([this] { return exitCode >= 0; }, kTimeoutMs);
    }
    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> result;
        for (const QByteArray &line : out.data().split('\n')) {
            if (!line.isEmpty())
                result << QJsonDocument::fromJson(line).object();
        }
        return result;
    }
    QStringList ids() const
    {
        QStringList result;
        for (const QJsonObject &line : lines()) {
            if (!line.value(QLatin1String("id")).isNull())
                result << line.value(QLatin1String("id")).toString();
        }
        return result;
    }
    int telemetryCount() const
    {
        int n = 0;
        for (const QJsonObject &line : lines())
            n += line.value(QLatin1String("event")).toString() == QLatin1String("telemetry");
        return n;
    }
    QByteArrayList stateLines() const
    {
        QByteArrayList result;
        for (const QByteArray &line : err.data().split('\n')) {
            if (line.startsWith("state: "))
                result << line;
        }
        return result;
    }

    QNetworkAccessManager network;
    QBuffer out;
    QBuffer err;
    TailController controller;
    int exitCode = -1;
};

// Posts telemetry points as device jetson-01, one every intervalMs.
class DeviceFeeder
{
public:
    DeviceFeeder(const QUrl &server, const QByteArray &key)
        : m_server(server)
        , m_key(key)
    {
    }
    bool post()
    {
        const QJsonObject point { { QStringLiteral("deviceId"), QStringLiteral("jetson-01") },
            { QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
            { QStringLiteral("fields"),
                QJsonObject { { QStringLiteral("cpu_temp_c"), 40 + (++m_count % 10) } } } };
        const auto response
            = m_http.post(m_server.resolved(QUrl(QStringLiteral("/api/v1/telemetry"))),
                QJsonDocument(point).toJson(QJsonDocument::Compact), { { "x-api-key", m_key } });
        return response.status == 202;
    }

private:
    QUrl m_server;
    QByteArray m_key;
    HttpClient m_http;
    int m_count = 0; // no seq: the server would drop a (deviceId, seq) seen in another test
};

bool contiguous(const QStringList &ids)
{
    for (qsizetype i = 1; i < ids.size(); ++i) {
        if (ids.at(i).toLongLong() != ids.at(i - 1).toLongLong() + 1)
            return false;
    }
    return true;
}

} // namespace

class tst_TailController : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void arguments_data();
    void arguments();
    void streamUrlCarriesTheFilters();
    void eventLines_data();
    void eventLines();
    void stateLines_data();
    void stateLines();

    // Against the real sightline-server (in-process).
    void printsLiveEventsUntilMaxEvents();
    void wrongPasswordExitsThree();
    void ridesOutTokenExpiryWithoutLoss();
    void ridesOutAServerRestart();
    void revokedRefreshIsAuthExpired();

    // Against the misbehaving server.
    void finalAnswersGiveTheirExitCodes_data();
    void finalAnswersGiveTheirExitCodes();
    void durationEndsTheRun();
    void sinceFiltersOlderEvents();

    // The sightline-tail program itself.
    void programExitCodes_data();
    void programExitCodes();

private:
    std::unique_ptr<TestServer> m_server;
    QByteArray m_deviceKey;
};

void tst_TailController::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_server->config().accessTokenTtlSeconds = 2; // token expiry happens during the tests
    QVERIFY2(m_server->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "alice-password"),
        qPrintable(m_server->errorString()));
    m_deviceKey = m_server->addDevice(
        QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("jetson-01"));
    QVERIFY2(!m_deviceKey.isEmpty(), qPrintable(m_server->errorString()));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void tst_TailController::arguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error"); // empty: valid

    QTest::newRow("token") << words("--server http://127.0.0.1:8080 --token abc") << QString();
    QTest::newRow("user with everything") << words(
        "--server http://h:1 --user demo --device a,b --site lab --types telemetry,alert "
        "--last-event-id 42 --since 2026-11-22T10:00:00Z --max-events 5 --duration 9 --format text")
                                          << QString();
    QTest::newRow("nothing at all") << QStringList() << QStringLiteral("--stdin");
    QTest::newRow("no credentials")
        << words("--server http://h:1") << QStringLiteral("exactly one");
    QTest::newRow("token and user")
        << words("--server http://h:1 --token a --user b") << QStringLiteral("exactly one");
    QTest::newRow("ftp server") << words("--server ftp://h:1 --token a") << QStringLiteral("http");
    QTest::newRow("unknown type") << words(
        "--server http://h:1 --token a --types telemetry,metrics")
                                  << QStringLiteral("metrics");
    QTest::newRow("zero max events")
        << words("--server http://h:1 --token a --max-events 0") << QStringLiteral("--max-events");
    QTest::newRow("max events not a number")
        << words("--server http://h:1 --token a --max-events ten")
        << QStringLiteral("--max-events");
    QTest::newRow("negative duration")
        << words("--server http://h:1 --token a --duration -3") << QStringLiteral("--duration");
    QTest::newRow("since without offset")
        << words("--server http://h:1 --token a --since 2026-11-22T10:00:00")
        << QStringLiteral("--since");
    QTest::newRow("since not a time")
        << words("--server http://h:1 --token a --since yesterday") << QStringLiteral("--since");
    QTest::newRow("unknown format")
        << words("--server http://h:1 --token a --format csv") << QStringLiteral("--format");
    QTest::newRow("unknown option")
        << words("--server http://h:1 --token a --follow") << QStringLiteral("follow");
}

void tst_TailController::arguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    QString message;
    const std::optional<TailOptions> options = parseArguments(arguments, &message);
    QCOMPARE(options.has_value(), error.isEmpty());
    if (!error.isEmpty())
        QVERIFY2(message.contains(error), qPrintable(message));
}

void tst_TailController::streamUrlCarriesTheFilters()
{
    QString error;
    const auto options = parseArguments(words("--server http://127.0.0.1:9/ --user demo --device "
                                              "d1,d2 --site lab --types telemetry,system"),
        &error);
    QVERIFY2(options, qPrintable(error));
    QCOMPARE(options->streamUrl().toString(),
        QStringLiteral("http://127.0.0.1:9/api/v1/telemetry/"
                       "stream?siteId=lab&deviceId=d1,d2&types=telemetry,system"));
    QCOMPARE(options->username, QStringLiteral("demo"));
    QVERIFY(options->password.isEmpty()); // never from the command line
}

void tst_TailController::eventLines_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("jsonl");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("telemetry") << "7"
                               << "telemetry" << QByteArray(R"({"a":1})")
                               << QByteArray(R"({"id":"7","event":"telemetry","data":"{\"a\":1}"})"
                                             "\n")
                               << QByteArray("7 telemetry {\"a\":1}\n");
    QTest::newRow("system without id") << ""
                                       << "system" << QByteArray("x")
                                       << QByteArray(R"({"id":null,"event":"system","data":"x"})"
                                                     "\n")
                                       << QByteArray("- system x\n");
    QTest::newRow("multi-line data") << "8"
                                     << "message" << QByteArray("a\nb")
                                     << QByteArray(R"({"id":"8","event":"message","data":"a\nb"})"
                                                   "\n")
                                     << QByteArray("8 message a\nb\n");
}

void tst_TailController::eventLines()
{
    QFETCH(QString, id);
    QFETCH(QString, type);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, jsonl);
    QFETCH(QByteArray, text);
    const SseEvent event { type, data, id };
    QCOMPARE(TailController::formatEvent(event, TailOptions::Format::Jsonl), jsonl);
    QCOMPARE(TailController::formatEvent(event, TailOptions::Format::Text), text);
}

void tst_TailController::stateLines_data()
{
    QTest::addColumn<StreamClient::State>("state");
    QTest::addColumn<int>("delay");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QByteArray>("line");

    QTest::newRow("connecting") << StreamClient::State::Connecting << 0 << QString()
                                << QByteArray("state: connecting\n");
    QTest::newRow("live") << StreamClient::State::Live << 0 << QString()
                          << QByteArray("state: live\n");
    QTest::newRow("reconnecting") << StreamClient::State::Reconnecting << 3000
                                  << QStringLiteral("x")
                                  << QByteArray("state: reconnecting 3000\n");
    QTest::newRow("auth expired") << StreamClient::State::AuthExpired << 0 << QStringLiteral("x")
                                  << QByteArray("state: auth_expired\n");
    QTest::newRow("stopped") << StreamClient::State::Stopped << 0 << QString()
                             << QByteArray("state: stopped\n");
    QTest::newRow("failed") << StreamClient::State::Failed << 0
                            << QStringLiteral("HTTP 404 not_found")
                            << QByteArray("state: failed HTTP 404 not_found\n");
}

void tst_TailController::stateLines()
{
    QFETCH(StreamClient::State, state);
    QFETCH(int, delay);
    QFETCH(QString, reason);
    QFETCH(QByteArray, line);
    QCOMPARE(TailController::formatState(state, delay, reason), line);
}

void tst_TailController::printsLiveEventsUntilMaxEvents()
{
    TailOptions options;
    options.server = m_server->url();
    options.username = QStringLiteral("alice");
    options.password = QStringLiteral("alice-password");
    options.types = QStringList { QStringLiteral("telemetry") };
    options.maxEvents = 3;
    Run run(options);
    run.controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        run.controller.streamClient()->state(), StreamClient::State::Live, kTimeoutMs);

    DeviceFeeder device(m_server->url(), m_deviceKey);
    for (int i = 0; i < 5; ++i)
        QVERIFY(device.post());
    QVERIFY(run.waitForExit());
    QCOMPARE(run.exitCode, 0);
    const QList<QJsonObject> lines = run.lines();
    QCOMPARE(lines.size(), 3);
    for (const QJsonObject &line : lines) {
        QCOMPARE(line.keys(),
            QStringList({ QStringLiteral("data"), QStringLiteral("event"), QStringLiteral("id") }));
        QCOMPARE(line.value(QLatin1String("event")).toString(), QStringLiteral("telemetry"));
        const QJsonObject event
            = QJsonDocument::fromJson(line.value(QLatin1String("data")).toString().toUtf8())
                  .object();
        QCOMPARE(event.value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("deviceId"))
                     .toString(),
            QStringLiteral("jetson-01"));
    }
    // Ids grow (other event types, filtered out here, take ids in between).
    const QStringList ids = run.ids();
    QCOMPARE(ids.size(), 3);
    QVERIFY(ids.at(0).toLongLong() < ids.at(1).toLongLong()
        && ids.at(1).toLongLong() < ids.at(2).toLongLong());
    QCOMPARE(run.stateLines().mid(0, 2), QByteArrayList({ "state: connecting", "state: live" }));
}

void tst_TailController::wrongPasswordExitsThree()
{
    TailOptions options;
    options.server = m_server->url();
    options.username = QStringLiteral("alice");
    options.password = QStringLiteral("not-her-password");
    Run run(options);
    run.controller.start();
    QVERIFY(run.waitForExit());
    QCOMPARE(run.exitCode, int(TailController::ExitSignInFailed));
    QVERIFY(run.err.data().contains("sign-in failed"));
    QVERIFY(!run.err.data().contains("not-her-password"));
    QVERIFY(run.out.data().isEmpty());
}

void tst_TailController::ridesOutTokenExpiryWithoutLoss()
{
    // Tokens live 2 s: during this run the session refreshes at 80% and the
    // server ends the stream with token_expired; the stream resumes with
    // Last-Event-ID, losing and repeating nothing.
    TailOptions options;
    options.server = m_server->url();
    options.username = QStringLiteral("alice");
    options.password = QStringLiteral("alice-password");
    Run run(options); // every type: the ids of what one user may see are contiguous
    QSignalSpy tokens(run.controller.session(), &Sightline::Session::accessTokenChanged);
    run.controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        run.controller.streamClient()->state(), StreamClient::State::Live, kTimeoutMs);

    DeviceFeeder device(m_server->url(), m_deviceKey);
    QTimer feed;
    QObject::connect(&feed, &QTimer::timeout, &feed, [&] { QVERIFY(device.post()); });
    feed.start(150);
    QTRY_VERIFY_WITH_TIMEOUT(run.telemetryCount() >= 30, kTimeoutMs);
    feed.stop();
    QCOMPARE(run.exitCode, -1);
    QVERIFY2(contiguous(run.ids()), qPrintable(run.ids().join(QLatin1Char(','))));
    QVERIFY(tokens.size() >= 3); // sign-in and at least two refreshes
    QVERIFY(!run.err.data().contains("auth_expired"));
}

void tst_TailController::ridesOutAServerRestart()
{
    TailOptions options;
    options.server = m_server->url();
    options.username = QStringLiteral("alice");
    options.password = QStringLiteral("alice-password");
    options.types = QStringList { QStringLiteral("telemetry") };
    Run run(options);
    run.controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        run.controller.streamClient()->state(), StreamClient::State::Live, kTimeoutMs);
    DeviceFeeder device(m_server->url(), m_deviceKey);
    for (int i = 0; i < 3; ++i)
        QVERIFY(device.post());
    QTRY_COMPARE_WITH_TIMEOUT(run.ids().size(), 3, kTimeoutMs);
    const QStringList before = run.ids();

    QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
    // The client notices the closed stream and waits the server's retry hint, 10 s.
    QTRY_VERIFY_WITH_TIMEOUT(
        run.stateLines().contains("state: reconnecting 10000"), kTimeoutMs);
    for (int i = 0; i < 3; ++i)
        QVERIFY(device.post()); // published while the client is away
    QTRY_COMPARE_WITH_TIMEOUT(run.ids().size(), 6, kTimeoutMs);
    for (int i = 0; i < 2; ++i)
        QVERIFY(device.post());
    QTRY_COMPARE_WITH_TIMEOUT(run.ids().size(), 8, kTimeoutMs);
    // Nothing lost, nothing twice: 8 distinct, increasing ids.
    const QStringList ids = run.ids();
    QCOMPARE(ids.mid(0, 3), before);
    for (qsizetype i = 1; i < ids.size(); ++i)
        QVERIFY2(ids.at(i).toLongLong() > ids.at(i - 1).toLongLong(),
            qPrintable(ids.join(QLatin1Char(','))));
    const QByteArrayList states = run.stateLines();
    const qsizetype reconnecting = states.indexOf("state: reconnecting 10000");
    QVERIFY2(reconnecting > 0, run.err.data().constData());
    // Live again after the restart. Not necessarily the last line: tokens live
    // 2 s, so the server may already have cut the stream again for a refresh.
    QVERIFY2(states.indexOf("state: live", reconnecting) > reconnecting,
        run.err.data().constData());
    QCOMPARE(run.exitCode, -1);
}

void tst_TailController::revokedRefreshIsAuthExpired()
{
    TailOptions options;
    options.server = m_server->url();
    options.username = QStringLiteral("alice");
    options.password = QStringLiteral("alice-password");
    Run run(options);
    run.controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        run.controller.streamClient()->state(), StreamClient::State::Live, kTimeoutMs);

    // Someone signs this session out elsewhere: its refresh family is revoked.
    HttpClient http;
    const auto logout = http.post(m_server->url(QStringLiteral("/api/v1/auth/logout")), {},
        { { "Authorization", "Bearer " + run.controller.session()->accessToken().toUtf8() } });
    QCOMPARE(logout.status, 204);

    QVERIFY(run.waitForExit());
    QCOMPARE(run.exitCode, int(TailController::ExitAuthExpired));
    QCOMPARE(run.stateLines().last(), QByteArray("state: auth_expired"));
    QVERIFY(run.err.data().contains("could not be renewed"));
}

void tst_TailController::finalAnswersGiveTheirExitCodes_data()
{
    QTest::addColumn<ServerScript>("script");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("lastState");

    QTest::newRow("204 stops") << ServerScript::response(204, {}, {})
                               << int(TailController::ExitStopped) << QByteArray("state: stopped");
    QTest::newRow("404 fails") << ServerScript::jsonError(404, "not_found")
                               << int(TailController::ExitFailed)
                               << QByteArray(
                                      "state: failed HTTP 404 not_found: scripted not_found");
    QTest::newRow("html fails")
        << ServerScript::response(200, "text/html", "<p>hi</p>") << int(TailController::ExitFailed)
        << QByteArray(
               "state: failed wrong content type \"text/html\" (expected text/event-stream)");
    QTest::newRow("fixed token refused")
        << ServerScript::jsonError(401, "token_expired") << int(TailController::ExitAuthExpired)
        << QByteArray("state: auth_expired");
}

void tst_TailController::finalAnswersGiveTheirExitCodes()
{
    QFETCH(ServerScript, script);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, lastState);

    MisbehavingServer server;
    server.enqueue(script);
    TailOptions options;
    options.server = server.url();
    options.token = QStringLiteral("fixed-token");
    Run run(options);
    run.controller.start();
    QVERIFY(run.waitForExit());
    QCOMPARE(run.exitCode, exitCode);
    QCOMPARE(run.stateLines(), QByteArrayList({ "state: connecting", lastState }));
    QCOMPARE(server.lastRequest().header("Authorization"), QByteArray("Bearer fixed-token"));
}

void tst_TailController::durationEndsTheRun()
{
    MisbehavingServer server;
    server.enqueue(ServerScript::eventStream().send("id: 1\ndata: x\n\n").stall());
    TailOptions options;
    options.server = server.url();
    options.token = QStringLiteral("t");
    options.durationSeconds = 1;
    options.lastEventId = QStringLiteral("0");
    Run run(options);
    QElapsedTimer elapsed;
    elapsed.start();
    run.controller.start();
    QVERIFY(run.waitForExit());
    QVERIFY(elapsed.elapsed() >= 900);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.ids(), QStringList { QStringLiteral("1") });
    QCOMPARE(server.lastRequest().header("Last-Event-ID"), QByteArray("0"));
}

void tst_TailController::sinceFiltersOlderEvents()
{
    auto eventAt = [](int id, const char *ts) -> QByteArray {
        return "id: " + QByteArray::number(id) + "\nevent: telemetry\ndata: {\"id\":\""
            + QByteArray::number(id) + "\",\"ts\":\"" + ts
            + "\",\"type\":\"telemetry\",\"data\":{}}\n\n";
    };
    MisbehavingServer server;
    server.enqueue(
        ServerScript::eventStream()
            .send(eventAt(1, "2026-11-22T09:59:59.999Z") + eventAt(2, "2026-11-22T10:00:00.000Z")
                + eventAt(3, "2026-11-22T11:00:00.000+01:00")
                + eventAt(4, "2026-11-22T10:30:00.000Z"))
            .stall());
    QString error;
    auto options = parseArguments(
        words("--server http://x --token t --since 2026-11-22T10:00:00Z --max-events 2"), &error);
    QVERIFY2(options, qPrintable(error));
    options->server = server.url();
    Run run(*options);
    run.controller.start();
    QVERIFY(run.waitForExit());
    QCOMPARE(run.exitCode, 0);
    // 3 is 10:00Z too (+01:00), so it is printed; 1 is a millisecond early.
    QCOMPARE(run.ids(), QStringList({ QStringLiteral("2"), QStringLiteral("3") }));
}

void tst_TailController::programExitCodes_data()
{
    QTest::addColumn<QStringList>("arguments"); // "URL" stands for the misbehaving server
    QTest::addColumn<ServerScript>("script");
    QTest::addColumn<QByteArray>("password"); // SIGHTLINE_PASSWORD, empty: unset
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("stderrPart");

    QTest::newRow("bad arguments")
        << words("--server URL --token t --max-events none") << ServerScript() << QByteArray() << 2
        << QByteArray("--max-events");
    QTest::newRow("no mode") << QStringList() << ServerScript() << QByteArray() << 2
                             << QByteArray("--stdin");
    QTest::newRow("sign-in refused")
        << words("--server URL --user alice") << ServerScript::jsonError(401, "invalid_credentials")
        << QByteArray("wrong") << 3 << QByteArray("sign-in failed");
    QTest::newRow("server says stop")
        << words("--server URL --token t") << ServerScript::response(204, {}, {}) << QByteArray()
        << 4 << QByteArray("state: stopped");
    QTest::newRow("token refused")
        << words("--server URL --token t") << ServerScript::jsonError(401, "token_expired")
        << QByteArray() << 5 << QByteArray("state: auth_expired");
    QTest::newRow("not an event stream")
        << words("--server URL --token t") << ServerScript::response(200, "text/html", "<p/>")
        << QByteArray() << 6 << QByteArray("state: failed wrong content type");
    QTest::newRow("max events") << words("--server URL --token t --max-events 2")
                                << ServerScript::eventStream()
                                       .send(
                                           "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n")
                                       .stall()
                                << QByteArray() << 0 << QByteArray("state: live");
}

void tst_TailController::programExitCodes()
{
    QFETCH(QStringList, arguments);
    QFETCH(ServerScript, script);
    QFETCH(QByteArray, password);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, stderrPart);

    MisbehavingServer server;
    server.setHandler([script](const auto &) { return script; });
    arguments.replaceInStrings(QStringLiteral("URL"), server.url().toString());
    Sightline::Test::TempDir home; // a keychain fallback must not touch the real HOME
    QProcess tail;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("SIGHTLINE_PASSWORD"));
    if (!password.isEmpty())
        env.insert(QStringLiteral("SIGHTLINE_PASSWORD"), QString::fromUtf8(password));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
        QStringLiteral("unix:path=/nonexistent/sightline-no-bus"));
    env.insert(QStringLiteral("HOME"), home.path());
    tail.setProcessEnvironment(env);
    tail.start(Sightline::Test::binDir() + QStringLiteral("/sightline-tail"), arguments);
    QVERIFY2(tail.waitForStarted(kTimeoutMs), qPrintable(tail.errorString()));
    tail.closeWriteChannel();
    // The in-process server must keep answering while we wait.
    QVERIFY(QTest::qWaitFor([&] { return tail.state() == QProcess::NotRunning; }, kTimeoutMs));
    const QByteArray err = tail.readAllStandardError();
    QCOMPARE(tail.exitStatus(), QProcess::NormalExit);
    QVERIFY2(tail.exitCode() == exitCode, err.constData());
    QVERIFY2(err.contains(stderrPart), err.constData());
    QVERIFY(!err.contains(password.isEmpty() ? QByteArray("\x01") : password));
    if (exitCode == 0) {
        QCOMPARE(tail.readAllStandardOutput(),
            QByteArray(R"({"id":"1","event":"message","data":"a"})"
                       "\n"
                       R"({"id":"2","event":"message","data":"b"})"
                       "\n"));
    }
}

QTEST_GUILESS_MAIN(tst_TailController)
#include "tst_tailcontroller.moc"
