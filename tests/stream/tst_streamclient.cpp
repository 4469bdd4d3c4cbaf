#include "stream/streamclient.h"

#include "support/misbehavingserver.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using Sightline::SseEvent;
using Sightline::StreamClient;
using Sightline::Test::MisbehavingServer;
using Sightline::Test::ReceivedRequest;
using Sightline::Test::ServerScript;
using State = Sightline::StreamClient::State;

Q_DECLARE_METATYPE(Sightline::Test::ServerScript)

namespace {

constexpr int kTimeoutMs = 20000; // generous: a loaded 2-core CI machine
constexpr int kShortRetryMs = 20;
constexpr int kNoRetryLoopWaitMs = 500; // several retry hints: a loop would show
const QByteArray kStreamPath = "/api/v1/telemetry/stream";

QByteArray eventBytes(int id, const QByteArray &data = "x")
{
    return "id: " + QByteArray::number(id) + "\nevent: telemetry\ndata: " + data + "\n\n";
}

QByteArray events(int from, int to)
{
    QByteArray out;
    for (int id = from; id <= to; ++id)
        out += eventBytes(id, "{\"n\":" + QByteArray::number(id) + "}");
    return out;
}

QStringList idList(std::initializer_list<const char *> ids)
{
    QStringList out;
    for (const char *id : ids)
        out << QString::fromLatin1(id);
    return out;
}

QStringList range(int from, int to)
{
    QStringList out;
    for (int id = from; id <= to; ++id)
        out << QString::number(id);
    return out;
}

// One client against one misbehaving server, with everything it emits
// recorded. Short retry hints and deterministic jitter (random = 0, the
// lower bound) unless a test says otherwise.
struct Harness
{
    QNetworkAccessManager network;
    MisbehavingServer server;
    StreamClient client { &network };
    QList<SseEvent> received;
    QList<State> states;
    QList<int> delays; // the reconnect delay of each Reconnecting state
    QString token = QStringLiteral("token-1");
    int maxRunningReplies = 0;

    Harness()
    {
        client.setUrl(server.url(QString::fromLatin1(kStreamPath)));
        client.setTokenSource([this] { return token; });
        client.setFollowsReachability(false);
        client.setRandomSource([] { return 0.0; });
        client.setInitialRetryHint(kShortRetryMs);
        QObject::connect(&client, &StreamClient::eventReceived, &client,
            [this](const SseEvent &e) { received.append(e); });
        QObject::connect(&client, &StreamClient::stateChanged, &client, [this](State state) {
            states.append(state);
            if (state == State::Reconnecting)
                delays.append(client.reconnectDelay());
            const QList<QNetworkReply *> replies = network.findChildren<QNetworkReply *>();
            const int running = int(std::count_if(
                replies.begin(), replies.end(), [](QNetworkReply *r) { return r->isRunning(); }));
            maxRunningReplies = std::max(maxRunningReplies, running);
        });
    }

    QStringList ids() const
    {
        QStringList out;
        for (const SseEvent &e : received)
            out << e.lastEventId;
        return out;
    }
    QByteArrayList data() const
    {
        QByteArrayList out;
        for (const SseEvent &e : received)
            out << e.data;
        return out;
    }
    QByteArrayList sentHeader(QByteArrayView name) const
    {
        QByteArrayList out;
        for (const ReceivedRequest &r : server.requests())
            out << r.header(name);
        return out;
    }
    int liveReplies() const
    {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        return int(network.findChildren<QNetworkReply *>().size());
    }
};

} // namespace

class tst_StreamClient : public QObject
{
    Q_OBJECT

private slots:
    void sendsTheContractHeaders();
    void closeMidEventThenResume();
    void stallAfterHeadersIsDetected();
    void commentsOnlyKeepTheStreamAlive();
    void finalAnswers_data();
    void finalAnswers();
    void backoffAnswers_data();
    void backoffAnswers();
    void defaultBaseDelayIsThreeSeconds();
    void backoffGrowsWithinBoundsThenRecovers();
    void retryAfterIsWaited();
    void stableStreamResetsTheBackoff_data();
    void stableStreamResetsTheBackoff();
    void lineEndingsAndChunking_data();
    void lineEndingsAndChunking();
    void eightMebibyteEvent();
    void burstOfTenThousandEvents();
    void retryHintChangedMidStream();
    void duplicateIdsAfterReconnect_data();
    void duplicateIdsAfterReconnect();
    void serverDownForAWhileThenUp();
    void thousandReconnectCyclesLeaveNoReplies();
    void redirects_data();
    void redirects();
    void unauthorizedThenRecoveryByRefresh();
    void tokenExpiredEventRefreshesAndResumes();
    void refreshFailureIsAuthExpiredWithoutLoop();
    void rejectedAfterRefreshIsAuthExpired();
    void fixedTokenRejectedIsAuthExpired();
    void retryNowSkipsTheWait();
    void stopReleasesEverything();
    void tlsFailureIsFinal();
};

void tst_StreamClient::sendsTheContractHeaders()
{
    Harness h;
    h.server.enqueue(ServerScript::eventStream().send("retry: 20\n\n" + eventBytes(7)).close());
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(8)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "7", "8" }), kTimeoutMs);

    const QList<ReceivedRequest> requests = h.server.requests();
    QCOMPARE(requests.size(), 2);
    for (const ReceivedRequest &r : requests) {
        QCOMPARE(r.method, QByteArray("GET"));
        QCOMPARE(r.path, kStreamPath);
        QCOMPARE(r.header("Authorization"), QByteArray("Bearer token-1"));
        QCOMPARE(r.header("Accept"), QByteArray("text/event-stream"));
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-cache"));
    }
    QVERIFY(!requests.at(0).hasHeader("Last-Event-ID"));
    QCOMPARE(requests.at(1).header("Last-Event-ID"), QByteArray("7"));
    QCOMPARE(h.client.state(), State::Live);
    QCOMPARE(h.states,
        (QList<State> {
            State::Connecting, State::Live, State::Reconnecting, State::Connecting, State::Live }));
}

void tst_StreamClient::closeMidEventThenResume()
{
    Harness h;
    h.server.enqueue(
        ServerScript::eventStream()
            .send("retry: 20\n\n" + eventBytes(1, "a") + eventBytes(2, "b") + "id: 3\ndata: hal")
            .close());
    h.server.enqueue(
        ServerScript::eventStream().send(eventBytes(3, "half") + eventBytes(4, "d")).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.received.size(), 4, kTimeoutMs);
    QCOMPARE(h.ids(), idList({ "1", "2", "3", "4" }));
    QCOMPARE(h.data(), QByteArrayList({ "a", "b", "half", "d" }));
    QCOMPARE(h.sentHeader("Last-Event-ID"), QByteArrayList({ QByteArray(), "2" }));
    QCOMPARE(h.delays, QList<int> { 20 });
}

void tst_StreamClient::stallAfterHeadersIsDetected()
{
    Harness h;
    h.client.setSilenceTimeout(300);
    h.server.enqueue(ServerScript::eventStream().send("retry: 20\n\n" + eventBytes(1)).stall());
    h.server.enqueue(ServerScript::eventStream().stall()); // headers, then nothing at all
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(2)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1", "2" }), kTimeoutMs);
    QCOMPARE(h.server.requestCount(), 3);
    QCOMPARE(h.sentHeader("Last-Event-ID"), QByteArrayList({ QByteArray(), "1", "1" }));
    QCOMPARE(h.states.count(State::Reconnecting), 2);
    QCOMPARE(h.client.state(), State::Live);
}

void tst_StreamClient::commentsOnlyKeepTheStreamAlive()
{
    Harness h;
    h.client.setSilenceTimeout(1000);
    ServerScript script = ServerScript::eventStream();
    script.send(": ping\n");
    // Comments only, for twice the silence timeout in total, each gap a
    // tenth of it.
    for (int i = 0; i < 20; ++i)
        script.pause(100).send(": ping\n");
    script.send(eventBytes(1)).stall();
    h.server.enqueue(script);
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1" }), kTimeoutMs);
    QCOMPARE(h.server.requestCount(), 1);
    QCOMPARE(h.states, (QList<State> { State::Connecting, State::Live }));
}

void tst_StreamClient::finalAnswers_data()
{
    QTest::addColumn<ServerScript>("script");
    QTest::addColumn<State>("expected");
    QTest::addColumn<QString>("reason");

    QTest::newRow("204 means stop")
        << ServerScript::response(204, {}, {}) << State::Stopped << "204";
    QTest::newRow("404 fails") << ServerScript::jsonError(404, "not_found") << State::Failed
                               << "404";
    QTest::newRow("403 fails") << ServerScript::jsonError(403, "forbidden") << State::Failed
                               << "forbidden";
    QTest::newRow("400 fails") << ServerScript::jsonError(400, "invalid_request") << State::Failed
                               << "invalid_request";
    QTest::newRow("text/html fails")
        << ServerScript::response(200, "text/html", "<html>login portal</html>") << State::Failed
        << "wrong content type \"text/html\"";
    QTest::newRow("json body with 200 fails") << ServerScript::response(200, "application/json",
        "{}") << State::Failed << "application/json";
    QTest::newRow("no content type fails")
        << ServerScript::response(200, {}, "data: x\n\n") << State::Failed << "wrong content type";
}

void tst_StreamClient::finalAnswers()
{
    QFETCH(ServerScript, script);
    QFETCH(State, expected);
    QFETCH(QString, reason);

    Harness h;
    h.server.enqueue(script);
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), expected, kTimeoutMs);
    QVERIFY2(h.client.errorString().contains(reason), qPrintable(h.client.errorString()));
    // Final: no second attempt, even after several retry hints.
    QVERIFY(!QTest::qWaitFor([&] { return h.server.requestCount() > 1; }, kNoRetryLoopWaitMs));
    QCOMPARE(h.client.state(), expected);
    QVERIFY(h.received.isEmpty());
    QCOMPARE(h.liveReplies(), 0);
}

void tst_StreamClient::backoffAnswers_data()
{
    QTest::addColumn<ServerScript>("script");
    QTest::addColumn<int>("minimumDelay");
    QTest::addColumn<int>(
        "repeat"); // QNAM itself resends after a connection closed without an answer

    QTest::newRow("500") << ServerScript::jsonError(500, "internal") << kShortRetryMs << 1;
    QTest::newRow("502 with an html page")
        << ServerScript::response(502, "text/html", "<h1>bad gateway</h1>") << kShortRetryMs << 1;
    QTest::newRow("503 with Retry-After")
        << ServerScript::jsonError(503, "storage_unavailable", { { "Retry-After", "1" } }) << 1000
        << 1;
    QTest::newRow("429 with Retry-After")
        << ServerScript::jsonError(429, "rate_limited", { { "Retry-After", "1" } }) << 1000 << 1;
    QTest::newRow("connection closed before any header")
        << ServerScript().close() << kShortRetryMs << 4;
    QTest::newRow("garbage instead of HTTP")
        << ServerScript().send("SSH-2.0-OpenSSH\r\n\r\n").close() << kShortRetryMs << 4;
}

void tst_StreamClient::backoffAnswers()
{
    QFETCH(ServerScript, script);
    QFETCH(int, minimumDelay);
    QFETCH(int, repeat);

    Harness h;
    for (int i = 0; i < repeat; ++i)
        h.server.enqueue(script);
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(1)).stall());
    QElapsedTimer elapsed;
    elapsed.start();
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1" }), kTimeoutMs);
    QVERIFY(!h.delays.isEmpty());
    QCOMPARE(h.delays.first(), minimumDelay);
    // Timers may fire a little early (coarse timers: up to 5%).
    QVERIFY(elapsed.elapsed() >= minimumDelay * 95 / 100);
    QCOMPARE(h.server.requestCount(), repeat + 1);
    QCOMPARE(h.client.state(), State::Live);
}

void tst_StreamClient::defaultBaseDelayIsThreeSeconds()
{
    QNetworkAccessManager network;
    MisbehavingServer server;
    StreamClient client(&network);
    client.setFollowsReachability(false);
    client.setUrl(server.url(QString::fromLatin1(kStreamPath)));
    server.enqueue(ServerScript::jsonError(500, "internal"));
    QCOMPARE(client.retryHint(), 3000);
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), State::Reconnecting, kTimeoutMs);
    QCOMPARE(client.reconnectDelay(), 3000);
    const qint64 untilNext = QDateTime::currentDateTimeUtc().msecsTo(client.nextAttemptAt());
    QVERIFY2(untilNext > 2000 && untilNext <= 3000, qPrintable(QString::number(untilNext)));
    client.stop();
    QCOMPARE(client.state(), State::Idle);
}

void tst_StreamClient::backoffGrowsWithinBoundsThenRecovers()
{
    for (const double random : { 0.0, 1.0 }) {
        Harness h;
        h.client.setRandomSource([random] { return random; });
        h.client.setMaxReconnectDelay(400);
        h.server.enqueue(ServerScript::eventStream().send("retry: 50\n\n" + eventBytes(1)).close());
        for (int i = 0; i < 4; ++i)
            h.server.enqueue(ServerScript::jsonError(500, "internal"));
        h.server.enqueue(ServerScript::eventStream().send(eventBytes(2)).stall());
        h.client.start();
        QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1", "2" }), kTimeoutMs);
        // First failure: the hint. Then [max(hint, upper/2), upper] with
        // upper = min(cap, max(hint, 100) * 2^(k-1)).
        const QList<int> expected = random == 0.0 ? QList<int> { 50, 100, 200, 200, 200 }
                                                  : QList<int> { 50, 200, 400, 400, 400 };
        QCOMPARE(h.delays, expected);
        for (const int delay : h.delays)
            QVERIFY(delay >= 50 && delay <= 400);
        QCOMPARE(h.sentHeader("Last-Event-ID"),
            QByteArrayList({ QByteArray(), "1", "1", "1", "1", "1" }));
    }
}

void tst_StreamClient::retryAfterIsWaited()
{
    Harness h;
    h.server.enqueue(ServerScript::eventStream().send("retry: 20\n\n" + eventBytes(1)).close());
    h.server.enqueue(
        ServerScript::jsonError(503, "storage_unavailable", { { "Retry-After", "1" } }));
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(2)).stall());
    // When each request reached the server.
    QElapsedTimer clock;
    clock.start();
    QList<qint64> arrivals;
    QObject::connect(&h.server, &MisbehavingServer::requestReceived, &h.server,
        [&] { arrivals.append(clock.elapsed()); });
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1", "2" }), kTimeoutMs);
    QCOMPARE(arrivals.size(), 3);
    // Coarse timers may fire up to 5% early.
    QVERIFY2(arrivals.at(2) - arrivals.at(1) >= 950,
        qPrintable(QString::number(arrivals.at(2) - arrivals.at(1))));
    QCOMPARE(h.delays, (QList<int> { 20, 1000 }));
}

void tst_StreamClient::stableStreamResetsTheBackoff_data()
{
    QTest::addColumn<qint64>("liveFor");
    QTest::addColumn<int>("expectedDelay");

    // Two failures before the stream (20, then 200 with random = 1), so a
    // short-lived stream is the third failure in a row.
    QTest::newRow("dropped right away keeps backing off") << qint64(0) << 400;
    QTest::newRow("live just under the threshold") << qint64(29999) << 400;
    QTest::newRow("live long enough starts again at the hint") << qint64(30000) << 20;
}

void tst_StreamClient::stableStreamResetsTheBackoff()
{
    QFETCH(qint64, liveFor);
    QFETCH(int, expectedDelay);

    qint64 now = 0;
    Harness h;
    h.client.setClock([&now] { return now; });
    h.client.setRandomSource([] { return 1.0; });
    h.server.enqueue(ServerScript::jsonError(500, "internal"));
    h.server.enqueue(ServerScript::jsonError(500, "internal"));
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(1)).pause(20000).close());
    h.server.enqueue(ServerScript::eventStream().stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1" }), kTimeoutMs);
    QCOMPARE(h.delays, (QList<int> { 20, 200 }));
    now += liveFor;
    h.server.abortConnections();
    QTRY_COMPARE_WITH_TIMEOUT(h.delays.size(), 3, kTimeoutMs);
    QCOMPARE(h.delays.last(), expectedDelay);
}

void tst_StreamClient::lineEndingsAndChunking_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("chunkSize");

    const QByteArray lf = "retry: 20\n\n: hello\nid: 1\nevent: telemetry\ndata: {\"a\":1}\n\n"
                          "id: 2\ndata: line one\ndata: line two\n\n";
    QByteArray crlf = lf;
    crlf.replace("\n", "\r\n");
    QByteArray cr = lf;
    cr.replace('\n', '\r');
    QTest::newRow("LF") << lf << 0;
    QTest::newRow("CRLF") << crlf << 0;
    QTest::newRow("CR only") << cr << 0;
    QTest::newRow("LF in 1-byte chunks") << lf << 1;
    QTest::newRow("CRLF in 1-byte chunks") << crlf << 1;
    QTest::newRow("CR only in 1-byte chunks") << cr << 1;
    QTest::newRow("LF in 7-byte chunks") << lf << 7;
}

void tst_StreamClient::lineEndingsAndChunking()
{
    QFETCH(QByteArray, body);
    QFETCH(int, chunkSize);

    Harness h;
    // Each step is written separately, so 1-byte chunks also reach the
    // client in many reads.
    ServerScript script = ServerScript::eventStream({}, chunkSize);
    for (qsizetype at = 0; at < body.size(); at += 16)
        script.send(body.mid(at, 16));
    h.server.enqueue(script.stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.received.size(), 2, kTimeoutMs);
    QCOMPARE(h.ids(), idList({ "1", "2" }));
    QCOMPARE(h.data(), QByteArrayList({ "{\"a\":1}", "line one\nline two" }));
    QCOMPARE(h.received.at(0).type, QStringLiteral("telemetry"));
    QCOMPARE(h.received.at(1).type, QStringLiteral("message"));
    QCOMPARE(h.client.retryHint(), 20);
}

void tst_StreamClient::eightMebibyteEvent()
{
    Harness h;
    const QByteArray big(8 * 1024 * 1024, 'z');
    h.server.enqueue(ServerScript::eventStream()
                         .send(eventBytes(1, "small") + eventBytes(2, big) + eventBytes(3, "after"))
                         .stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.received.size(), 3, kTimeoutMs);
    QCOMPARE(h.ids(), idList({ "1", "2", "3" }));
    QCOMPARE(h.received.at(1).data.size(), big.size());
    QVERIFY(h.received.at(1).data == big);
    QCOMPARE(h.received.at(2).data, QByteArray("after"));
}

void tst_StreamClient::burstOfTenThousandEvents()
{
    Harness h;
    h.server.enqueue(ServerScript::eventStream().send(events(1, 10000)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.received.size(), 10000, kTimeoutMs);
    QCOMPARE(h.ids(), range(1, 10000));
    QCOMPARE(h.received.last().data, QByteArray("{\"n\":10000}"));
    QCOMPARE(h.server.requestCount(), 1);
}

void tst_StreamClient::retryHintChangedMidStream()
{
    Harness h;
    h.server.enqueue(ServerScript::eventStream()
                         .send("retry: 30\n\n" + eventBytes(1))
                         .pause(50)
                         .send("retry: 70\n\n" + eventBytes(2))
                         .close());
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(3)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1", "2", "3" }), kTimeoutMs);
    QCOMPARE(h.delays, QList<int> { 70 });
    QCOMPARE(h.client.retryHint(), 70);
}

void tst_StreamClient::duplicateIdsAfterReconnect_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QByteArray>("second");
    QTest::addColumn<QStringList>("expectedIds");
    QTest::addColumn<QByteArray>("expectedResumeFrom");

    const QByteArray system = "event: system\ndata: {\"kind\":\"notice\",\"message\":\"hi\"}\n\n";
    QTest::newRow("decimal ids replayed")
        << QByteArray(events(1, 3)) << QByteArray(events(2, 5)) << range(1, 5) << QByteArray("3");
    QTest::newRow("decimal ids compared as numbers, not text")
        << QByteArray(events(8, 10)) << QByteArray(events(9, 12)) << range(8, 12)
        << QByteArray("10");
    QTest::newRow("older ids after reconnect are dropped")
        << QByteArray(events(1, 5)) << QByteArray(events(1, 2) + events(6, 6)) << range(1, 6)
        << QByteArray("5");
    QTest::newRow("system events without id are never dropped")
        << QByteArray(events(1, 2) + system) << QByteArray(system + events(2, 3) + system)
        << idList({ "1", "2", "", "", "3", "" }) << QByteArray("2");
    QTest::newRow("non-decimal ids drop exact repeats only")
        << QByteArray("id: b\ndata: x\n\nid: a\ndata: y\n\n")
        << QByteArray("id: a\ndata: y\n\nid: c\ndata: z\n\nid: b\ndata: x\n\n")
        << idList({ "b", "a", "c" }) << QByteArray("a");
}

void tst_StreamClient::duplicateIdsAfterReconnect()
{
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, second);
    QFETCH(QStringList, expectedIds);
    QFETCH(QByteArray, expectedResumeFrom);

    Harness h;
    h.server.enqueue(ServerScript::eventStream().send("retry: 20\n\n" + first).close());
    h.server.enqueue(ServerScript::eventStream().send(second + eventBytes(999, "end")).stall());
    h.client.start();
    QTRY_VERIFY_WITH_TIMEOUT(
        !h.ids().isEmpty() && h.ids().last() == QLatin1String("999"), kTimeoutMs);
    QStringList ids = h.ids();
    ids.removeLast();
    QCOMPARE(ids, expectedIds);
    QCOMPARE(h.server.requests().at(1).header("Last-Event-ID"), expectedResumeFrom);
}

void tst_StreamClient::serverDownForAWhileThenUp()
{
    Harness h;
    h.client.setMaxReconnectDelay(200);
    h.server.enqueue(ServerScript::eventStream().send("retry: 20\n\n" + events(1, 3)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), range(1, 3), kTimeoutMs);

    h.server.stopListening();
    // Refused connections: several attempts, each one backing off more.
    QTRY_VERIFY_WITH_TIMEOUT(h.delays.size() >= 4, kTimeoutMs);
    QCOMPARE(h.server.requestCount(), 1);
    QVERIFY(h.delays.at(1) >= h.delays.at(0));
    QVERIFY(h.delays.at(2) >= h.delays.at(1));
    for (const int delay : h.delays)
        QVERIFY(delay >= 20 && delay <= 200);
    QVERIFY(h.client.errorString().contains(QLatin1String("refused"), Qt::CaseInsensitive));

    h.server.enqueue(ServerScript::eventStream().send(events(3, 5)).stall());
    QVERIFY(h.server.resumeListening());
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), range(1, 5), kTimeoutMs);
    QCOMPARE(h.server.requestCount(), 2);
    QCOMPARE(h.server.lastRequest().header("Last-Event-ID"), QByteArray("3"));
    QCOMPARE(h.client.state(), State::Live);
    QCOMPARE(h.maxRunningReplies, 1);
}

void tst_StreamClient::thousandReconnectCyclesLeaveNoReplies()
{
    constexpr int kCycles = 1000;
    Harness h;
    h.client.setInitialRetryHint(0);
    h.client.setMaxReconnectDelay(0);
    // Like the real server: the next id after Last-Event-ID. (QNAM itself
    // sometimes resends a request whose fresh connection it saw closed, so
    // the request count is no event counter.)
    h.server.setHandler([](const ReceivedRequest &request) {
        const int next = request.header("Last-Event-ID").toInt() + 1;
        return ServerScript::eventStream().send(eventBytes(next)).close();
    });
    // QSignalSpy::wait runs a real event loop; QTRY_* polls every 10 ms,
    // which would make each cycle cost a poll.
    QSignalSpy spy(&h.client, &StreamClient::eventReceived);
    h.client.start();
    while (h.received.size() < kCycles)
        QVERIFY(spy.wait(kTimeoutMs));
    h.client.stop();
    QCOMPARE(h.ids().mid(0, kCycles), range(1, kCycles));
    QVERIFY(h.server.requestCount() >= kCycles);
    QCOMPARE(h.maxRunningReplies, 1);
    QCOMPARE(h.liveReplies(), 0);
    QVERIFY(!h.client.hasRequestInFlight());
}

void tst_StreamClient::redirects_data()
{
    QTest::addColumn<bool>("sameOrigin");
    QTest::newRow("same origin is followed") << true;
    QTest::newRow("another origin is refused") << false;
}

void tst_StreamClient::redirects()
{
    QFETCH(bool, sameOrigin);

    Harness h;
    MisbehavingServer elsewhere;
    const QUrl target = sameOrigin ? h.server.url(QStringLiteral("/moved/stream"))
                                   : elsewhere.url(QStringLiteral("/moved/stream"));
    h.server.enqueue(
        kStreamPath, ServerScript::response(307, {}, {}, { { "Location", target.toEncoded() } }));
    h.server.enqueue("/moved/stream", ServerScript::eventStream().send(eventBytes(1)).stall());
    elsewhere.enqueue(ServerScript::eventStream().send(eventBytes(1)).stall());
    h.client.start();
    if (sameOrigin) {
        QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1" }), kTimeoutMs);
        QCOMPARE(h.server.requestCount(), 2);
        QCOMPARE(h.server.lastRequest().path, QByteArray("/moved/stream"));
        QCOMPARE(h.server.lastRequest().header("Authorization"), QByteArray("Bearer token-1"));
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), State::Failed, kTimeoutMs);
        QVERIFY(h.client.errorString().contains(QLatin1String("another origin")));
        QVERIFY(!QTest::qWaitFor([&] { return elsewhere.requestCount() > 0; }, kNoRetryLoopWaitMs));
        QVERIFY(h.received.isEmpty());
    }
}

void tst_StreamClient::unauthorizedThenRecoveryByRefresh()
{
    Harness h;
    int refreshes = 0;
    QObject::connect(&h.client, &StreamClient::tokenRefreshRequested, &h.client, [&] {
        ++refreshes;
        QMetaObject::invokeMethod(
            &h.client,
            [&] {
                h.token = QStringLiteral("token-2");
                h.client.resumeAfterTokenRefresh();
            },
            Qt::QueuedConnection);
    });
    h.server.enqueue(ServerScript::eventStream().send("retry: 20\n\n" + eventBytes(1)).close());
    h.server.enqueue(ServerScript::jsonError(401, "token_expired"));
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(2)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1", "2" }), kTimeoutMs);
    QCOMPARE(refreshes, 1);
    QCOMPARE(h.sentHeader("Authorization"),
        QByteArrayList({ "Bearer token-1", "Bearer token-1", "Bearer token-2" }));
    QCOMPARE(h.sentHeader("Last-Event-ID"), QByteArrayList({ QByteArray(), "1", "1" }));
    QCOMPARE(h.client.state(), State::Live);
}

void tst_StreamClient::tokenExpiredEventRefreshesAndResumes()
{
    Harness h;
    int refreshes = 0;
    QObject::connect(&h.client, &StreamClient::tokenRefreshRequested, &h.client, [&] {
        ++refreshes;
        h.token = QStringLiteral("token-2");
        h.client.resumeAfterTokenRefresh();
    });
    const QByteArray expiry
        = "event: system\ndata: {\"id\":null,\"topic\":null,\"type\":\"system\",\"data\":"
          "{\"kind\":\"token_expired\",\"message\":\"token expired\"}}\n\n";
    // The retry hint is long: resuming after a refresh must not wait for it.
    h.server.enqueue(
        ServerScript::eventStream().send("retry: 60000\n\n" + events(1, 2)).send(expiry).close());
    h.server.enqueue(ServerScript::eventStream().send(events(3, 4)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.received.size(), 5, kTimeoutMs);
    QCOMPARE(h.ids(), idList({ "1", "2", "", "3", "4" }));
    QCOMPARE(h.received.at(2).type, QStringLiteral("system"));
    QCOMPARE(refreshes, 1);
    QCOMPARE(h.server.lastRequest().header("Authorization"), QByteArray("Bearer token-2"));
    QCOMPARE(h.server.lastRequest().header("Last-Event-ID"), QByteArray("2"));
}

void tst_StreamClient::refreshFailureIsAuthExpiredWithoutLoop()
{
    Harness h;
    int refreshes = 0;
    QObject::connect(&h.client, &StreamClient::tokenRefreshRequested, &h.client, [&] {
        ++refreshes;
        h.client.failAuthentication(QStringLiteral("refresh_reused"));
    });
    h.server.setHandler(
        [](const ReceivedRequest &) { return ServerScript::jsonError(401, "token_expired"); });
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), State::AuthExpired, kTimeoutMs);
    QCOMPARE(h.client.errorString(), QStringLiteral("refresh_reused"));
    QVERIFY(!QTest::qWaitFor([&] { return h.server.requestCount() > 1; }, kNoRetryLoopWaitMs));
    QCOMPARE(refreshes, 1);
    QCOMPARE(h.states.last(), State::AuthExpired);
    QCOMPARE(h.liveReplies(), 0);
}

void tst_StreamClient::rejectedAfterRefreshIsAuthExpired()
{
    Harness h;
    int refreshes = 0;
    QObject::connect(&h.client, &StreamClient::tokenRefreshRequested, &h.client, [&] {
        ++refreshes;
        h.token = QStringLiteral("token-%1").arg(refreshes + 1);
        h.client.resumeAfterTokenRefresh();
    });
    h.server.setHandler(
        [](const ReceivedRequest &) { return ServerScript::jsonError(401, "invalid_token"); });
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), State::AuthExpired, kTimeoutMs);
    QVERIFY(h.client.errorString().contains(QLatin1String("invalid_token")));
    QVERIFY(!QTest::qWaitFor([&] { return h.server.requestCount() > 2; }, kNoRetryLoopWaitMs));
    QCOMPARE(refreshes, 1);
    QCOMPARE(h.server.requestCount(), 2);
}

void tst_StreamClient::fixedTokenRejectedIsAuthExpired()
{
    Harness h; // nothing connected to tokenRefreshRequested
    h.server.setHandler(
        [](const ReceivedRequest &) { return ServerScript::jsonError(401, "token_expired"); });
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), State::AuthExpired, kTimeoutMs);
    QVERIFY(h.client.errorString().contains(QLatin1String("token_expired")));
    QVERIFY(!QTest::qWaitFor([&] { return h.server.requestCount() > 1; }, kNoRetryLoopWaitMs));
}

void tst_StreamClient::retryNowSkipsTheWait()
{
    Harness h;
    h.client.setInitialRetryHint(600000);
    h.server.enqueue(ServerScript::jsonError(500, "internal"));
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(1)).stall());
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), State::Reconnecting, kTimeoutMs);
    QCOMPARE(h.client.reconnectDelay(), 600000);
    h.client.retryNow();
    h.client.retryNow(); // a second call while connecting adds no request
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1" }), kTimeoutMs);
    QCOMPARE(h.server.requestCount(), 2);
    QCOMPARE(h.maxRunningReplies, 1);
}

void tst_StreamClient::stopReleasesEverything()
{
    Harness h;
    h.server.enqueue(ServerScript::eventStream().send(eventBytes(1)).stall());
    h.client.start();
    h.client.start(); // already connecting: no second request
    QTRY_COMPARE_WITH_TIMEOUT(h.ids(), idList({ "1" }), kTimeoutMs);
    h.client.stop();
    QCOMPARE(h.client.state(), State::Idle);
    QCOMPARE(h.liveReplies(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(h.server.openConnectionCount(), 0, kTimeoutMs);
    QCOMPARE(h.server.requestCount(), 1);
}

void tst_StreamClient::tlsFailureIsFinal()
{
    Harness h;
    QUrl url = h.server.url(QString::fromLatin1(kStreamPath));
    url.setScheme(QStringLiteral("https"));
    h.client.setUrl(url);
    // A plain-HTTP server answering the ClientHello: the handshake fails.
    h.server.setHandler([](const ReceivedRequest &) {
        return ServerScript().send("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n").close();
    });
    h.client.start();
    QTRY_COMPARE_WITH_TIMEOUT(h.client.state(), State::Failed, kTimeoutMs);
    QVERIFY2(h.client.errorString().startsWith(QLatin1String("TLS error")),
        qPrintable(h.client.errorString()));
    QCOMPARE(h.server.lastRequest().method, QByteArray("TLS"));
    const int attempts = h.server.requestCount();
    QVERIFY(
        !QTest::qWaitFor([&] { return h.server.requestCount() > attempts; }, kNoRetryLoopWaitMs));
    QCOMPARE(h.liveReplies(), 0);
}

QTEST_GUILESS_MAIN(tst_StreamClient)
#include "tst_streamclient.moc"
