// Tests of the InfluxDB line protocol encoder (issue 8): escaping, floats
// that read back as the same double, timestamps, whole lines. What influxd
// itself accepts is checked against the real server in tst_influxpointstore.
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "server/influxlineprotocol.h"
#include "server/storagetypes.h"

using namespace Sightline;

Q_DECLARE_METATYPE(std::optional<qint64>)

namespace {

const QDateTime kTime = QDateTime::fromMSecsSinceEpoch(1764842400123, Qt::UTC);

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class tst_InfluxLineProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapeKey_data();
    void escapeKey();
    void escapeMeasurement();
    void canEscape_data();
    void canEscape();
    void formatFloat_data();
    void formatFloat();
    void formatFloatRoundTripsRandomDoubles();
    void timestampNs_data();
    void timestampNs();
    void fieldKeys_data();
    void fieldKeys();
    void encodePoint_data();
    void encodePoint();
    void quoting_data();
    void quoting();
};

void tst_InfluxLineProtocol::escapeKey_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("escaped");
    QTest::newRow("plain id") << QStringLiteral("jetson-01_a.b") << QByteArray("jetson-01_a.b");
    QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("a\\,b");
    QTest::newRow("equals") << QStringLiteral("a=b") << QByteArray("a\\=b");
    QTest::newRow("space") << QStringLiteral("lab 1") << QByteArray("lab\\ 1");
    QTest::newRow("all three") << QStringLiteral(" ,= ") << QByteArray("\\ \\,\\=\\ ");
    QTest::newRow("quote kept") << QStringLiteral("a\"b") << QByteArray("a\"b");
    QTest::newRow("backslash kept") << QStringLiteral("a\\b") << QByteArray("a\\b");
    QTest::newRow("utf-8") << QStringLiteral("k\u00fche \U0001F600")
                           << QByteArray("k\xc3\xbc"
                                         "he\\ \xf0\x9f\x98\x80");
}

void tst_InfluxLineProtocol::escapeKey()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, escaped);
    QCOMPARE(InfluxLineProtocol::escapeKey(text), escaped);
}

void tst_InfluxLineProtocol::escapeMeasurement()
{
    QCOMPARE(
        InfluxLineProtocol::escapeMeasurement(u"tele metry,x=y"), QByteArray("tele\\ metry\\,x=y"));
    QCOMPARE(InfluxLineProtocol::escapeMeasurement(InfluxLineProtocol::measurement()),
        QByteArray("telemetry"));
}

void tst_InfluxLineProtocol::canEscape_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("escapable");
    QTest::newRow("plain") << QStringLiteral("lab") << true;
    QTest::newRow("separators") << QStringLiteral("a, b=c") << true;
    QTest::newRow("backslash inside") << QStringLiteral("a\\b") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("trailing backslash") << QStringLiteral("a\\") << false;
    QTest::newRow("line feed") << QStringLiteral("a\nb") << false;
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << false;
}

void tst_InfluxLineProtocol::canEscape()
{
    QFETCH(QString, text);
    QFETCH(bool, escapable);
    QCOMPARE(InfluxLineProtocol::canEscape(text), escapable);
}

void tst_InfluxLineProtocol::formatFloat_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("integral") << 5.0 << QByteArray("5");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("-0");
    QTest::newRow("one tenth") << 0.1 << QByteArray("0.1");
    QTest::newRow("one third") << 1.0 / 3 << QByteArray("0.3333333333333333");
    QTest::newRow("negative") << -21.5 << QByteArray("-21.5");
    QTest::newRow("million") << 1e6 << QByteArray("1e+06");
    QTest::newRow("large integral") << 123456789012345678.0 << QByteArray("123456789012345680");
    QTest::newRow("exponent") << 1e21 << QByteArray("1e+21");
    QTest::newRow("small") << 1.5e-7 << QByteArray("1.5e-07");
    QTest::newRow("largest") << std::numeric_limits<double>::max()
                             << QByteArray("1.7976931348623157e+308");
    QTest::newRow("lowest") << std::numeric_limits<double>::lowest()
                            << QByteArray("-1.7976931348623157e+308");
    QTest::newRow("smallest denormal")
        << std::numeric_limits<double>::denorm_min() << QByteArray("5e-324");
}

void tst_InfluxLineProtocol::formatFloat()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    const QByteArray formatted = InfluxLineProtocol::formatFloat(value);
    QCOMPARE(formatted, text);
    QVERIFY(!formatted.endsWith('i'));
    bool ok = false;
    QVERIFY(sameBits(formatted.toDouble(&ok), value));
    QVERIFY(ok);
}

void tst_InfluxLineProtocol::formatFloatRoundTripsRandomDoubles()
{
    QRandomGenerator random(8); // fixed seed: the same doubles every run
    for (int i = 0; i < 100000; ++i) {
        double value = 0;
        do {
            const quint64 bits = random.generate64();
            std::memcpy(&value, &bits, sizeof value);
        } while (!std::isfinite(value));
        const QByteArray text = InfluxLineProtocol::formatFloat(value);
        bool ok = false;
        const double back = text.toDouble(&ok);
        if (!ok || !sameBits(back, value))
            QFAIL(
                qPrintable(QStringLiteral("%1 does not read back").arg(QString::fromLatin1(text))));
    }
}

void tst_InfluxLineProtocol::timestampNs_data()
{
    QTest::addColumn<QDateTime>("ts");
    QTest::addColumn<std::optional<qint64>>("seq");
    QTest::addColumn<std::optional<qint64>>("ns");
    QTest::newRow("no seq") << kTime << std::optional<qint64>()
                            << std::optional<qint64>(1764842400123000000);
    QTest::newRow("seq below a million")
        << kTime << std::optional<qint64>(42) << std::optional<qint64>(1764842400123000042);
    QTest::newRow("seq wraps at a million")
        << kTime << std::optional<qint64>(3000042) << std::optional<qint64>(1764842400123000042);
    QTest::newRow("largest offset")
        << kTime << std::optional<qint64>(999999) << std::optional<qint64>(1764842400123999999);
    QTest::newRow("seq zero") << kTime << std::optional<qint64>(0)
                              << std::optional<qint64>(1764842400123000000);
    QTest::newRow("before 1970") << QDateTime::fromMSecsSinceEpoch(-1500, Qt::UTC)
                                 << std::optional<qint64>(7) << std::optional<qint64>(-1499999993);
    QTest::newRow("invalid time") << QDateTime() << std::optional<qint64>(1)
                                  << std::optional<qint64>();
    QTest::newRow("year 2300") << QDateTime(QDate(2300, 1, 1), QTime(0, 0), Qt::UTC)
                               << std::optional<qint64>() << std::optional<qint64>();
}

void tst_InfluxLineProtocol::timestampNs()
{
    QFETCH(QDateTime, ts);
    QFETCH(std::optional<qint64>, seq);
    QFETCH(std::optional<qint64>, ns);
    QCOMPARE(InfluxLineProtocol::timestampNs(ts, seq), ns);
}

void tst_InfluxLineProtocol::fieldKeys_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("stored");
    QTest::newRow("ordinary") << QStringLiteral("temp") << QStringLiteral("temp");
    QTest::newRow("named like a tag") << QStringLiteral("site") << QStringLiteral("site");
    QTest::newRow("named seq") << QStringLiteral("seq") << QStringLiteral("seq");
    QTest::newRow("time, refused by InfluxDB") << QStringLiteral("time") << QStringLiteral("@time");
}

void tst_InfluxLineProtocol::fieldKeys()
{
    QFETCH(QString, field);
    QFETCH(QString, stored);
    QCOMPARE(InfluxLineProtocol::storedFieldKey(field), stored);
    QCOMPARE(InfluxLineProtocol::fieldName(stored), field);
    QCOMPARE(InfluxLineProtocol::fieldName(QStringLiteral("@seq")), QString());
    QCOMPARE(InfluxLineProtocol::fieldName(QStringLiteral("@other")), QString());
}

void tst_InfluxLineProtocol::encodePoint_data()
{
    QTest::addColumn<QStringList>("ids"); // account, site, device
    QTest::addColumn<QJsonObject>("fields");
    QTest::addColumn<std::optional<qint64>>("seq");
    QTest::addColumn<QDateTime>("ts");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");

    const QStringList ids { QStringLiteral("acme"), QStringLiteral("lab"),
        QStringLiteral("jetson-01") };
    const QJsonObject temp { { QStringLiteral("temp"), 21.5 } };
    const std::optional<qint64> noSeq;
    QTest::newRow("one field, no seq")
        << ids << temp << noSeq << kTime
        << QByteArray(
               "telemetry,account=acme,device=jetson-01,site=lab temp=21.5 1764842400123000000")
        << QString();
    QTest::newRow("fields sorted, integral values as floats, seq")
        << ids
        << QJsonObject { { QStringLiteral("rpm"), 900 }, { QStringLiteral("a.b-c_d"), -0.25 } }
        << std::optional<qint64>(1000042) << kTime
        << QByteArray("telemetry,account=acme,device=jetson-01,site=lab "
                      "a.b-c_d=-0.25,rpm=900,@seq=1000042i "
                      "1764842400123000042")
        << QString();
    QTest::newRow("tags with spaces, commas, equals")
        << QStringList { QStringLiteral("big co"), QStringLiteral("lab 1,north=x"),
               QStringLiteral("d=1") }
        << temp << noSeq << kTime
        << QByteArray("telemetry,account=big\\ co,device=d\\=1,site=lab\\ 1\\,north\\=x temp=21.5 "
                      "1764842400123000000")
        << QString();
    QTest::newRow("empty site left out")
        << QStringList { QStringLiteral("acme"), QString(), QStringLiteral("d") } << temp << noSeq
        << kTime << QByteArray("telemetry,account=acme,device=d temp=21.5 1764842400123000000")
        << QString();
    QTest::newRow("field named time")
        << ids << QJsonObject { { QStringLiteral("time"), 1 } } << noSeq << kTime
        << QByteArray(
               "telemetry,account=acme,device=jetson-01,site=lab @time=1 1764842400123000000")
        << QString();
    QTest::newRow("seq alone")
        << ids << QJsonObject() << std::optional<qint64>(5) << kTime
        << QByteArray(
               "telemetry,account=acme,device=jetson-01,site=lab @seq=5i 1764842400123000005")
        << QString();
    QTest::newRow("no fields") << ids << QJsonObject() << noSeq << kTime << QByteArray()
                               << QStringLiteral("the point has no fields");
    QTest::newRow("string field") << ids
                                  << QJsonObject { { QStringLiteral("mode"),
                                         QStringLiteral("auto") } }
                                  << noSeq << kTime << QByteArray()
                                  << QStringLiteral("the field \"mode\" is not a finite number");
    QTest::newRow("trailing backslash in an id")
        << QStringList { QStringLiteral("a"), QStringLiteral("s\\"), QStringLiteral("d") } << temp
        << noSeq << kTime << QByteArray()
        << QStringLiteral("the site id \"s\\\" cannot be written to InfluxDB");
    QTest::newRow("line feed in an id")
        << QStringList { QStringLiteral("a"), QStringLiteral("s"), QStringLiteral("d\n") } << temp
        << noSeq << kTime << QByteArray()
        << QStringLiteral("the device id \"d\n\" cannot be written to InfluxDB");
    QTest::newRow("time out of range")
        << ids << temp << noSeq << QDateTime(QDate(2300, 1, 1), QTime(0, 0), Qt::UTC)
        << QByteArray() << QStringLiteral("the time of the point is outside InfluxDB's range");
}

void tst_InfluxLineProtocol::encodePoint()
{
    QFETCH(QStringList, ids);
    QFETCH(QJsonObject, fields);
    QFETCH(std::optional<qint64>, seq);
    QFETCH(QDateTime, ts);
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    PointWrite point;
    point.device = DeviceRecord { ids.at(0), ids.at(1), ids.at(2) };
    point.point.deviceId = ids.at(2);
    point.point.ts = ts;
    point.point.seq = seq;
    point.point.fields = fields;
    QString actualError;
    QCOMPARE(InfluxLineProtocol::encodePoint(point, &actualError), line);
    QCOMPARE(actualError, error);
}

void tst_InfluxLineProtocol::quoting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("string");
    QTest::addColumn<QString>("identifier");
    QTest::newRow("plain") << QStringLiteral("jetson-01") << QStringLiteral("'jetson-01'")
                           << QStringLiteral("\"jetson-01\"");
    QTest::newRow("single quote") << QStringLiteral("it's") << QStringLiteral("'it\\'s'")
                                  << QStringLiteral("\"it's\"");
    QTest::newRow("double quote") << QStringLiteral("a\"b") << QStringLiteral("'a\"b'")
                                  << QStringLiteral("\"a\\\"b\"");
    QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("'a\\\\b'")
                               << QStringLiteral("\"a\\\\b\"");
    QTest::newRow("line feed") << QStringLiteral("a\nb") << QStringLiteral("'a\\nb'")
                               << QStringLiteral("\"a\\nb\"");
}

void tst_InfluxLineProtocol::quoting()
{
    QFETCH(QString, text);
    QFETCH(QString, string);
    QFETCH(QString, identifier);
    QCOMPARE(InfluxLineProtocol::quoteString(text), string);
    QCOMPARE(InfluxLineProtocol::quoteIdentifier(text), identifier);
}

QTEST_GUILESS_MAIN(tst_InfluxLineProtocol)
#include "tst_influxlineprotocol.moc"
