// Tests of TelemetryUploader (issue 7) against a deliberately misbehaving
// HTTP server on 127.0.0.1 (tests/support/misbehavingserver.h): the request
// format, batching, backoff with Retry-After, 401/403/404 stopping in words,
// 4xx isolation of a bad point, 413 splitting, buffer overflow, and the
// server going away and coming back with every point stored exactly once.
// The backoff's random source is pinned; retries either use short delays
// or are started with retryNow(), so no test waits for a backoff.
#include "device/telemetryuploader.h"

#include "support/httpclient.h"
#include "support/ingestrecorder.h"
#include "support/misbehavingserver.h"
#include "support/testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QSet>
#include <QSignalSpy>
#include <QtTest>

#include <functional>

using Sightline::DevicePoint;
using Sightline::TelemetryUploader;
using Sightline::Test::IngestRecorder;
using Sightline::Test::MisbehavingServer;
using Sightline::Test::ReceivedRequest;
using Sightline::Test::ServerScript;

namespace {

constexpr int kNetworkTimeoutMs = 20000; // generous: CI runs two tests at once on two cores
constexpr qint64 kFirstSeq = 1000;
const QByteArray kKey = "test-key-not-for-logs";

TelemetryUploader::Settings settingsFor(const MisbehavingServer &server)
{
    TelemetryUploader::Settings settings;
    settings.serverUrl = server.url();
    settings.deviceId = QStringLiteral("jetson-01");
    settings.apiKey = kKey;
    settings.firstSeq = kFirstSeq;
    settings.requestTimeoutMs = 10000;
    settings.initialRetryDelayMs = 20;
    settings.maxRetryDelayMs = 100;
    return settings;
}

DevicePoint::Fields fieldsFor(int i)
{
    return {{QStringLiteral("cpu_temp_c"), 40.0 + i}, {QStringLiteral("gpu_util_pct"), double(i % 100)}};
}

QList<qint64> seqRange(qint64 first, qint64 count)
{
    QList<qint64> out;
    for (qint64 i = 0; i < count; ++i)
        out.append(first + i);
    return out;
}

QList<qint64> seqsOf(const QJsonArray &points)
{
    QList<qint64> out;
    for (const QJsonValue &point : points)
        out.append(qint64(point.toObject().value(QStringLiteral("seq")).toDouble()));
    return out;
}

} // namespace

class tst_TelemetryUploader : public QObject
{
    Q_OBJECT

private slots:
    void postsThePointAsTheContractSays();
    void batchesABacklog_data();
    void batchesABacklog();
    void retriesTransientFailures_data();
    void retriesTransientFailures();
    void stopsOnAnswersRetryCannotFix_data();
    void stopsOnAnswersRetryCannotFix();
    void resendsARejectedBatchPointByPoint();
    void splitsABatchTheServerFindsTooLarge();
    void dropsTheOldestWhenTheBufferIsFull();
    void deliversEveryPointOnceWhenTheServerComesBack();
    void keepsPointsWhilePaused();
    void retriesARequestThatGetsNoAnswer();
    void storesEachPointOnceOnTheRealServer();
    void resendsItsBacklogAfterARealServerRestart();

private:
    QList<qint64> storedSeqs(Sightline::Test::TestServer &server, const QString &token);

    QNetworkAccessManager m_network;
};

void tst_TelemetryUploader::postsThePointAsTheContractSays()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    TelemetryUploader uploader(&m_network, settingsFor(server));
    QSignalSpy acknowledged(&uploader, &TelemetryUploader::batchAcknowledged);

    const QDateTime ts(QDate(2026, 11, 22), QTime(10, 0, 0, 123), Qt::UTC);
    QCOMPARE(uploader.submit(ts, {{QStringLiteral("cpu_temp_c"), 47.5}, {QStringLiteral("gpu_util_pct"), 31}}), kFirstSeq);
    QVERIFY(acknowledged.wait(kNetworkTimeoutMs));

    const ReceivedRequest request = server.lastRequest();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/api/v1/telemetry"));
    QCOMPARE(request.header("x-api-key"), kKey);
    QCOMPARE(request.header("content-type"), QByteArray("application/json"));
    const QJsonDocument body = QJsonDocument::fromJson(request.body);
    QVERIFY(body.isArray());
    QCOMPARE(body.array().size(), 1);
    const QJsonObject point = body.array().first().toObject();
    QCOMPARE(point.keys(), (QStringList{QStringLiteral("deviceId"), QStringLiteral("fields"), QStringLiteral("seq"), QStringLiteral("ts")}));
    QCOMPARE(point.value(QStringLiteral("deviceId")).toString(), QStringLiteral("jetson-01"));
    QCOMPARE(point.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-11-22T10:00:00.123Z"));
    QCOMPARE(point.value(QStringLiteral("seq")).toDouble(), double(kFirstSeq));
    QCOMPARE(point.value(QStringLiteral("fields")).toObject(),
             (QJsonObject{{QStringLiteral("cpu_temp_c"), 47.5}, {QStringLiteral("gpu_util_pct"), 31}}));

    QCOMPARE(acknowledged.first().at(0).toLongLong(), kFirstSeq);
    QCOMPARE(acknowledged.first().at(2).toInt(), 1);
    QCOMPARE(uploader.acknowledgedCount(), qint64(1));
    QCOMPARE(uploader.pendingCount(), qint64(0));
    QCOMPARE(uploader.state(), TelemetryUploader::State::Idle);
}

void tst_TelemetryUploader::batchesABacklog_data()
{
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("maxBatch");
    QTest::addColumn<QList<int>>("expectedBatches");
    QTest::newRow("fewer points than a batch") << 5 << 100 << QList<int>{5};
    QTest::newRow("two full batches and a rest") << 250 << 100 << QList<int>{100, 100, 50};
    QTest::newRow("the server's largest batch") << 1000 << 1000 << QList<int>{1000};
    QTest::newRow("a batch size above the server's limit is capped") << 1500 << 5000 << QList<int>{1000, 500};
    QTest::newRow("one point per request") << 3 << 1 << QList<int>{1, 1, 1};
}

void tst_TelemetryUploader::batchesABacklog()
{
    QFETCH(int, points);
    QFETCH(int, maxBatch);
    QFETCH(QList<int>, expectedBatches);

    MisbehavingServer server;
    IngestRecorder ingest(server);
    TelemetryUploader::Settings settings = settingsFor(server);
    settings.maxBatchPoints = maxBatch;
    TelemetryUploader uploader(&m_network, settings);
    QSignalSpy drained(&uploader, &TelemetryUploader::drained);

    uploader.setPaused(true); // build a backlog
    for (int i = 0; i < points; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    QCOMPARE(uploader.pendingCount(), qint64(points));
    uploader.setPaused(false);
    QVERIFY(drained.wait(kNetworkTimeoutMs));

    QList<int> batches;
    for (const QJsonArray &request : ingest.requests)
        batches.append(int(request.size()));
    QCOMPARE(batches, expectedBatches);
    QCOMPARE(ingest.receivedSeqs, seqRange(kFirstSeq, points)); // in order, each once
    QCOMPARE(uploader.acknowledgedCount(), qint64(points));
}

void tst_TelemetryUploader::retriesTransientFailures_data()
{
    QTest::addColumn<int>("status"); // 0: close the connection without an answer
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<int>("expectedDelayMs");
    QTest::addColumn<QString>("expectedReason");

    // Backoff pinned at the low end: the first delay is initial/2 = 10 ms.
    QTest::newRow("429 with Retry-After") << 429 << QByteArray("7") << 7000
                                          << "server busy (429 rate_limited: scripted rate_limited), Retry-After 7 s";
    QTest::newRow("503 with Retry-After") << 503 << QByteArray("2") << 2000
                                          << "server unavailable (503 storage_unavailable: scripted storage_unavailable), Retry-After 2 s";
    QTest::newRow("503 without Retry-After") << 503 << QByteArray() << 10
                                             << "server unavailable (503 storage_unavailable: scripted storage_unavailable)";
    QTest::newRow("500") << 500 << QByteArray() << 10 << "server unavailable (500 internal: scripted internal)";
    QTest::newRow("connection closed without an answer") << 0 << QByteArray() << 10
                                                         << "server unreachable (Connection closed)";
}

void tst_TelemetryUploader::retriesTransientFailures()
{
    QFETCH(int, status);
    QFETCH(QByteArray, retryAfter);
    QFETCH(int, expectedDelayMs);
    QFETCH(QString, expectedReason);

    MisbehavingServer server;
    IngestRecorder ingest(server);
    // Every request fails until the test says otherwise (Qt itself resends a
    // request once or twice when a connection closes before any answer).
    ingest.setDefault([&](const QJsonArray &) {
        if (status == 0)
            return ServerScript().close();
        ServerScript::Headers headers;
        if (!retryAfter.isEmpty())
            headers.append({"Retry-After", retryAfter});
        const QByteArray code = status == 429 ? "rate_limited" : status == 503 ? "storage_unavailable" : "internal";
        return ServerScript::jsonError(status, code, headers);
    });
    TelemetryUploader uploader(&m_network, settingsFor(server));
    uploader.setRandomSource([] { return 0.0; });
    QSignalSpy retries(&uploader, &TelemetryUploader::retryScheduled);
    QSignalSpy resumed(&uploader, &TelemetryUploader::deliveryResumed);
    QSignalSpy acknowledged(&uploader, &TelemetryUploader::batchAcknowledged);

    uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(0));
    QVERIFY(retries.wait(kNetworkTimeoutMs));
    QCOMPARE(retries.first().at(0).toInt(), expectedDelayMs);
    if (status == 0) // Qt's wording of the transport error varies; the phrase does not
        QVERIFY2(retries.first().at(1).toString().startsWith(QLatin1String("server unreachable (")),
                 qPrintable(retries.first().at(1).toString()));
    else
        QCOMPARE(retries.first().at(1).toString(), expectedReason);
    QCOMPARE(retries.first().at(2).toLongLong(), qint64(1));
    QCOMPARE(uploader.state(), TelemetryUploader::State::WaitingToRetry);
    QCOMPARE(uploader.failedAttempts(), 1);

    ingest.setDefault([&](const QJsonArray &points) { return ingest.accept(points); });
    uploader.retryNow(); // instead of waiting out Retry-After
    QVERIFY(acknowledged.wait(kNetworkTimeoutMs));
    QCOMPARE(resumed.size(), 1);
    QCOMPARE(resumed.first().at(0).toInt(), 1);
    // The same point, resent with the same seq, stored once.
    QVERIFY(ingest.receivedSeqs.size() >= 2);
    QCOMPARE(QSet<qint64>(ingest.receivedSeqs.cbegin(), ingest.receivedSeqs.cend()), QSet<qint64>{kFirstSeq});
    QCOMPARE(ingest.storedOrder, QList<qint64>{kFirstSeq});
    QCOMPARE(uploader.acknowledgedCount(), qint64(1));
    QCOMPARE(uploader.failedAttempts(), 0);
}

void tst_TelemetryUploader::stopsOnAnswersRetryCannotFix_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    QTest::addColumn<int>("expectedError");
    QTest::addColumn<QString>("expectedMessage");
    QTest::newRow("401 bad key") << 401 << QByteArray("invalid_api_key") << int(TelemetryUploader::Error::KeyRejected)
                                 << "the server rejected the API key of jetson-01 (401 invalid_api_key: scripted invalid_api_key)";
    QTest::newRow("403 key of another device") << 403 << QByteArray("device_mismatch") << int(TelemetryUploader::Error::DeviceRejected)
                                               << "the server refused points for jetson-01 with this key (403 device_mismatch: scripted device_mismatch)";
    QTest::newRow("301 redirect to https") << 301 << QByteArray("moved") << int(TelemetryUploader::Error::EndpointNotFound)
                                           << "%1 answers 301 and redirects to https://example.invalid/api/v1/telemetry; give the server's real address with --server";
    QTest::newRow("404 wrong server URL") << 404 << QByteArray("not_found") << int(TelemetryUploader::Error::EndpointNotFound)
                                          << "no telemetry endpoint at %1 (404 not_found: scripted not_found); check --server";
}

void tst_TelemetryUploader::stopsOnAnswersRetryCannotFix()
{
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    QFETCH(int, expectedError);
    QFETCH(QString, expectedMessage);

    MisbehavingServer server;
    IngestRecorder ingest(server);
    ingest.setDefault([&](const QJsonArray &) {
        ServerScript::Headers headers;
        if (status == 301)
            headers.append(qMakePair(QByteArray("Location"), QByteArray("https://example.invalid/api/v1/telemetry")));
        return ServerScript::jsonError(status, code, headers);
    });
    TelemetryUploader uploader(&m_network, settingsFor(server));
    QSignalSpy errors(&uploader, &TelemetryUploader::errorOccurred);
    QSignalSpy retries(&uploader, &TelemetryUploader::retryScheduled);

    uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(0));
    QVERIFY(errors.wait(kNetworkTimeoutMs));
    QCOMPARE(errors.first().at(0).value<TelemetryUploader::Error>(), TelemetryUploader::Error(expectedError));
    const QString message = errors.first().at(1).toString();
    QCOMPARE(message, expectedMessage.contains(QLatin1String("%1")) ? expectedMessage.arg(uploader.endpoint().toString()) : expectedMessage);
    QVERIFY(!message.contains(QString::fromLatin1(kKey)));
    QCOMPARE(uploader.state(), TelemetryUploader::State::Stopped);
    QCOMPARE(retries.size(), 0);

    // Stopped for good: the point is kept (not lost), nothing more is sent.
    uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(1));
    uploader.retryNow();
    QCOMPARE(uploader.state(), TelemetryUploader::State::Stopped);
    QCOMPARE(uploader.pendingCount(), qint64(2));
    QCOMPARE(ingest.requests.size(), 1);
}

void tst_TelemetryUploader::resendsARejectedBatchPointByPoint()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    // Like the real server: one bad point rejects the whole array.
    ingest.setDefault([&](const QJsonArray &points) {
        for (qsizetype i = 0; i < points.size(); ++i) {
            if (points.at(i).toObject().value(QStringLiteral("fields")).toObject().contains(QStringLiteral("bad"))) {
                const QByteArray body = "{\"error\": \"invalid_point\", \"message\": \"point " + QByteArray::number(i)
                                        + ": field bad is not allowed\"}";
                return ServerScript::response(422, "application/json", body);
            }
        }
        return ingest.accept(points);
    });
    TelemetryUploader uploader(&m_network, settingsFor(server));
    QSignalSpy batchRejected(&uploader, &TelemetryUploader::batchRejected);
    QSignalSpy pointRejected(&uploader, &TelemetryUploader::pointRejected);
    QSignalSpy drained(&uploader, &TelemetryUploader::drained);

    uploader.setPaused(true);
    uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(0));
    uploader.submit(QDateTime::currentDateTimeUtc(), {{QStringLiteral("bad"), 1}});
    uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(2));
    uploader.setPaused(false);
    QVERIFY(drained.wait(kNetworkTimeoutMs));

    QCOMPARE(batchRejected.size(), 1);
    QCOMPARE(batchRejected.first().at(0).toInt(), 3);
    QCOMPARE(batchRejected.first().at(1).toInt(), 422);
    QCOMPARE(pointRejected.size(), 1);
    QCOMPARE(pointRejected.first().at(0).toLongLong(), kFirstSeq + 1);
    QCOMPARE(pointRejected.first().at(2).toString(), QStringLiteral("422 invalid_point: point 0: field bad is not allowed"));
    QList<QList<qint64>> requests;
    for (const QJsonArray &request : ingest.requests)
        requests.append(seqsOf(request));
    QCOMPARE(requests, (QList<QList<qint64>>{{kFirstSeq, kFirstSeq + 1, kFirstSeq + 2}, {kFirstSeq}, {kFirstSeq + 1}, {kFirstSeq + 2}}));
    QCOMPARE(ingest.storedOrder, (QList<qint64>{kFirstSeq, kFirstSeq + 2}));
    QCOMPARE(uploader.acknowledgedCount(), qint64(2));
    QCOMPARE(uploader.rejectedCount(), qint64(1));
    QCOMPARE(uploader.pendingCount(), qint64(0));

    // Then batching comes back.
    uploader.setPaused(true);
    for (int i = 0; i < 4; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    uploader.setPaused(false);
    QVERIFY(drained.wait(kNetworkTimeoutMs));
    QCOMPARE(ingest.requests.last().size(), 4);
}

void tst_TelemetryUploader::splitsABatchTheServerFindsTooLarge()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    ingest.setDefault([&](const QJsonArray &points) {
        if (points.size() > 2)
            return ServerScript::jsonError(413, "payload_too_large");
        return ingest.accept(points);
    });
    TelemetryUploader uploader(&m_network, settingsFor(server));
    QSignalSpy drained(&uploader, &TelemetryUploader::drained);
    uploader.setPaused(true);
    for (int i = 0; i < 5; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    uploader.setPaused(false);
    QVERIFY(drained.wait(kNetworkTimeoutMs));

    QList<int> batches;
    for (const QJsonArray &request : ingest.requests)
        batches.append(int(request.size()));
    QCOMPARE(batches, (QList<int>{5, 2, 2, 1})); // halved, then halved again
    QCOMPARE(ingest.storedOrder, seqRange(kFirstSeq, 5));
    QCOMPARE(uploader.rejectedCount(), qint64(0));
}

void tst_TelemetryUploader::dropsTheOldestWhenTheBufferIsFull()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    TelemetryUploader::Settings settings = settingsFor(server);
    settings.bufferCapacity = 5;
    TelemetryUploader uploader(&m_network, settings);
    QSignalSpy dropped(&uploader, &TelemetryUploader::pointsDropped);
    QSignalSpy drained(&uploader, &TelemetryUploader::drained);

    uploader.setPaused(true);
    for (int i = 0; i < 12; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    QCOMPARE(dropped.size(), 7);
    QCOMPARE(dropped.first().at(1).toLongLong(), kFirstSeq); // the oldest went first
    QCOMPARE(dropped.last().at(2).toLongLong(), kFirstSeq + 6);
    QCOMPARE(dropped.last().at(3).toLongLong(), qint64(7)); // running total
    QCOMPARE(uploader.droppedCount(), qint64(7));
    QCOMPARE(uploader.pendingCount(), qint64(5));

    uploader.setPaused(false);
    QVERIFY(drained.wait(kNetworkTimeoutMs));
    QCOMPARE(ingest.storedOrder, seqRange(kFirstSeq + 7, 5)); // the newest five
}

void tst_TelemetryUploader::deliversEveryPointOnceWhenTheServerComesBack()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    TelemetryUploader::Settings settings = settingsFor(server);
    settings.maxBatchPoints = 5; // however slow the machine, the server leaves with points to go
    TelemetryUploader uploader(&m_network, settings);
    uploader.setRandomSource([] { return 0.5; });
    QSignalSpy resumed(&uploader, &TelemetryUploader::deliveryResumed);

    const int total = 60;
    int submitted = 0;
    int failuresWhileDown = 0;
    bool wentAway = false;
    bool cameBack = false;

    // Phase 1: ten points delivered; then the server goes away.
    connect(&uploader, &TelemetryUploader::batchAcknowledged, this, [&] {
        if (!wentAway && uploader.acknowledgedCount() >= 10) {
            wentAway = true;
            server.stopListening();
        }
    });
    // Phase 2: after a few failed attempts it comes back, and its first
    // answer is lost: it stores the batch, then drops the connection.
    connect(&uploader, &TelemetryUploader::retryScheduled, this, [&] {
        if (wentAway && !cameBack && ++failuresWhileDown >= 3 && submitted >= 30) {
            cameBack = true;
            ingest.queue([&](const QJsonArray &points) {
                ingest.store(points);
                return ServerScript().close();
            });
            QVERIFY(server.resumeListening());
        }
    });

    QTimer producer;
    producer.setInterval(10);
    connect(&producer, &QTimer::timeout, this, [&] {
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(submitted));
        if (++submitted == total)
            producer.stop();
    });
    producer.start();

    QTRY_VERIFY_WITH_TIMEOUT(uploader.acknowledgedCount() == total, kNetworkTimeoutMs * 2);
    QVERIFY(wentAway);
    QVERIFY(cameBack);
    QVERIFY(resumed.size() >= 1);

    // Every point stored exactly once, in the order it was made ...
    QCOMPARE(ingest.storedOrder, seqRange(kFirstSeq, total));
    // ... although some were sent twice: the batch whose answer was lost.
    QVERIFY(ingest.receivedSeqs.size() > total);
    QCOMPARE(uploader.duplicateCount(), qint64(ingest.receivedSeqs.size() - total));
    // Resends only ever repeat seqs already seen, never skip ahead.
    qint64 highest = -1;
    for (const qint64 seq : std::as_const(ingest.receivedSeqs)) {
        QVERIFY(seq <= highest + 1 || seq == kFirstSeq);
        highest = std::max(highest, seq);
    }
    QCOMPARE(uploader.pendingCount(), qint64(0));
    QCOMPARE(uploader.droppedCount(), qint64(0));
}

void tst_TelemetryUploader::keepsPointsWhilePaused()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    TelemetryUploader uploader(&m_network, settingsFor(server));
    QSignalSpy drained(&uploader, &TelemetryUploader::drained);
    uploader.setPaused(true);
    QCOMPARE(uploader.state(), TelemetryUploader::State::Paused);
    for (int i = 0; i < 3; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    QCOMPARE(uploader.state(), TelemetryUploader::State::Paused);
    QCOMPARE(uploader.pendingCount(), qint64(3));
    uploader.setPaused(false);
    QCOMPARE(uploader.state(), TelemetryUploader::State::Sending);
    QVERIFY(drained.wait(kNetworkTimeoutMs));
    QCOMPARE(ingest.storedOrder, seqRange(kFirstSeq, 3));
    QCOMPARE(server.requestCount(), 1); // one batch after the pause
}

void tst_TelemetryUploader::retriesARequestThatGetsNoAnswer()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    ingest.queue([](const QJsonArray &) { return ServerScript::head(202, {}).stall(); }); // headers, then nothing
    TelemetryUploader::Settings settings = settingsFor(server);
    settings.requestTimeoutMs = 300;
    TelemetryUploader uploader(&m_network, settings);
    uploader.setRandomSource([] { return 0.0; });
    QSignalSpy retries(&uploader, &TelemetryUploader::retryScheduled);
    QSignalSpy drained(&uploader, &TelemetryUploader::drained);

    uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(0));
    QVERIFY(retries.wait(kNetworkTimeoutMs));
    QCOMPARE(retries.first().at(1).toString(), QStringLiteral("server unreachable (no answer within 0.3 s)"));
    QVERIFY(drained.wait(kNetworkTimeoutMs)); // the retry is answered
    QCOMPARE(ingest.storedOrder, QList<qint64>{kFirstSeq});
    server.abortConnections();
}

// The seqs of jetson-01's points in the real server's history, in order.
QList<qint64> tst_TelemetryUploader::storedSeqs(Sightline::Test::TestServer &server, const QString &token)
{
    Sightline::Test::HttpClient http;
    QUrl url = server.url(QStringLiteral("/api/v1/telemetry/history"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("deviceId"), QStringLiteral("jetson-01"));
    query.addQueryItem(QStringLiteral("since"), QDateTime::currentDateTimeUtc().addSecs(-600).toString(Qt::ISODateWithMs));
    url.setQuery(query);
    const Sightline::Test::HttpResponse response = http.get(url, {{"Authorization", "Bearer " + token.toLatin1()}});
    if (response.status != 200) {
        qWarning() << "history answered" << response.status << response.body;
        return {};
    }
    QList<qint64> seqs;
    for (const QJsonValue &point : response.json().value(QStringLiteral("points")).toArray())
        seqs.append(qint64(point.toObject().value(QStringLiteral("seq")).toDouble()));
    return seqs;
}

void tst_TelemetryUploader::storesEachPointOnceOnTheRealServer()
{
    Sightline::Test::TestServer server;
    QVERIFY2(server.addUser(QStringLiteral("acme"), QStringLiteral("alice"), "secret-pass"), qPrintable(server.errorString()));
    const QByteArray key = server.addDevice(QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01"));
    QVERIFY2(!key.isEmpty(), qPrintable(server.errorString()));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    TelemetryUploader::Settings settings;
    settings.serverUrl = server.url();
    settings.deviceId = QStringLiteral("jetson-01");
    settings.apiKey = key;
    settings.firstSeq = kFirstSeq;
    const QDateTime ts = QDateTime::currentDateTimeUtc();

    // First delivery: five points.
    TelemetryUploader first(&m_network, settings);
    QSignalSpy firstDrained(&first, &TelemetryUploader::drained);
    for (int i = 0; i < 5; ++i)
        first.submit(ts.addMSecs(i), fieldsFor(i));
    QTRY_COMPARE_WITH_TIMEOUT(first.acknowledgedCount(), qint64(5), kNetworkTimeoutMs);
    QCOMPARE(first.duplicateCount(), qint64(0));

    // The same points again, as after an answer that never arrived: the
    // server acknowledges them as duplicates and stores nothing new.
    TelemetryUploader again(&m_network, settings);
    again.setPaused(true);
    for (int i = 0; i < 5; ++i)
        again.submit(ts.addMSecs(i), fieldsFor(i));
    again.setPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(again.acknowledgedCount(), qint64(5), kNetworkTimeoutMs);
    QCOMPARE(again.duplicateCount(), qint64(5));

    const QString token = server.signIn(QStringLiteral("alice"), "secret-pass");
    QVERIFY2(!token.isEmpty(), qPrintable(server.errorString()));
    QCOMPARE(storedSeqs(server, token), seqRange(kFirstSeq, 5));
}

void tst_TelemetryUploader::resendsItsBacklogAfterARealServerRestart()
{
    Sightline::Test::TestServer server;
    QVERIFY2(server.addUser(QStringLiteral("acme"), QStringLiteral("alice"), "secret-pass"), qPrintable(server.errorString()));
    const QByteArray key = server.addDevice(QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    TelemetryUploader::Settings settings;
    settings.serverUrl = server.url();
    settings.deviceId = QStringLiteral("jetson-01");
    settings.apiKey = key;
    settings.firstSeq = kFirstSeq;
    settings.initialRetryDelayMs = 20;
    settings.maxRetryDelayMs = 200;
    TelemetryUploader uploader(&m_network, settings);
    QSignalSpy retries(&uploader, &TelemetryUploader::retryScheduled);

    for (int i = 0; i < 3; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    QTRY_COMPARE_WITH_TIMEOUT(uploader.acknowledgedCount(), qint64(3), kNetworkTimeoutMs);

    server.stop();
    for (int i = 3; i < 20; ++i)
        uploader.submit(QDateTime::currentDateTimeUtc(), fieldsFor(i));
    QVERIFY(retries.wait(kNetworkTimeoutMs)); // refused while the server is down
    QVERIFY(uploader.pendingCount() >= 17);
    QVERIFY2(server.start(), qPrintable(server.errorString())); // same data dir, same port
    QTRY_COMPARE_WITH_TIMEOUT(uploader.acknowledgedCount(), qint64(20), kNetworkTimeoutMs);
    QCOMPARE(uploader.droppedCount(), qint64(0));

    const QString token = server.signIn(QStringLiteral("alice"), "secret-pass");
    QVERIFY2(!token.isEmpty(), qPrintable(server.errorString()));
    QCOMPARE(storedSeqs(server, token), seqRange(kFirstSeq, 20));
}

QTEST_GUILESS_MAIN(tst_TelemetryUploader)
#include "tst_telemetryuploader.moc"
