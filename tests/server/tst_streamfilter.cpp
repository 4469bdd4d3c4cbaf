// Tests for StreamFilter (issue 4): what a stream may see is the token's
// scope narrowed by the query; Last-Event-ID is an id this server could have
// issued. Pure: no server, no sockets.
#include <QTest>
#include <QUrlQuery>

#include "server/streamfilter.h"

using namespace Sightline;

namespace {

// "a,b" -> {"a", "b"} (tests build without casts from ASCII).
QStringList names(const char *commaSeparated)
{
    const QString text = QString::fromLatin1(commaSeparated);
    return text.isEmpty() ? QStringList() : text.split(QLatin1Char(','));
}

QList<DeviceRecord> acmeDevices()
{
    return {
        {QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1")},
        {QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n2")},
        {QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("s1")},
    };
}

AccessClaims claims(const QStringList &sites)
{
    AccessClaims out;
    out.subject = QStringLiteral("alice");
    out.accountId = QStringLiteral("acme");
    out.sites = sites;
    return out;
}

StoredEvent storedEvent(const char *account, const char *site, const char *device, const char *type)
{
    StoredEvent out;
    out.id = 1;
    out.accountId = QString::fromLatin1(account);
    out.siteId = QString::fromLatin1(site);
    out.deviceId = QString::fromLatin1(device);
    out.type = QString::fromLatin1(type);
    return out;
}

} // namespace

class tst_StreamFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromQuery_data();
    void fromQuery();
    void matches_data();
    void matches();
    void lookupOnlyWhenNeeded();
    void parseLastEventId_data();
    void parseLastEventId();
    void eventQuery();
};

void tst_StreamFilter::fromQuery_data()
{
    QTest::addColumn<QStringList>("tokenSites");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status"); // 0: accepted
    QTest::addColumn<QStringList>("sites");
    QTest::addColumn<QStringList>("devices");

    QTest::newRow("no query keeps the token's scope") << QStringList() << QString() << 0 << QStringList() << QStringList();
    QTest::newRow("site-limited token keeps its sites") << names("north") << QString() << 0 << names("north") << QStringList();
    QTest::newRow("siteId narrows") << QStringList() << QStringLiteral("siteId=south") << 0 << names("south") << QStringList();
    QTest::newRow("siteId inside a limited token") << names("north,south") << QStringLiteral("siteId=south") << 0 << names("south") << QStringList();
    QTest::newRow("deviceId list") << QStringList() << QStringLiteral("deviceId=n1,s1") << 0 << QStringList() << names("n1,s1");
    QTest::newRow("repeated device kept once") << QStringList() << QStringLiteral("deviceId=n1,n1") << 0 << QStringList() << names("n1");
    QTest::newRow("site and its device") << QStringList() << QStringLiteral("siteId=north&deviceId=n2") << 0 << names("north") << names("n2");
    QTest::newRow("site outside the token") << names("north") << QStringLiteral("siteId=south") << 403 << QStringList() << QStringList();
    QTest::newRow("site of nobody") << QStringList() << QStringLiteral("siteId=hq") << 403 << QStringList() << QStringList();
    QTest::newRow("device of another account") << QStringList() << QStringLiteral("deviceId=g1") << 403 << QStringList() << QStringList();
    QTest::newRow("device outside the token's sites") << names("north") << QStringLiteral("deviceId=s1") << 403 << QStringList() << QStringList();
    QTest::newRow("device not in the named site") << QStringList() << QStringLiteral("siteId=south&deviceId=n1") << 400 << QStringList() << QStringList();
    QTest::newRow("empty siteId") << QStringList() << QStringLiteral("siteId=") << 400 << QStringList() << QStringList();
    QTest::newRow("empty device item") << QStringList() << QStringLiteral("deviceId=n1,,s1") << 400 << QStringList() << QStringList();
    QTest::newRow("unknown type") << QStringList() << QStringLiteral("types=telemetry,log") << 400 << QStringList() << QStringList();
    QTest::newRow("unknown parameter") << QStringList() << QStringLiteral("site=north") << 400 << QStringList() << QStringList();
    QTest::newRow("repeated parameter") << QStringList() << QStringLiteral("types=alert&types=system") << 400 << QStringList() << QStringList();
}

void tst_StreamFilter::fromQuery()
{
    QFETCH(QStringList, tokenSites);
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QStringList, sites);
    QFETCH(QStringList, devices);

    ApiError error;
    const auto filter = StreamFilter::fromQuery(claims(tokenSites), QUrlQuery(query), acmeDevices, &error);
    if (status == 0) {
        QVERIFY2(filter, qPrintable(error.message));
        QCOMPARE(filter->accountId(), QStringLiteral("acme"));
        QCOMPARE(filter->sites(), sites);
        QCOMPARE(filter->devices(), devices);
    } else {
        QVERIFY(!filter);
        QCOMPARE(error.status, status);
        QCOMPARE(error.code, status == 403 ? QByteArray("forbidden") : QByteArray("invalid_request"));
        QVERIFY(!error.message.isEmpty());
    }
}

void tst_StreamFilter::matches_data()
{
    QTest::addColumn<QStringList>("tokenSites");
    QTest::addColumn<QString>("query");
    QTest::addColumn<StoredEvent>("event");
    QTest::addColumn<bool>("expected");

    QTest::newRow("own account") << QStringList() << QString() << storedEvent("acme", "north", "n1", "telemetry") << true;
    QTest::newRow("another account, same names") << QStringList() << QString() << storedEvent("globex", "north", "n1", "telemetry") << false;
    QTest::newRow("a site the token lacks") << names("north") << QString() << storedEvent("acme", "south", "s1", "telemetry") << false;
    QTest::newRow("a device added later in an allowed site") << names("north") << QString() << storedEvent("acme", "north", "n9", "alert") << true;
    QTest::newRow("device list excludes others") << QStringList() << QStringLiteral("deviceId=n1") << storedEvent("acme", "north", "n2", "telemetry") << false;
    QTest::newRow("type not asked for") << QStringList() << QStringLiteral("types=alert") << storedEvent("acme", "north", "n1", "telemetry") << false;
    QTest::newRow("type asked for") << QStringList() << QStringLiteral("types=alert,device_status") << storedEvent("acme", "north", "n1", "device_status") << true;
    QTest::newRow("unknown event type never matches") << QStringList() << QString() << storedEvent("acme", "north", "n1", "other") << false;
}

void tst_StreamFilter::matches()
{
    QFETCH(QStringList, tokenSites);
    QFETCH(QString, query);
    QFETCH(StoredEvent, event);
    QFETCH(bool, expected);
    ApiError error;
    const auto filter = StreamFilter::fromQuery(claims(tokenSites), QUrlQuery(query), acmeDevices, &error);
    QVERIFY2(filter, qPrintable(error.message));
    QCOMPARE(filter->matches(event), expected);
}

void tst_StreamFilter::lookupOnlyWhenNeeded()
{
    int lookups = 0;
    const auto counting = [&lookups] {
        ++lookups;
        return acmeDevices();
    };
    ApiError error;
    QVERIFY(StreamFilter::fromQuery(claims({}), QUrlQuery(QStringLiteral("types=telemetry")), counting, &error));
    QCOMPARE(lookups, 0); // the common case costs no account lookup
    QVERIFY(StreamFilter::fromQuery(claims({}), QUrlQuery(QStringLiteral("deviceId=n1")), counting, &error));
    QCOMPARE(lookups, 1);
}

void tst_StreamFilter::parseLastEventId_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("present");
    QTest::addColumn<quint64>("id");

    QTest::newRow("absent") << QByteArray() << true << false << quint64(0);
    QTest::newRow("zero replays everything retained") << QByteArray("0") << true << true << quint64(0);
    QTest::newRow("an issued id") << QByteArray("41") << true << true << quint64(41);
    QTest::newRow("the last issued id") << QByteArray("42") << true << true << quint64(42);
    QTest::newRow("above the last issued id") << QByteArray("43") << false << false << quint64(0);
    QTest::newRow("letters") << QByteArray("4a") << false << false << quint64(0);
    QTest::newRow("sign") << QByteArray("+4") << false << false << quint64(0);
    QTest::newRow("leading zero") << QByteArray("042") << false << false << quint64(0);
    QTest::newRow("space") << QByteArray("4 ") << false << false << quint64(0);
    QTest::newRow("too long for 64 bits") << QByteArray("184467440737095516160") << false << false << quint64(0);
}

void tst_StreamFilter::parseLastEventId()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, valid);
    QFETCH(bool, present);
    QFETCH(quint64, id);
    ApiError error;
    const auto parsed = StreamFilter::parseLastEventId(header, 42, &error);
    QCOMPARE(error.code.isEmpty(), valid);
    QCOMPARE(parsed.has_value(), present);
    if (present)
        QCOMPARE(*parsed, id);
    if (!valid) {
        QCOMPARE(error.status, 400);
        QCOMPARE(error.code, QByteArray("invalid_request"));
    }
}

void tst_StreamFilter::eventQuery()
{
    ApiError error;
    const auto filter = StreamFilter::fromQuery(claims(names("north")),
                                                QUrlQuery(QStringLiteral("deviceId=n1&types=telemetry,system")),
                                                acmeDevices, &error);
    QVERIFY(filter);
    const EventQuery query = filter->eventQuery(7, 500);
    QCOMPARE(query.afterId, quint64(7));
    QCOMPARE(query.limit, 500);
    QCOMPARE(query.accountId, QStringLiteral("acme"));
    QCOMPARE(query.sites, names("north"));
    QCOMPARE(query.devices, names("n1"));
    QCOMPARE(query.types, names("telemetry")); // system events are never in the log
    QVERIFY(filter->wantsSystemEvents());
    QVERIFY(filter->wantsLogEvents());

    const auto all = StreamFilter::fromQuery(claims({}), QUrlQuery(), acmeDevices, &error);
    QVERIFY(all->eventQuery(0, 10).types.isEmpty()); // every type: no restriction
    const auto onlySystem = StreamFilter::fromQuery(claims({}), QUrlQuery(QStringLiteral("types=system")), acmeDevices, &error);
    QVERIFY(!onlySystem->wantsLogEvents());
}

QTEST_GUILESS_MAIN(tst_StreamFilter)
#include "tst_streamfilter.moc"
