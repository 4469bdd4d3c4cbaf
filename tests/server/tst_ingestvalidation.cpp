// Tests of the pure ingest validation (API.md "Ingest", issue 3).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "server/ingestvalidation.h"
#include "server/rfc3339.h"

using namespace Sightline;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 22), QTime(10, 0, 0), Qt::UTC);

QByteArray point(const QString &extra = QString(), const QString &fields = QStringLiteral("{\"cpu_temp_c\": 47.5}"))
{
    QString text = QStringLiteral("{\"deviceId\": \"jetson-01\", \"ts\": \"2026-11-22T10:00:00.123Z\", \"fields\": ")
        + fields;
    if (!extra.isEmpty())
        text += QStringLiteral(", ") + extra;
    return (text + QLatin1Char('}')).toUtf8();
}

QByteArray fieldsWith(int count)
{
    QJsonObject fields;
    for (int i = 0; i < count; ++i)
        fields.insert(QStringLiteral("f%1").arg(i), i);
    return QJsonDocument(fields).toJson(QJsonDocument::Compact);
}

QByteArray arrayOf(int count, const QByteArray &one = point())
{
    QByteArray body = "[";
    for (int i = 0; i < count; ++i) {
        if (i)
            body += ',';
        body += one;
    }
    return body + ']';
}

} // namespace

class tst_IngestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc3339_data();
    void rfc3339();
    void qtIsoParserIsTooLenient();
    void formatsServerTime();
    void contentType_data();
    void contentType();
    void bodySize_data();
    void bodySize();
    void body_data();
    void body();
    void acceptedPointIsFilledIn();
    void fieldNames_data();
    void fieldNames();
};

void tst_IngestValidation::rfc3339_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime base(QDate(2026, 11, 22), QTime(10, 0, 0), Qt::UTC);
    QTest::newRow("Z") << "2026-11-22T10:00:00Z" << true << base;
    QTest::newRow("lower-case t and z") << "2026-11-22t10:00:00z" << true << base;
    QTest::newRow("milliseconds") << "2026-11-22T10:00:00.123Z" << true << base.addMSecs(123);
    QTest::newRow("one fraction digit") << "2026-11-22T10:00:00.5Z" << true << base.addMSecs(500);
    QTest::newRow("microseconds truncated") << "2026-11-22T10:00:00.123999Z" << true << base.addMSecs(123);
    QTest::newRow("positive offset") << "2026-11-22T12:00:00+02:00" << true << base;
    QTest::newRow("negative offset") << "2026-11-22T05:30:00-04:30" << true << base;
    QTest::newRow("no offset") << "2026-11-22T10:00:00" << false << QDateTime();
    QTest::newRow("space instead of T") << "2026-11-22 10:00:00Z" << false << QDateTime();
    QTest::newRow("no seconds") << "2026-11-22T10:00Z" << false << QDateTime();
    QTest::newRow("date only") << "2026-11-22" << false << QDateTime();
    QTest::newRow("empty fraction") << "2026-11-22T10:00:00.Z" << false << QDateTime();
    QTest::newRow("hour 25") << "2026-11-22T25:00:00Z" << false << QDateTime();
    QTest::newRow("February 30") << "2026-02-30T10:00:00Z" << false << QDateTime();
    QTest::newRow("leap second") << "2026-12-31T23:59:60Z" << false << QDateTime();
    QTest::newRow("offset without colon") << "2026-11-22T10:00:00+0200" << false << QDateTime();
    QTest::newRow("offset hour 24") << "2026-11-22T10:00:00+24:00" << false << QDateTime();
    QTest::newRow("leading space") << " 2026-11-22T10:00:00Z" << false << QDateTime();
    QTest::newRow("trailing garbage") << "2026-11-22T10:00:00Zx" << false << QDateTime();
    QTest::newRow("basic format") << "20261122T100000Z" << false << QDateTime();
    QTest::newRow("two-digit year") << "26-11-22T10:00:00Z" << false << QDateTime();
    QTest::newRow("unicode digits") << QStringLiteral("2026-11-22T10:00:0\u0661Z") << false << QDateTime();
}

void tst_IngestValidation::rfc3339()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QDateTime, expected);
    const auto parsed = parseRfc3339(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(parsed->timeSpec(), Qt::UTC);
    }
}

void tst_IngestValidation::qtIsoParserIsTooLenient()
{
    // Why parseRfc3339 exists: Qt's ISO parser takes what RFC 3339 refuses.
    for (const char *text : {"2026-11-22T10:00:00", "2026-11-22 10:00:00Z", "2026-11-22T10:00Z", "2026-11-22"}) {
        QVERIFY2(QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs).isValid(), text);
        QVERIFY2(!parseRfc3339(QString::fromLatin1(text)), text);
    }
}

void tst_IngestValidation::formatsServerTime()
{
    const QDateTime time(QDate(2026, 11, 22), QTime(12, 0, 0, 7), Qt::OffsetFromUTC, 7200);
    QCOMPARE(formatRfc3339Utc(time), QStringLiteral("2026-11-22T10:00:00.007Z"));
    QCOMPARE(parseRfc3339(formatRfc3339Utc(time)), std::optional<QDateTime>(time.toUTC()));
}

void tst_IngestValidation::contentType_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("plain") << QByteArray("application/json") << true;
    QTest::newRow("upper case") << QByteArray("Application/JSON") << true;
    QTest::newRow("charset utf-8") << QByteArray("application/json; charset=utf-8") << true;
    QTest::newRow("charset quoted upper") << QByteArray("application/json;charset=\"UTF-8\"") << true;
    QTest::newRow("missing") << QByteArray() << false;
    QTest::newRow("text plain") << QByteArray("text/plain") << false;
    QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded") << false;
    QTest::newRow("json suffix type") << QByteArray("application/jsonx") << false;
    QTest::newRow("charset latin1") << QByteArray("application/json; charset=iso-8859-1") << false;
    QTest::newRow("other parameter") << QByteArray("application/json; version=2") << false;
}

void tst_IngestValidation::contentType()
{
    QFETCH(QByteArray, contentType);
    QFETCH(bool, accepted);
    QCOMPARE(isJsonContentType(contentType), accepted);
    const QList<ValidationProblem> problems = checkIngestEnvelope(contentType, 10, IngestLimits());
    QCOMPARE(problems.isEmpty(), accepted);
    if (!accepted) {
        QCOMPARE(problems.first().status, 415);
        QCOMPARE(problems.first().code, QByteArray("unsupported_media_type"));
    }
}

void tst_IngestValidation::bodySize_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("empty") << qint64(0) << true;
    QTest::newRow("exactly 1 MiB") << qint64(1048576) << true;
    QTest::newRow("1 MiB plus one byte") << qint64(1048577) << false;
    QTest::newRow("2 MiB") << qint64(2 * 1048576) << false;
}

void tst_IngestValidation::bodySize()
{
    QFETCH(qint64, size);
    QFETCH(bool, accepted);
    const QList<ValidationProblem> problems = checkIngestEnvelope("application/json", size, IngestLimits());
    QCOMPARE(problems.isEmpty(), accepted);
    if (!accepted) {
        QCOMPARE(problems.first().status, 413);
        QCOMPARE(problems.first().code, QByteArray("payload_too_large"));
    }
}

void tst_IngestValidation::body_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");     // 0: accepted
    QTest::addColumn<QByteArray>("code");
    QTest::addColumn<int>("index");      // of the first problem
    QTest::addColumn<QString>("field");  // named by the first problem
    QTest::addColumn<int>("points");     // accepted points

    const QByteArray ok;
    QTest::newRow("single point") << point() << 0 << ok << -1 << QString() << 1;
    QTest::newRow("with seq") << point(QStringLiteral("\"seq\": 812")) << 0 << ok << -1 << QString() << 1;
    QTest::newRow("seq zero") << point(QStringLiteral("\"seq\": 0")) << 0 << ok << -1 << QString() << 1;
    QTest::newRow("array of one") << arrayOf(1) << 0 << ok << -1 << QString() << 1;
    QTest::newRow("array of 1000") << arrayOf(1000) << 0 << ok << -1 << QString() << 1000;
    QTest::newRow("64 fields") << point(QString(), QString::fromLatin1(fieldsWith(64))) << 0 << ok << -1 << QString() << 1;
    QTest::newRow("integer and negative values")
        << point(QString(), QStringLiteral("{\"a\": 1, \"b\": -2.5e3, \"c\": 1e308}")) << 0 << ok << -1 << QString() << 1;

    QTest::newRow("malformed JSON") << QByteArray("{\"deviceId\": ") << 400 << QByteArray("invalid_json") << -1
                                    << QString() << 0;
    QTest::newRow("empty body") << QByteArray() << 400 << QByteArray("invalid_json") << -1 << QString() << 0;
    QTest::newRow("NaN") << point(QString(), QStringLiteral("{\"a\": NaN}")) << 400 << QByteArray("invalid_json") << -1
                         << QString() << 0;
    QTest::newRow("Infinity") << point(QString(), QStringLiteral("{\"a\": Infinity}")) << 400
                              << QByteArray("invalid_json") << -1 << QString() << 0;
    // Qt's JSON parser refuses numbers beyond the double range outright.
    QTest::newRow("1e400") << point(QString(), QStringLiteral("{\"a\": 1e400}")) << 400 << QByteArray("invalid_json")
                           << -1 << QString() << 0;
    QTest::newRow("-1e400") << point(QString(), QStringLiteral("{\"a\": -1e400}")) << 400
                            << QByteArray("invalid_json") << -1 << QString() << 0;
    QTest::newRow("nesting beyond the parser limit")
        << (QByteArray(5000, '[') + QByteArray(5000, ']')) << 400 << QByteArray("invalid_json") << -1 << QString() << 0;
    QTest::newRow("nested object as a field value")
        << point(QString(), QStringLiteral("{\"a\": {\"b\": {\"c\": {\"d\": 1}}}}")) << 400
        << QByteArray("invalid_point") << 0 << QStringLiteral("fields.a") << 0;
    QTest::newRow("top-level number array") << QByteArray("[1]") << 400 << QByteArray("invalid_point") << 0
                                            << QStringLiteral("(point)") << 0;
    QTest::newRow("empty array") << QByteArray("[]") << 400 << QByteArray("invalid_point") << -1 << QString() << 0;
    QTest::newRow("1001 points") << arrayOf(1001) << 400 << QByteArray("too_many_points") << -1 << QString() << 0;
    QTest::newRow("missing deviceId")
        << QByteArray("{\"ts\": \"2026-11-22T10:00:00Z\", \"fields\": {\"a\": 1}}") << 400
        << QByteArray("invalid_point") << 0 << QStringLiteral("deviceId") << 0;
    QTest::newRow("deviceId a number") << QByteArray("{\"deviceId\": 7, \"ts\": \"2026-11-22T10:00:00Z\", \"fields\": {\"a\": 1}}")
                                       << 400 << QByteArray("invalid_point") << 0 << QStringLiteral("deviceId") << 0;
    QTest::newRow("another device's id")
        << QByteArray("{\"deviceId\": \"jetson-02\", \"ts\": \"2026-11-22T10:00:00Z\", \"fields\": {\"a\": 1}}") << 403
        << QByteArray("device_mismatch") << 0 << QStringLiteral("deviceId") << 0;
    QTest::newRow("ts without offset")
        << QByteArray("{\"deviceId\": \"jetson-01\", \"ts\": \"2026-11-22T10:00:00\", \"fields\": {\"a\": 1}}") << 400
        << QByteArray("invalid_point") << 0 << QStringLiteral("ts") << 0;
    QTest::newRow("ts a number") << QByteArray("{\"deviceId\": \"jetson-01\", \"ts\": 1763805600, \"fields\": {\"a\": 1}}")
                                 << 400 << QByteArray("invalid_point") << 0 << QStringLiteral("ts") << 0;
    QTest::newRow("ts 301 s in the future")
        << QByteArray("{\"deviceId\": \"jetson-01\", \"ts\": \"2026-11-22T10:05:01Z\", \"fields\": {\"a\": 1}}") << 422
        << QByteArray("timestamp_skew") << 0 << QStringLiteral("ts") << 0;
    QTest::newRow("ts 300 s in the past allowed")
        << QByteArray("{\"deviceId\": \"jetson-01\", \"ts\": \"2026-11-22T09:55:00Z\", \"fields\": {\"a\": 1}}") << 0
        << ok << -1 << QString() << 1;
    QTest::newRow("ts an hour old")
        << QByteArray("{\"deviceId\": \"jetson-01\", \"ts\": \"2026-11-22T09:00:00Z\", \"fields\": {\"a\": 1}}") << 422
        << QByteArray("timestamp_skew") << 0 << QStringLiteral("ts") << 0;
    QTest::newRow("negative seq") << point(QStringLiteral("\"seq\": -1")) << 400 << QByteArray("invalid_point") << 0
                                  << QStringLiteral("seq") << 0;
    QTest::newRow("fractional seq") << point(QStringLiteral("\"seq\": 1.5")) << 400 << QByteArray("invalid_point") << 0
                                    << QStringLiteral("seq") << 0;
    QTest::newRow("string seq") << point(QStringLiteral("\"seq\": \"5\"")) << 400 << QByteArray("invalid_point") << 0
                                << QStringLiteral("seq") << 0;
    QTest::newRow("seq beyond 2^53") << point(QStringLiteral("\"seq\": 1e17")) << 400 << QByteArray("invalid_point") << 0
                                     << QStringLiteral("seq") << 0;
    QTest::newRow("no fields") << QByteArray("{\"deviceId\": \"jetson-01\", \"ts\": \"2026-11-22T10:00:00Z\"}") << 400
                               << QByteArray("invalid_point") << 0 << QStringLiteral("fields") << 0;
    QTest::newRow("empty fields") << point(QString(), QStringLiteral("{}")) << 400 << QByteArray("invalid_point") << 0
                                  << QStringLiteral("fields") << 0;
    QTest::newRow("65 fields") << point(QString(), QString::fromLatin1(fieldsWith(65))) << 400
                               << QByteArray("invalid_point") << 0 << QStringLiteral("fields") << 0;
    QTest::newRow("fields an array") << point(QString(), QStringLiteral("[1, 2]")) << 400 << QByteArray("invalid_point")
                                     << 0 << QStringLiteral("fields") << 0;
    QTest::newRow("string value") << point(QString(), QStringLiteral("{\"a\": \"47\"}")) << 400
                                  << QByteArray("invalid_point") << 0 << QStringLiteral("fields.a") << 0;
    QTest::newRow("boolean value") << point(QString(), QStringLiteral("{\"a\": true}")) << 400
                                   << QByteArray("invalid_point") << 0 << QStringLiteral("fields.a") << 0;
    QTest::newRow("null value") << point(QString(), QStringLiteral("{\"a\": null}")) << 400
                                << QByteArray("invalid_point") << 0 << QStringLiteral("fields.a") << 0;
    QTest::newRow("field name with a space") << point(QString(), QStringLiteral("{\"cpu temp\": 1}")) << 400
                                             << QByteArray("invalid_point") << 0 << QStringLiteral("fields.cpu temp") << 0;
    QTest::newRow("field name 65 characters")
        << point(QString(), QStringLiteral("{\"%1\": 1}").arg(QString(65, QLatin1Char('a')))) << 400
        << QByteArray("invalid_point") << 0 << QStringLiteral("fields.") + QString(65, QLatin1Char('a')) << 0;
    QTest::newRow("unknown key") << point(QStringLiteral("\"extra\": 1")) << 400 << QByteArray("invalid_point") << 0
                                 << QStringLiteral("extra") << 0;
    QTest::newRow("bad point at index 2 rejects the batch")
        << ("[" + point() + "," + point() + "," + point(QString(), QStringLiteral("{\"a\": \"x\"}")) + "]") << 400
        << QByteArray("invalid_point") << 2 << QStringLiteral("fields.a") << 0;
    QTest::newRow("malformed point reported before a mismatch later")
        << ("[" + point(QString(), QStringLiteral("{}")) + ","
            + QByteArray("{\"deviceId\": \"other\", \"ts\": \"2026-11-22T10:00:00Z\", \"fields\": {\"a\": 1}}") + "]")
        << 400 << QByteArray("invalid_point") << 0 << QStringLiteral("fields") << 0;
}

void tst_IngestValidation::body()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    QFETCH(int, index);
    QFETCH(QString, field);
    QFETCH(int, points);

    const ParsedIngest parsed = parseIngestBody(body, QStringLiteral("jetson-01"), kNow, IngestLimits());
    QCOMPARE(parsed.points.size(), points);
    if (status == 0) {
        QVERIFY2(parsed.problems.isEmpty(), qPrintable(parsed.problems.value(0).message));
        return;
    }
    QVERIFY(!parsed.problems.isEmpty());
    const ValidationProblem &first = parsed.problems.first();
    QCOMPARE(first.status, status);
    QCOMPARE(first.code, code);
    QCOMPARE(first.index, index);
    QCOMPARE(first.field, field);
    QVERIFY(!first.message.isEmpty());
    if (index >= 0) {
        // The message names the array index and the field (API.md).
        QVERIFY2(first.message.contains(QStringLiteral("Point %1").arg(index)), qPrintable(first.message));
        QVERIFY2(first.message.contains(field), qPrintable(first.message));
    }
    const ApiError error = first.toApiError();
    QCOMPARE(error.status, status);
    QCOMPARE(error.code, code);
}

void tst_IngestValidation::acceptedPointIsFilledIn()
{
    const ParsedIngest parsed = parseIngestBody(point(QStringLiteral("\"seq\": 812")), QStringLiteral("jetson-01"), kNow,
                                                IngestLimits());
    QVERIFY(parsed.problems.isEmpty());
    QCOMPARE(parsed.points.size(), 1);
    const TelemetryPoint &p = parsed.points.first();
    QCOMPARE(p.deviceId, QStringLiteral("jetson-01"));
    QCOMPARE(p.ts, kNow.addMSecs(123));
    QCOMPARE(p.seq, std::optional<qint64>(812));
    QCOMPARE(p.fields.value(QStringLiteral("cpu_temp_c")).toDouble(), 47.5);
}

void tst_IngestValidation::fieldNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("letters digits and marks") << "gpu_util.pct-0" << true;
    QTest::newRow("one character") << "a" << true;
    QTest::newRow("64 characters") << QString(64, QLatin1Char('x')) << true;
    QTest::newRow("65 characters") << QString(65, QLatin1Char('x')) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("slash") << "a/b" << false;
    QTest::newRow("non-ASCII letter") << QStringLiteral("temp\u00e9") << false;
}

void tst_IngestValidation::fieldNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(isValidFieldName(name), valid);
}

QTEST_APPLESS_MAIN(tst_IngestValidation)
#include "tst_ingestvalidation.moc"
