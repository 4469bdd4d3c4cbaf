// Tests for StreamEndpoint (issue 4): GET /api/v1/telemetry/stream on a real
// sightline-server (TestServer, in-process, 127.0.0.1), read by raw TCP
// clients whose body bytes go through the project's own SseParser.
#include <QDir>
#include <QEventLoop>
#include <QTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QHttpServer>
#include <QSocketNotifier>
#include <QTest>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <functional>
#include <memory>

#include "support/httpclient.h"
#include "support/streamreader.h"
#include "server/authservice.h"
#include "server/hub.h"
#include "server/rfc3339.h"
#include "server/server.h"
#include "server/storage.h"
#include "server/streamendpoint.h"
#include "server/telemetryapi.h"
#include "server/tokenservice.h"
#include "stream/sseparser.h"
#include "support/testserver.h"

using namespace Sightline;
using namespace Sightline::Test;

namespace {

// Generous: CI runs two test programs at once on two loaded cores.
constexpr int kTimeoutMs = 20000;
// Most tests count telemetry points; a device's first point also publishes
// a device_status event, which these leave out.
const QByteArray kTelemetry = QByteArrayLiteral("types=telemetry,system");

// Two accounts: acme with sites north and south, globex with site hq.
struct Fleet
{
    QByteArray northKey; // acme / north / n1
    QByteArray southKey; // acme / south / s1
    QByteArray globexKey; // globex / hq / g1

    bool provision(TestServer &server)
    {
        northKey = server.addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
        southKey = server.addDevice(QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("s1"));
        globexKey = server.addDevice(QStringLiteral("globex"), QStringLiteral("hq"), QStringLiteral("g1"));
        return !northKey.isEmpty() && !southKey.isEmpty() && !globexKey.isEmpty();
    }
};

// An access token minted by the running server's own TokenService (the
// same signature a sign-in would give, without the password hashing).
QByteArray tokenFor(TestServer &server, const QString &user, const QString &account, const QStringList &sites = {})
{
    return server.server()->auth()->tokens().issue(user, account, sites, QStringLiteral("test-family"));
}

QJsonObject point(const QString &deviceId, qint64 seq, int fieldCount = 1)
{
    QJsonObject fields;
    for (int i = 0; i < fieldCount; ++i)
        fields.insert(QStringLiteral("f%1").arg(i), double(seq) + i);
    return QJsonObject{{QStringLiteral("deviceId"), deviceId},
                       {QStringLiteral("ts"), formatRfc3339Utc(QDateTime::currentDateTimeUtc())},
                       {QStringLiteral("seq"), seq},
                       {QStringLiteral("fields"), fields}};
}

// Posts `count` points of one device in one batch through the ingest
// endpoint; returns the event ids (empty on failure).
QList<quint64> post(TestServer &server, const QByteArray &key, const QString &deviceId, int count,
                    qint64 firstSeq)
{
    QJsonArray batch;
    for (int i = 0; i < count; ++i)
        batch.append(point(deviceId, firstSeq + i));
    HttpClient http;
    const HttpResponse response = http.post(server.url(QStringLiteral("/api/v1/telemetry")),
                                            QJsonDocument(batch).toJson(QJsonDocument::Compact),
                                            {{"x-api-key", key}});
    QList<quint64> ids;
    if (response.status != 202) {
        qWarning() << "ingest answered" << response.status << response.body;
        return ids;
    }
    for (const QJsonValue &id : response.json().value(QStringLiteral("ids")).toArray())
        ids.append(id.toString().toULongLong());
    return ids;
}

// Publishes through the in-process hub (alerts and bulk data for tests that
// need many or large events); the id is known at once, the event goes out
// once stored.
quint64 publish(TestServer &server, const QString &topic, const QJsonObject &data,
                const QString &type = QStringLiteral("telemetry"))
{
    return server.server()->telemetry()->hub()->publish(topic, type, data).toULongLong();
}

// A telemetry event's data of about 2 KB (64 fields with long names), to
// fill a client's socket buffers quickly.
QJsonObject bulkyTelemetry(const QString &deviceId)
{
    QJsonObject fields;
    for (int i = 0; i < 64; ++i)
        fields.insert(QStringLiteral("field_with_a_long_name_%1").arg(i), 1234.5678 + i);
    return QJsonObject{{QStringLiteral("deviceId"), deviceId}, {QStringLiteral("fields"), fields}};
}

// A stream client that sends its request and never reads: a plain socket
// with a small receive buffer. Returns the descriptor (the caller closes
// it), or -1.
int openSilentStream(quint16 port, const QByteArray &token, const QByteArray &query = {})
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const QByteArray request = "GET /api/v1/telemetry/stream" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token + "\r\n\r\n";
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::send(fd, request.constData(), size_t(request.size()), 0) != ssize_t(request.size())) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int openFileCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::System | QDir::Files).size());
}

// "a,b" -> {"a", "b"} (the tests build without casts from ASCII).
QStringList names(const char *commaSeparated)
{
    return QString::fromLatin1(commaSeparated).split(QLatin1Char(','));
}

} // namespace

class tst_StreamEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bearerFailures_data();
    void bearerFailures();
    void headersAndFirstBytes();
    void framing();
    void scopeOfEachToken_data();
    void scopeOfEachToken();
    void refusedQueries_data();
    void refusedQueries();
    void resumeExactly();
    void resumeAcrossRestart();
    void resumeWhilePublishing();
    void resumeOlderThanRetention();
    void heartbeatWhenIdle_data();
    void heartbeatWhenIdle();
    void tokenExpiredAtExp();
    void slowClientDropped();
    void pipelinedBytesIgnored();
    void tooManyStreams();
    void gracefulShutdown();
    void eventsOfOneTurnGoOutTogether();
    void metrics();
    void connectDisconnectCyclesLeaveNothing();
    void closesAreWatchedInOneSet();
    void fanOutOverThreadsKeepsEveryStreamExact();
};

void tst_StreamEndpoint::bearerFailures_data()
{
    QTest::addColumn<QByteArray>("authorization"); // the whole header value; null: no header
    QTest::addColumn<QByteArray>("expectedError");
    QTest::addColumn<QByteArray>("challengePrefix");

    QTest::newRow("no Authorization header") << QByteArray() << QByteArray("missing_token")
                                             << QByteArray("Bearer realm=\"sightline\"");
    QTest::newRow("another scheme") << QByteArray("Basic YTpi") << QByteArray("missing_token")
                                    << QByteArray("Bearer realm=\"sightline\"");
    QTest::newRow("bearer without a token") << QByteArray("Bearer ") << QByteArray("invalid_token")
                                            << QByteArray("Bearer realm=\"sightline\", error=\"invalid_token\"");
    QTest::newRow("not a JWT") << QByteArray("Bearer not-a-jwt") << QByteArray("invalid_token")
                               << QByteArray("Bearer realm=\"sightline\", error=\"invalid_token\"");
    QTest::newRow("signed with another key") << QByteArray("OTHER-KEY") << QByteArray("invalid_token")
                                             << QByteArray("Bearer realm=\"sightline\", error=\"invalid_token\"");
    QTest::newRow("expired token") << QByteArray("EXPIRED") << QByteArray("token_expired")
                                   << QByteArray("Bearer realm=\"sightline\", error=\"invalid_token\"");
}

void tst_StreamEndpoint::bearerFailures()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, expectedError);
    QFETCH(QByteArray, challengePrefix);

    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    if (authorization == "OTHER-KEY") {
        TokenService other(QByteArray(64, 'k'), server.config().issuer, 900);
        authorization = "Bearer " + other.issue(QStringLiteral("u"), QStringLiteral("acme"), {}, QStringLiteral("f"));
    } else if (authorization == "EXPIRED") {
        QString error;
        const auto secret = TokenService::loadOrCreateSecret(server.dataDir(), &error);
        QVERIFY2(secret, qPrintable(error));
        TokenService past(*secret, server.config().issuer, 60);
        past.setClock([] { return QDateTime::currentSecsSinceEpoch() - 3600; });
        authorization = "Bearer " + past.issue(QStringLiteral("u"), QStringLiteral("acme"), {}, QStringLiteral("f"));
    }
    HttpClient::Headers headers;
    if (!authorization.isNull())
        headers.append({"Authorization", authorization});
    HttpClient http;
    const HttpResponse response = http.get(server.url(QStringLiteral("/api/v1/telemetry/stream")), headers);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.errorCode(), QString::fromLatin1(expectedError));
    QVERIFY(!response.json().value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY2(response.header("WWW-Authenticate").startsWith(challengePrefix), response.header("WWW-Authenticate"));
    QCOMPARE(server.server()->stream()->clientCount(), 0);
}

void tst_StreamEndpoint::headersAndFirstBytes()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")));
    QTRY_VERIFY_WITH_TIMEOUT(reader.body().size() >= 14, kTimeoutMs);
    QCOMPARE(reader.status(), 200);
    QCOMPARE(reader.header("Content-Type"), QByteArray("text/event-stream"));
    QCOMPARE(reader.header("Cache-Control"), QByteArray("no-cache"));
    QCOMPARE(reader.header("X-Accel-Buffering"), QByteArray("no"));
    QCOMPARE(reader.header("Connection"), QByteArray("close"));
    // A close-delimited body: neither a length nor chunking.
    QVERIFY(!reader.hasHeader("Content-Length"));
    QVERIFY(!reader.hasHeader("Transfer-Encoding"));
    QVERIFY2(reader.body().startsWith("retry: 10000\n\n"), reader.body().constData());
    QCOMPARE(reader.retryHint(), qint64(10000));
    QVERIFY(!reader.isClosed());
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 1, kTimeoutMs);
}

void tst_StreamEndpoint::framing()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), "types=telemetry");
    QTRY_VERIFY_WITH_TIMEOUT(reader.body().startsWith("retry: 10000\n\n"), kTimeoutMs);

    const QList<quint64> ids = post(server, fleet.northKey, QStringLiteral("n1"), 1, 812);
    QCOMPARE(ids.size(), 1);
    QVERIFY(reader.waitForIds(1));

    // The exact frame: id line, event line, one data line, blank line.
    const QByteArray frame = reader.body().mid(14);
    const QByteArray head = "id: " + QByteArray::number(ids.first()) + "\nevent: telemetry\ndata: {";
    QVERIFY2(frame.startsWith(head), frame.constData());
    QVERIFY(frame.endsWith("}\n\n"));
    QCOMPARE(frame.count('\n'), 4);

    const SseEvent &event = reader.events().first();
    QCOMPARE(event.type, QStringLiteral("telemetry"));
    QCOMPARE(event.lastEventId, QString::number(ids.first()));
    const QJsonObject json = QJsonDocument::fromJson(event.data).object();
    QCOMPARE(json.value(QStringLiteral("id")).toString(), QString::number(ids.first()));
    QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("telemetry"));
    QCOMPARE(json.value(QStringLiteral("topic")).toString(), QStringLiteral("account:acme/site:north/device:n1"));
    QVERIFY(parseRfc3339(json.value(QStringLiteral("ts")).toString()));
    const QJsonObject data = json.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("deviceId")).toString(), QStringLiteral("n1"));
    QCOMPARE(data.value(QStringLiteral("seq")).toInteger(), qint64(812));
    QVERIFY(parseRfc3339(data.value(QStringLiteral("ts")).toString()));
    QCOMPARE(data.value(QStringLiteral("fields")).toObject().value(QStringLiteral("f0")).toDouble(), 812.0);
}

void tst_StreamEndpoint::scopeOfEachToken_data()
{
    QTest::addColumn<QString>("account");
    QTest::addColumn<QStringList>("tokenSites");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QStringList>("expectedDevices"); // of n1, s1, g1 and the n1 alert

    QTest::newRow("account-wide user sees both acme sites")
        << QStringLiteral("acme") << QStringList() << QByteArray() << names("n1,s1,n1-alert");
    QTest::newRow("site-limited user sees only north")
        << QStringLiteral("acme") << names("north") << QByteArray() << names("n1,n1-alert");
    QTest::newRow("other account sees only its own")
        << QStringLiteral("globex") << QStringList() << QByteArray() << names("g1");
    QTest::newRow("siteId narrows to south")
        << QStringLiteral("acme") << QStringList() << QByteArray("siteId=south") << names("s1");
    QTest::newRow("deviceId list narrows")
        << QStringLiteral("acme") << QStringList() << QByteArray("deviceId=s1") << names("s1");
    QTest::newRow("types narrow to alerts")
        << QStringLiteral("acme") << QStringList() << QByteArray("types=alert") << names("n1-alert");
    QTest::newRow("site and device lists together")
        << QStringLiteral("acme") << QStringList() << QByteArray("siteId=north&deviceId=n1&types=telemetry,system")
        << names("n1");
}

void tst_StreamEndpoint::scopeOfEachToken()
{
    QFETCH(QString, account);
    QFETCH(QStringList, tokenSites);
    QFETCH(QByteArray, query);
    QFETCH(QStringList, expectedDevices);

    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    // device_status events (a device's first point sets it online) are not
    // what this test counts; rows that name types already leave them out.
    if (!query.contains("types="))
        query += QByteArray(query.isEmpty() ? "" : "&") + "types=telemetry,alert,system";
    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("u"), account, tokenSites), query);
    QTRY_VERIFY_WITH_TIMEOUT(reader.body().startsWith("retry: 10000\n\n"), kTimeoutMs);

    // Two rounds of one event per source; ids grow in publish order and a
    // stream delivers in id order, so once a client has its round-two
    // events, any round-one leak would already be in front of them.
    QHash<quint64, QString> source;
    for (int round = 0; round < 2; ++round) {
        source.insert(post(server, fleet.northKey, QStringLiteral("n1"), 1, round).value(0), QStringLiteral("n1"));
        source.insert(post(server, fleet.southKey, QStringLiteral("s1"), 1, round).value(0), QStringLiteral("s1"));
        source.insert(post(server, fleet.globexKey, QStringLiteral("g1"), 1, round).value(0), QStringLiteral("g1"));
        source.insert(publish(server, QStringLiteral("account:acme/site:north/device:n1"),
                              QJsonObject{{QStringLiteral("deviceId"), QStringLiteral("n1")},
                                          {QStringLiteral("ruleId"), QStringLiteral("hot")}},
                              QStringLiteral("alert")),
                      QStringLiteral("n1-alert"));
    }
    QVERIFY(!source.contains(0));
    const qsizetype expected = expectedDevices.size() * 2;
    QVERIFY2(reader.waitForIds(expected), qPrintable(QString::number(reader.ids().size())));
    // Settle: let anything that would leak arrive.
    const quint64 marker = post(server, fleet.globexKey, QStringLiteral("g1"), 1, 99).value(0);
    QVERIFY(marker);
    const QList<quint64> ids = reader.ids();
    QStringList seen;
    for (quint64 id : ids) {
        if (id == marker)
            continue;
        QVERIFY2(source.contains(id), qPrintable(QString::number(id)));
        seen.append(source.value(id));
    }
    QStringList want = expectedDevices + expectedDevices;
    want.sort();
    QStringList got = seen.mid(0, expected);
    got.sort();
    QCOMPARE(got, want);
    QVERIFY(std::is_sorted(ids.begin(), ids.end()));
}

void tst_StreamEndpoint::refusedQueries_data()
{
    QTest::addColumn<QStringList>("tokenSites");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("lastEventId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    const QString forbidden = QStringLiteral("forbidden");
    const QString invalid = QStringLiteral("invalid_request");
    QTest::newRow("site outside the token's sites") << names("north") << QByteArray("siteId=south") << QByteArray() << 403 << forbidden;
    QTest::newRow("site of another account") << QStringList() << QByteArray("siteId=hq") << QByteArray() << 403 << forbidden;
    QTest::newRow("site that does not exist") << QStringList() << QByteArray("siteId=nowhere") << QByteArray() << 403 << forbidden;
    QTest::newRow("device of another account") << QStringList() << QByteArray("deviceId=g1") << QByteArray() << 403 << forbidden;
    QTest::newRow("device outside the token's sites") << names("north") << QByteArray("deviceId=n1,s1") << QByteArray() << 403 << forbidden;
    QTest::newRow("device that does not exist") << QStringList() << QByteArray("deviceId=ghost") << QByteArray() << 403 << forbidden;
    QTest::newRow("unknown type") << QStringList() << QByteArray("types=telemetry,metrics") << QByteArray() << 400 << invalid;
    QTest::newRow("empty item in a list") << QStringList() << QByteArray("deviceId=n1,") << QByteArray() << 400 << invalid;
    QTest::newRow("unknown parameter") << QStringList() << QByteArray("device=n1") << QByteArray() << 400 << invalid;
    QTest::newRow("repeated parameter") << QStringList() << QByteArray("siteId=north&siteId=south") << QByteArray() << 400 << invalid;
    QTest::newRow("device not in the named site") << QStringList() << QByteArray("siteId=north&deviceId=s1") << QByteArray() << 400 << invalid;
    QTest::newRow("Last-Event-ID not decimal") << QStringList() << QByteArray() << QByteArray("abc") << 400 << invalid;
    QTest::newRow("Last-Event-ID negative") << QStringList() << QByteArray() << QByteArray("-1") << 400 << invalid;
    QTest::newRow("Last-Event-ID with a leading zero") << QStringList() << QByteArray() << QByteArray("01") << 400 << invalid;
    QTest::newRow("Last-Event-ID never issued") << QStringList() << QByteArray() << QByteArray("1000") << 400 << invalid;
    QTest::newRow("Last-Event-ID beyond 64 bits") << QStringList() << QByteArray() << QByteArray("99999999999999999999999") << 400 << invalid;
}

void tst_StreamEndpoint::refusedQueries()
{
    QFETCH(QStringList, tokenSites);
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, lastEventId);
    QFETCH(int, status);
    QFETCH(QString, error);

    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(post(server, fleet.northKey, QStringLiteral("n1"), 3, 1).size(), 3); // ids 1..3 issued

    HttpClient::Headers headers{{"Authorization", "Bearer " + tokenFor(server, QStringLiteral("u"), QStringLiteral("acme"), tokenSites)}};
    if (!lastEventId.isEmpty())
        headers.append({"Last-Event-ID", lastEventId});
    QUrl url = server.url(QStringLiteral("/api/v1/telemetry/stream"));
    url.setQuery(QString::fromLatin1(query));
    HttpClient http;
    const HttpResponse response = http.get(url, headers);
    QCOMPARE(response.status, status);
    QCOMPARE(response.errorCode(), error);
    QVERIFY(!response.json().value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY(!response.body.contains("n1\"")); // never the data
    QCOMPARE(server.server()->stream()->clientCount(), 0);
}

void tst_StreamEndpoint::resumeExactly()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));

    auto first = std::make_unique<StreamReader>();
    first->open(server.port(), token, kTelemetry);
    QTRY_VERIFY_WITH_TIMEOUT(first->hasHeaders(), kTimeoutMs);
    const QList<quint64> before = post(server, fleet.northKey, QStringLiteral("n1"), 5, 1);
    QCOMPARE(before.size(), 5);
    QVERIFY(first->waitForIds(5));
    QCOMPARE(first->ids(), before);
    const QByteArray lastId = first->events().last().lastEventId.toUtf8();
    first->close();
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 0, kTimeoutMs);

    // Missed while away: acme points (from both sites) and globex noise.
    QList<quint64> missed = post(server, fleet.southKey, QStringLiteral("s1"), 3, 1);
    QCOMPARE(post(server, fleet.globexKey, QStringLiteral("g1"), 2, 1).size(), 2);
    missed += post(server, fleet.northKey, QStringLiteral("n1"), 4, 6);
    QCOMPARE(missed.size(), 7);

    StreamReader second;
    second.open(server.port(), token, kTelemetry, lastId);
    QVERIFY(second.waitForIds(7));
    QCOMPARE(second.status(), 200);
    QVERIFY(second.body().startsWith("retry: 10000\n\n"));
    QCOMPARE(second.ids(), missed);
    QVERIFY(second.systemEvents().isEmpty()); // nothing was lost to retention

    // Then live.
    const QList<quint64> live = post(server, fleet.northKey, QStringLiteral("n1"), 2, 10);
    QVERIFY(second.waitForIds(9));
    QCOMPARE(second.ids(), missed + live);
    QVERIFY(server.server()->stream()->eventsReplayed() >= 7);
}

void tst_StreamEndpoint::resumeAcrossRestart()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    StreamReader first;
    first.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry);
    QTRY_VERIFY_WITH_TIMEOUT(first.hasHeaders(), kTimeoutMs);
    const QList<quint64> seen = post(server, fleet.northKey, QStringLiteral("n1"), 3, 1);
    QVERIFY(first.waitForIds(3));
    QList<quint64> missed = post(server, fleet.northKey, QStringLiteral("n1"), 2, 4); // not read before the restart
    QCOMPARE(missed.size(), 2);

    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(first.isClosed(), kTimeoutMs);
    missed += post(server, fleet.southKey, QStringLiteral("s1"), 2, 1);
    QCOMPARE(missed.size(), 4);
    QVERIFY(missed.at(2) > missed.at(1)); // ids never reused across the restart

    StreamReader second;
    second.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry,
                QByteArray::number(seen.last()));
    QVERIFY(second.waitForIds(4));
    QCOMPARE(second.ids(), missed);
}

void tst_StreamEndpoint::resumeWhilePublishing()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    // A log of several replay pages.
    QList<quint64> all;
    for (int batch = 0; batch < 3; ++batch)
        all += post(server, fleet.northKey, QStringLiteral("n1"), 1000, batch * 1000);
    QCOMPARE(all.size(), 3000);
    const quint64 resumeFrom = all.at(99);

    // Publish continuously while the client replays, so live events arrive
    // before, during and after the seam.
    const QString topic = QStringLiteral("account:acme/site:south/device:s1");
    QTimer publisher;
    publisher.setInterval(1);
    int published = 0;
    QObject::connect(&publisher, &QTimer::timeout, &publisher, [&] {
        for (int i = 0; i < 5; ++i)
            all.append(publish(server, topic, QJsonObject{{QStringLiteral("n"), ++published}}));
    });
    publisher.start();
    QTRY_VERIFY_WITH_TIMEOUT(published >= 50, kTimeoutMs);

    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry,
                QByteArray::number(resumeFrom));
    // Keep publishing until the client is well past the seam.
    QVERIFY(reader.waitForIds(2900 + 200));
    QVERIFY(reader.waitUntil([&] { return published >= 1000; }));
    publisher.stop();
    const quint64 lastId = all.last();
    QVERIFY(reader.waitUntil([&] { return !reader.ids().isEmpty() && reader.ids().last() >= lastId; }));

    const QList<quint64> expected = all.mid(100);
    const QList<quint64> got = reader.ids();
    QCOMPARE(got.size(), expected.size());
    QCOMPARE(got, expected);
}

void tst_StreamEndpoint::resumeOlderThanRetention()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    Hub *hub = server.server()->telemetry()->hub();
    QList<StoredEvent> published; // telemetry only (device_status events come too)
    QObject::connect(hub, &Hub::eventPublished, hub, [&published](const StoredEvent &event) {
        if (event.type == QLatin1String("telemetry"))
            published.append(event);
    });

    const QList<quint64> old = post(server, fleet.northKey, QStringLiteral("n1"), 5, 1);
    QCOMPARE(old.size(), 5);
    QTRY_COMPARE_WITH_TIMEOUT(published.size(), 5, kTimeoutMs);
    const QDateTime oldTs = published.last().ts;
    // The next events must be published strictly later than the old ones.
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > oldTs.addMSecs(2), kTimeoutMs);
    const QList<quint64> kept = post(server, fleet.northKey, QStringLiteral("n1"), 3, 6);
    QCOMPARE(kept.size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(published.size(), 8, kTimeoutMs);
    const QDateTime cutoff = published.at(5).ts;

    // Retention: purge everything older than the first kept event.
    bool purged = false;
    server.server()->telemetry()->storage()->purge(cutoff, [&purged](bool ok) { purged = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(purged, kTimeoutMs);

    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry,
                QByteArray::number(old.at(1)));
    QVERIFY(reader.waitForIds(3));
    QCOMPARE(reader.ids(), kept);
    // The notice comes first, where the gap is; it is not part of the log.
    QCOMPARE(reader.events().first().type, QStringLiteral("system"));
    QCOMPARE(reader.events().first().lastEventId, QString()); // no id line
    const QList<QJsonObject> system = reader.systemEvents();
    QCOMPARE(system.size(), 1);
    QVERIFY(system.first().value(QStringLiteral("id")).isNull());
    QVERIFY(system.first().value(QStringLiteral("topic")).isNull());
    QCOMPARE(system.first().value(QStringLiteral("data")).toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("notice"));
    QVERIFY(!reader.body().contains(QByteArray("id: " + QByteArray::number(old.at(4)) + "\n")));

    // A client that had every event up to the oldest retained one gets no
    // notice. (Purged ids are not known by type any more, so the last
    // purged id counts whether or not this client's types included it: the
    // device_status event of n1's first point sits between old and kept.)
    StreamReader upToDate;
    upToDate.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry,
                  QByteArray::number(kept.first() - 1));
    QVERIFY(upToDate.waitForIds(3));
    QCOMPARE(upToDate.ids(), kept);
    QVERIFY(upToDate.systemEvents().isEmpty());
}

void tst_StreamEndpoint::heartbeatWhenIdle_data()
{
    QTest::addColumn<int>("streams");
    QTest::newRow("one stream") << 1;
    // Enough for the pings of one tick to be spread over FanOutSender's threads.
    QTest::newRow("a fan-out of pings") << 200;
}

void tst_StreamEndpoint::heartbeatWhenIdle()
{
    QFETCH(int, streams);
    TestServer server;
    server.config().heartbeatSeconds = 1;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));
    std::vector<std::unique_ptr<StreamReader>> readers;
    for (int i = 0; i < streams; ++i) {
        readers.push_back(std::make_unique<StreamReader>());
        readers.back()->open(server.port(), token);
    }
    for (const auto &reader : readers) {
        QTRY_VERIFY_WITH_TIMEOUT(reader->hasHeaders(), kTimeoutMs);
        QVERIFY(!reader->body().contains(": ping\n"));
    }
    for (const auto &reader : readers) {
        QTRY_VERIFY_WITH_TIMEOUT(reader->body().count(": ping\n") >= 2, kTimeoutMs);
        QVERIFY(reader->events().isEmpty()); // comments dispatch nothing
        QVERIFY(!reader->isClosed());
    }
    if (streams > int(2 * FanOutSender::kChunk))
        QTRY_VERIFY_WITH_TIMEOUT(server.server()->stream()->pooledWrites() > 0, kTimeoutMs);
}

void tst_StreamEndpoint::tokenExpiredAtExp()
{
    TestServer server;
    server.config().accessTokenTtlSeconds = 2;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY(server.addUser(QStringLiteral("acme"), QStringLiteral("alice"), "secret"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QString token = server.signIn(QStringLiteral("alice"), "secret"); // a real sign-in
    QVERIFY2(!token.isEmpty(), qPrintable(server.errorString()));
    const qint64 exp = QJsonDocument::fromJson(QByteArray::fromBase64(token.section(QLatin1Char('.'), 1, 1).toLatin1(),
                                                                      QByteArray::Base64UrlEncoding))
                           .object()
                           .value(QStringLiteral("exp"))
                           .toInteger();
    QVERIFY(exp > 0);

    StreamReader reader;
    reader.open(server.port(), token.toLatin1());
    QTRY_VERIFY_WITH_TIMEOUT(reader.hasHeaders(), kTimeoutMs);
    QCOMPARE(reader.status(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(reader.hasSystemEvent(QStringLiteral("token_expired")), kTimeoutMs);
    QVERIFY(QDateTime::currentMSecsSinceEpoch() >= exp * 1000); // not before exp
    QTRY_VERIFY_WITH_TIMEOUT(reader.isClosed(), kTimeoutMs);
    QCOMPARE(reader.systemEvents().size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->connectionObjectCount(), 0, kTimeoutMs);
}

void tst_StreamEndpoint::slowClientDropped()
{
    TestServer server;
    server.config().slowClientMaxBytes = 64 * 1024;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    StreamEndpoint *endpoint = server.server()->stream();
    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));

    const int fd = openSilentStream(server.port(), token);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });

    StreamReader normal;
    normal.open(server.port(), token);
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), 2, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(normal.hasHeaders(), kTimeoutMs);

    // Large events until the silent client is dropped; the reading one must
    // keep up with every single one meanwhile.
    const QJsonObject data = bulkyTelemetry(QStringLiteral("n1"));
    QList<quint64> ids;
    const QString topic = QStringLiteral("account:acme/site:north/device:n1");
    for (int chunk = 0; chunk < 400 && endpoint->slowClientsDropped() == 0; ++chunk) {
        for (int i = 0; i < 25; ++i)
            ids.append(publish(server, topic, data));
        QVERIFY2(normal.waitForIds(ids.size()), qPrintable(QStringLiteral("chunk %1: %2 of %3").arg(chunk).arg(normal.ids().size()).arg(ids.size())));
    }
    QCOMPARE(endpoint->slowClientsDropped(), quint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), 1, kTimeoutMs);
    QCOMPARE(normal.ids(), ids);
    QVERIFY(!normal.isClosed());

    // The normal client still gets everything promptly after the drop.
    const quint64 after = publish(server, topic, QJsonObject{{QStringLiteral("deviceId"), QStringLiteral("n1")}});
    QVERIFY(normal.waitForIds(ids.size() + 1));
    QCOMPARE(normal.ids().last(), after);

    HttpClient http;
    const HttpResponse metrics = http.get(server.url(QStringLiteral("/metrics")));
    QVERIFY(metrics.body.contains("\nsightline_stream_slow_clients_dropped_total 1\n"));
}

void tst_StreamEndpoint::pipelinedBytesIgnored()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    // A second request right behind the stream request must not be answered
    // in the middle of the event stream.
    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry, {},
                "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(reader.hasHeaders(), kTimeoutMs);
    const QList<quint64> ids = post(server, fleet.northKey, QStringLiteral("n1"), 2, 1);
    QVERIFY(reader.waitForIds(2));
    QCOMPARE(reader.ids(), ids);
    QVERIFY(!reader.body().contains("HTTP/1.1"));
}

void tst_StreamEndpoint::tooManyStreams()
{
    TestServer server;
    server.config().maxStreamClients = 2;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));

    StreamReader a;
    StreamReader b;
    a.open(server.port(), token);
    b.open(server.port(), token);
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 2, kTimeoutMs);
    HttpClient http;
    const HttpResponse refused = http.get(server.url(QStringLiteral("/api/v1/telemetry/stream")),
                                          {{"Authorization", "Bearer " + token}});
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.header("Retry-After").isEmpty());
    QVERIFY(!refused.errorCode().isEmpty());

    // A freed place can be taken again.
    a.close();
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 1, kTimeoutMs);
    StreamReader c;
    c.open(server.port(), token);
    QTRY_VERIFY_WITH_TIMEOUT(c.hasHeaders(), kTimeoutMs);
    QCOMPARE(c.status(), 200);
}

void tst_StreamEndpoint::gracefulShutdown()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    StreamReader a;
    StreamReader b;
    a.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")));
    b.open(server.port(), tokenFor(server, QStringLiteral("gary"), QStringLiteral("globex")), "types=telemetry");
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 2, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(a.hasHeaders() && b.hasHeaders(), kTimeoutMs);

    server.stop();
    for (StreamReader *reader : {&a, &b}) {
        QTRY_VERIFY_WITH_TIMEOUT(reader->isClosed(), kTimeoutMs);
        QVERIFY2(reader->hasSystemEvent(QStringLiteral("shutdown")), reader->body().constData());
        QCOMPARE(reader->events().last().type, QStringLiteral("system"));
    }
}

// Events published in one turn of the event loop leave at its end, one
// write per client that sees them all: each client still gets exactly its
// own events in id order, and a shutdown in that same turn sends them
// before its notice.
void tst_StreamEndpoint::eventsOfOneTurnGoOutTogether()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    StreamReader all;
    StreamReader onlyN1;
    StreamReader globex;
    all.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), "types=telemetry");
    onlyN1.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")),
                "types=telemetry&deviceId=n1");
    globex.open(server.port(), tokenFor(server, QStringLiteral("gary"), QStringLiteral("globex")), "types=telemetry");
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 3, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(all.hasHeaders() && onlyN1.hasHeaders() && globex.hasHeaders(), kTimeoutMs);

    Hub *hub = server.server()->telemetry()->hub();
    quint64 nextId = 1'000'000; // above anything the hub issued
    auto event = [&nextId](const QString &account, const QString &site, const QString &device) {
        StoredEvent e;
        e.id = nextId++;
        e.ts = QDateTime::currentDateTimeUtc();
        e.topic = QStringLiteral("account:%1/site:%2/device:%3").arg(account, site, device);
        e.type = QStringLiteral("telemetry");
        e.data = QJsonObject{{QStringLiteral("deviceId"), device}};
        e.accountId = account;
        e.siteId = site;
        e.deviceId = device;
        return e;
    };
    QList<quint64> acme, n1, other;
    for (int i = 0; i < 30; ++i) { // one turn: nothing returns to the event loop
        const StoredEvent e = i % 6 == 5 ? event(QStringLiteral("globex"), QStringLiteral("hq"), QStringLiteral("g1"))
                              : i % 2 ? event(QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("s1"))
                                      : event(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
        (e.accountId == QLatin1String("globex") ? other : acme).append(e.id);
        if (e.deviceId == QLatin1String("n1"))
            n1.append(e.id);
        Q_EMIT hub->eventPublished(e);
    }
    QVERIFY(all.waitForIds(acme.size()));
    QVERIFY(onlyN1.waitForIds(n1.size()));
    QVERIFY(globex.waitForIds(other.size()));
    QCOMPARE(all.ids(), acme);
    QCOMPARE(onlyN1.ids(), n1);
    QCOMPARE(globex.ids(), other);

    const StoredEvent last1 = event(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
    const StoredEvent last2 = event(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
    Q_EMIT hub->eventPublished(last1);
    Q_EMIT hub->eventPublished(last2);
    server.stop(); // same turn
    QTRY_VERIFY_WITH_TIMEOUT(all.isClosed(), kTimeoutMs);
    QCOMPARE(all.ids().mid(acme.size()), (QList<quint64>{last1.id, last2.id}));
    QCOMPARE(all.events().last().type, QStringLiteral("system"));
    QVERIFY2(all.hasSystemEvent(QStringLiteral("shutdown")), all.body().constData());
}

void tst_StreamEndpoint::metrics()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    StreamReader reader;
    reader.open(server.port(), tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme")), kTelemetry);
    QTRY_COMPARE_WITH_TIMEOUT(server.server()->stream()->clientCount(), 1, kTimeoutMs);
    QCOMPARE(post(server, fleet.northKey, QStringLiteral("n1"), 3, 1).size(), 3);
    QVERIFY(reader.waitForIds(3));

    HttpClient http;
    const QByteArray text = http.get(server.url(QStringLiteral("/metrics"))).body;
    QVERIFY2(text.contains("# TYPE sightline_stream_clients gauge\nsightline_stream_clients 1\n"), text.constData());
    QVERIFY(text.contains("\nsightline_stream_events_delivered_total 3\n"));
    QVERIFY(text.contains("\nsightline_stream_events_replayed_total 0\n"));
    QVERIFY(text.contains("\nsightline_stream_slow_clients_dropped_total 0\n"));
    QVERIFY(text.contains("sightline_events_published_total"));
}

void tst_StreamEndpoint::connectDisconnectCyclesLeaveNothing()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    StreamEndpoint *endpoint = server.server()->stream();
    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));

    // Warm up (lazily created sockets and database handles), then measure.
    {
        StreamReader reader;
        reader.open(server.port(), token);
        QTRY_VERIFY_WITH_TIMEOUT(reader.hasHeaders(), kTimeoutMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->connectionObjectCount(), 0, kTimeoutMs);
    const int filesBefore = openFileCount();
    const qsizetype childrenBefore = endpoint->children().size();

    for (int cycle = 0; cycle < 1000; ++cycle) {
        StreamReader reader;
        reader.open(server.port(), token, (cycle % 2) ? QByteArray("types=telemetry") : QByteArray(),
                    (cycle % 3) ? QByteArray() : QByteArray("0"));
        QVERIFY2(reader.waitUntil([&] { return reader.body().startsWith("retry: 10000\n\n"); }),
                 qPrintable(QStringLiteral("cycle %1").arg(cycle)));
        reader.close();
    }
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), 0, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->connectionObjectCount(), 0, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->children().size(), childrenBefore, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(openFileCount() <= filesBefore, kTimeoutMs);
}

void tst_StreamEndpoint::closesAreWatchedInOneSet()
{
    TestServer server;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    StreamEndpoint *endpoint = server.server()->stream();
    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));
    // Qt's dispatcher polls every enabled notifier on every turn; stream
    // sockets must not add one each (the sockets are the HTTP server's).
    const auto enabledReadNotifiers = [&] {
        int count = 0;
        for (QSocketNotifier *notifier : server.server()->httpServer()->findChildren<QSocketNotifier *>())
            count += notifier->type() == QSocketNotifier::Read && notifier->isEnabled() ? 1 : 0;
        return count;
    };
    const int before = enabledReadNotifiers();

    constexpr int kStreams = 20;
    std::vector<std::unique_ptr<StreamReader>> readers;
    for (int i = 0; i < kStreams; ++i) {
        readers.push_back(std::make_unique<StreamReader>());
        readers.back()->open(server.port(), token);
    }
    for (const auto &reader : readers)
        QTRY_VERIFY_WITH_TIMEOUT(reader->hasHeaders(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), kStreams, kTimeoutMs);
    QCOMPARE(endpoint->watchedClientCount(), kStreams);
    QVERIFY2(enabledReadNotifiers() <= before,
             qPrintable(QStringLiteral("%1 read notifiers, %2 before the streams").arg(enabledReadNotifiers()).arg(before)));

    // Peers that go away are seen at once, through the one set.
    for (int i = 0; i < kStreams / 2; ++i)
        readers.at(std::size_t(i))->close();
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), kStreams / 2, kTimeoutMs);
    QCOMPARE(endpoint->watchedClientCount(), kStreams / 2);
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->connectionObjectCount(), kStreams / 2, kTimeoutMs);

    // Bytes a client sends are read and dropped there; the stream goes on.
    StreamReader &chatty = *readers.back();
    QVERIFY(chatty.sendRaw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    const QList<quint64> ids = post(server, fleet.northKey, QStringLiteral("n1"), 3, 1);
    for (int i = kStreams / 2; i < kStreams; ++i)
        QVERIFY(readers.at(std::size_t(i))->waitForIds(3));
    QCOMPARE(chatty.ids(), ids);
    QVERIFY(!chatty.body().contains("HTTP/1.1"));
    QCOMPARE(endpoint->clientCount(), kStreams / 2);
}

void tst_StreamEndpoint::fanOutOverThreadsKeepsEveryStreamExact()
{
    TestServer server;
    server.config().slowClientMaxBytes = 64 * 1024;
    Fleet fleet;
    QVERIFY(fleet.provision(server));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    StreamEndpoint *endpoint = server.server()->stream();
    const QByteArray token = tokenFor(server, QStringLiteral("alice"), QStringLiteral("acme"));

    // Enough clients for several chunks of FanOutSender's writes: most see
    // everything (sent by the pool and the event loop together), some are
    // filtered (written on the event loop), and one never reads (its bytes
    // end up queued in its socket until it is dropped).
    constexpr int kAll = 300;
    constexpr int kFiltered = 10;
    std::vector<std::unique_ptr<StreamReader>> all;
    std::vector<std::unique_ptr<StreamReader>> onlyN1;
    for (int i = 0; i < kAll; ++i) {
        all.push_back(std::make_unique<StreamReader>());
        all.back()->open(server.port(), token, "types=telemetry");
    }
    for (int i = 0; i < kFiltered; ++i) {
        onlyN1.push_back(std::make_unique<StreamReader>());
        onlyN1.back()->open(server.port(), token, "types=telemetry&deviceId=n1");
    }
    const int silent = openSilentStream(server.port(), token, "?types=telemetry");
    QVERIFY(silent >= 0);
    const auto closeSilent = qScopeGuard([silent] { ::close(silent); });
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), kAll + kFiltered + 1, kTimeoutMs);

    // Large events of two devices, a few per turn, until the silent client
    // is dropped and the pool has sent a share.
    const QJsonObject northData = bulkyTelemetry(QStringLiteral("n1"));
    const QJsonObject southData = bulkyTelemetry(QStringLiteral("s1"));
    QList<quint64> acme;
    QList<quint64> n1;
    const auto allHave = [](const std::vector<std::unique_ptr<StreamReader>> &readers, qsizetype count) {
        for (const auto &reader : readers) {
            if (!reader->waitForIds(count))
                return false;
        }
        return true;
    };
    for (int turn = 0; turn < 1000 && (endpoint->slowClientsDropped() == 0 || endpoint->pooledWrites() == 0); ++turn) {
        for (int i = 0; i < 6; ++i) {
            const bool north = (turn + i) % 2 == 0;
            const QString topic = north ? QStringLiteral("account:acme/site:north/device:n1")
                                        : QStringLiteral("account:acme/site:south/device:s1");
            const quint64 id = publish(server, topic, north ? northData : southData);
            acme.append(id);
            if (north)
                n1.append(id);
        }
        QVERIFY2(allHave(all, acme.size()), qPrintable(QStringLiteral("turn %1").arg(turn)));
        QVERIFY(allHave(onlyN1, n1.size()));
    }
    QCOMPARE(endpoint->slowClientsDropped(), quint64(1));
    QVERIFY(endpoint->pooledWrites() > 0);
    for (const auto &reader : all) {
        QCOMPARE(reader->ids(), acme);
        QVERIFY(!reader->isClosed());
    }
    for (const auto &reader : onlyN1)
        QCOMPARE(reader->ids(), n1);
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->clientCount(), kAll + kFiltered, kTimeoutMs);
}

QTEST_GUILESS_MAIN(tst_StreamEndpoint)
#include "tst_streamendpoint.moc"
