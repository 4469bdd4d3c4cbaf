// HistoryLoader's bucket loads (issue 14, API.md "History for long ranges")
// against a real sightline-server in the test process (TestServer: SQLite,
// real tokens): buckets of a range arrive as one page, refusals and a
// refused token come through failed(), replacing and cancelling leave no
// signal behind.
#include "historyloader.h"

#include "support/httpclient.h"
#include "support/testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;
using Sightline::Test::HttpClient;
using Sightline::Test::TestServer;

namespace {

constexpr int kAnswerTimeoutMs = 30000;
// How long a test listens for an answer that must not come (a replaced or
// cancelled load) after the one that must.
constexpr int kNoLateAnswerMs = 500;
const QByteArray kPassword = QByteArrayLiteral("correct horse");

} // namespace

class tst_HistoryLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void bucketsOfARange();
    void bucketsOfSomeFields();
    void bucketsWithoutData();
    void badStepFails_data();
    void badStepFails();
    void refusedTokenFails();
    void secondLoadReplacesTheFirst();
    void cancelAllDropsBucketLoads();

private:
    TestServer m_server;
    QString m_token;
    qint64 m_baseMs = 0; // a multiple of two minutes, a little ago
    QNetworkAccessManager m_network;
    std::unique_ptr<HistoryLoader> m_loader;
};

void tst_HistoryLoader::initTestCase()
{
    QVERIFY(m_server.addUser(QStringLiteral("acme"), QStringLiteral("alice"), kPassword));
    const QByteArray key = m_server.addDevice(QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01"));
    QVERIFY(!key.isEmpty());
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_token = m_server.signIn(QStringLiteral("alice"), kPassword);
    QVERIFY2(!m_token.isEmpty(), qPrintable(m_server.errorString()));

    // Four points: two in one minute, one in the next, one two minutes on.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    m_baseMs = nowMs - nowMs % 120000 - 120000;
    QJsonArray points;
    const QList<std::pair<qint64, double>> samples{{0, 1}, {30000, 3}, {60000, 10}, {125000, 4}};
    int seq = 0;
    for (const auto &[offsetMs, value] : samples) {
        points.append(QJsonObject{
            {QStringLiteral("deviceId"), QStringLiteral("jetson-01")},
            {QStringLiteral("ts"), formatTimestamp(m_baseMs + offsetMs)},
            {QStringLiteral("seq"), ++seq},
            {QStringLiteral("fields"), QJsonObject{{QStringLiteral("temp"), value}}},
        });
    }
    HttpClient http;
    const auto response = http.send("POST", m_server.url(QStringLiteral("/api/v1/telemetry")),
                                    QJsonDocument(points).toJson(QJsonDocument::Compact),
                                    {{"Content-Type", "application/json"}, {"x-api-key", key}}, kAnswerTimeoutMs);
    QCOMPARE(response.status, 202);
}

void tst_HistoryLoader::init()
{
    m_loader = std::make_unique<HistoryLoader>(&m_network);
    m_loader->setServer(m_server.url());
    m_loader->setTokenSource([this] { return m_token; });
}

void tst_HistoryLoader::bucketsOfARange()
{
    QSignalSpy loaded(m_loader.get(), &HistoryLoader::bucketsLoaded);
    QSignalSpy failed(m_loader.get(), &HistoryLoader::failed);
    QSignalSpy pending(m_loader.get(), &HistoryLoader::pendingCountChanged);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs - 60000, m_baseMs + 180000, 60);
    QCOMPARE(m_loader->pendingCount(), 1);
    QVERIFY(m_loader->isLoadingBuckets(QStringLiteral("jetson-01")));
    QVERIFY(!m_loader->isLoading(QStringLiteral("jetson-01"))); // points are another kind of load
    QVERIFY(loaded.wait(kAnswerTimeoutMs));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(m_loader->pendingCount(), 0);
    QCOMPARE(pending.count(), 2);
    QCOMPARE(pending.last().at(0).toInt(), 0);
    QCOMPARE(loaded.first().at(0).toString(), QStringLiteral("jetson-01"));
    const auto page = loaded.first().at(1).value<HistoryBucketPage>();
    QCOMPARE(page.stepMs, 60000);
    QVERIFY(!page.truncated);
    QCOMPARE(page.buckets.size(), 3);
    const QString temp = QStringLiteral("temp");
    QCOMPARE(page.buckets.at(0).tsMs, m_baseMs);
    QCOMPARE(page.buckets.at(0).count, 2);
    QCOMPARE(page.buckets.at(0).min.value(temp), 1.0);
    QCOMPARE(page.buckets.at(0).max.value(temp), 3.0);
    QCOMPARE(page.buckets.at(0).mean.value(temp), 2.0);
    QCOMPARE(page.buckets.at(0).last.value(temp), 3.0);
    QCOMPARE(page.buckets.at(1).tsMs, m_baseMs + 60000);
    QCOMPARE(page.buckets.at(1).last.value(temp), 10.0);
    QCOMPARE(page.buckets.at(2).tsMs, m_baseMs + 120000);
    QCOMPARE(page.buckets.at(2).count, 1);
}

void tst_HistoryLoader::bucketsOfSomeFields()
{
    QSignalSpy loaded(m_loader.get(), &HistoryLoader::bucketsLoaded);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 60000, 60, {QStringLiteral("rpm")});
    QVERIFY(loaded.wait(kAnswerTimeoutMs));
    const auto page = loaded.first().at(1).value<HistoryBucketPage>();
    QCOMPARE(page.buckets.size(), 1);
    QCOMPARE(page.buckets.at(0).count, 2); // the points are counted, whatever fields they have
    QVERIFY(page.buckets.at(0).min.isEmpty());
    QVERIFY(page.buckets.at(0).last.isEmpty());
}

void tst_HistoryLoader::bucketsWithoutData()
{
    QSignalSpy loaded(m_loader.get(), &HistoryLoader::bucketsLoaded);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs - 3600000, m_baseMs - 1800000, 300);
    QVERIFY(loaded.wait(kAnswerTimeoutMs));
    const auto page = loaded.first().at(1).value<HistoryBucketPage>();
    QCOMPARE(page.stepMs, 300000);
    QVERIFY(page.buckets.isEmpty());
}

void tst_HistoryLoader::badStepFails_data()
{
    QTest::addColumn<QString>("deviceId");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("named"); // a word the reason must contain
    QTest::newRow("step zero") << QStringLiteral("jetson-01") << 0 << 400 << QStringLiteral("step");
    QTest::newRow("step over a day") << QStringLiteral("jetson-01") << 86401 << 400 << QStringLiteral("step");
    QTest::newRow("device of no account") << QStringLiteral("nobody") << 60 << 403 << QStringLiteral("nobody");
}

void tst_HistoryLoader::badStepFails()
{
    QFETCH(QString, deviceId);
    QFETCH(int, step);
    QFETCH(int, status);
    QFETCH(QString, named);
    QSignalSpy loaded(m_loader.get(), &HistoryLoader::bucketsLoaded);
    QSignalSpy failed(m_loader.get(), &HistoryLoader::failed);
    m_loader->loadBuckets(deviceId, m_baseMs - 60000, m_baseMs + 60000, step);
    QVERIFY(failed.wait(kAnswerTimeoutMs));
    QCOMPARE(loaded.count(), 0);
    QCOMPARE(failed.first().at(0).toString(), deviceId);
    QVERIFY2(failed.first().at(1).toString().contains(named), qPrintable(failed.first().at(1).toString()));
    QCOMPARE(failed.first().at(2).toInt(), status);
    QCOMPARE(m_loader->pendingCount(), 0);
}

void tst_HistoryLoader::refusedTokenFails()
{
    m_loader->setTokenSource([] { return QStringLiteral("not.a.jwt"); });
    QSignalSpy failed(m_loader.get(), &HistoryLoader::failed);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 60000, 60);
    QVERIFY(failed.wait(kAnswerTimeoutMs));
    QCOMPARE(failed.first().at(2).toInt(), 401);
}

void tst_HistoryLoader::secondLoadReplacesTheFirst()
{
    QSignalSpy loaded(m_loader.get(), &HistoryLoader::bucketsLoaded);
    QSignalSpy pending(m_loader.get(), &HistoryLoader::pendingCountChanged);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 180000, 60);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 180000, 120);
    QCOMPARE(m_loader->pendingCount(), 1);
    QVERIFY(loaded.wait(kAnswerTimeoutMs));
    // Only the second load answers, however long the test waits for the first.
    QVERIFY(!loaded.wait(kNoLateAnswerMs));
    QCOMPARE(loaded.count(), 1);
    const auto page = loaded.first().at(1).value<HistoryBucketPage>();
    QCOMPARE(page.stepMs, 120000);
    QCOMPARE(page.buckets.size(), 2);
    QCOMPARE(page.buckets.at(0).count, 3);
    QCOMPARE(pending.count(), 2); // 1 when it started, 0 when it ended
}

void tst_HistoryLoader::cancelAllDropsBucketLoads()
{
    QSignalSpy loaded(m_loader.get(), &HistoryLoader::bucketsLoaded);
    QSignalSpy failed(m_loader.get(), &HistoryLoader::failed);
    QSignalSpy pending(m_loader.get(), &HistoryLoader::pendingCountChanged);
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 180000, 60);
    m_loader->load(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 180000);
    QCOMPARE(m_loader->pendingCount(), 2);
    m_loader->cancelAll();
    QCOMPARE(m_loader->pendingCount(), 0);
    QCOMPARE(pending.last().at(0).toInt(), 0);
    // A later load still works, and nothing of the cancelled ones arrives.
    m_loader->loadBuckets(QStringLiteral("jetson-01"), m_baseMs, m_baseMs + 60000, 60);
    QVERIFY(loaded.wait(kAnswerTimeoutMs));
    QVERIFY(!loaded.wait(kNoLateAnswerMs));
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(loaded.first().at(1).value<HistoryBucketPage>().buckets.size(), 1);
}

QTEST_MAIN(tst_HistoryLoader)
#include "tst_historyloader.moc"
