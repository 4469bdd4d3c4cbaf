// Tests for SseFormatter (issue 4): the exact bytes of every frame, and that
// the project's own WHATWG parser (src/stream) reads them back unchanged.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "server/sseformatter.h"
#include "server/storagetypes.h"
#include "stream/sseparser.h"

using namespace Sightline;

class tst_SseFormatter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void event_data();
    void event();
    void eventParsesBack_data();
    void eventParsesBack();
    void retryField();
    void comment_data();
    void comment();
    void storedEvent();
    void systemEvent();
};

void tst_SseFormatter::event_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("id, type and one line of data")
        << QByteArray("42") << QByteArray("telemetry") << QByteArray(R"({"a":1})")
        << QByteArray("id: 42\nevent: telemetry\ndata: {\"a\":1}\n\n");
    QTest::newRow("no id line when the id is empty")
        << QByteArray() << QByteArray("system") << QByteArray("{}") << QByteArray("event: system\ndata: {}\n\n");
    QTest::newRow("empty data is one empty data line")
        << QByteArray("1") << QByteArray("alert") << QByteArray() << QByteArray("id: 1\nevent: alert\ndata: \n\n");
    QTest::newRow("LF in data splits into data lines")
        << QByteArray("2") << QByteArray("x") << QByteArray("a\nb") << QByteArray("id: 2\nevent: x\ndata: a\ndata: b\n\n");
    QTest::newRow("CRLF in data is one line break")
        << QByteArray("3") << QByteArray("x") << QByteArray("a\r\nb") << QByteArray("id: 3\nevent: x\ndata: a\ndata: b\n\n");
    QTest::newRow("lone CR in data is a line break")
        << QByteArray("4") << QByteArray("x") << QByteArray("a\rb") << QByteArray("id: 4\nevent: x\ndata: a\ndata: b\n\n");
    QTest::newRow("trailing LF in data keeps an empty last line")
        << QByteArray("5") << QByteArray("x") << QByteArray("a\n") << QByteArray("id: 5\nevent: x\ndata: a\ndata: \n\n");
    QTest::newRow("line breaks removed from id and type")
        << QByteArray("6\n7") << QByteArray("te\rst") << QByteArray("d")
        << QByteArray("id: 67\nevent: test\ndata: d\n\n");
    QTest::newRow("data starting with a space keeps it (after the one separator space)")
        << QByteArray("8") << QByteArray("x") << QByteArray(" lead") << QByteArray("id: 8\nevent: x\ndata:  lead\n\n");
}

void tst_SseFormatter::event()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);
    QCOMPARE(SseFormatter::event(id, type, data), expected);
}

void tst_SseFormatter::eventParsesBack_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("data");

    QTest::newRow("compact JSON") << QByteArray("1042") << QByteArray("telemetry")
                                  << QByteArray(R"({"id":"1042","data":{"fields":{"cpu":1.5}}})");
    QTest::newRow("multi-line data") << QByteArray("7") << QByteArray("alert") << QByteArray("one\ntwo\n\nfour");
    QTest::newRow("UTF-8 text") << QByteArray("8") << QByteArray("alert")
                                << QByteArray("GPU temperature above 85 \xc2\xb0" "C");
    QTest::newRow("colon and spaces in data") << QByteArray("9") << QByteArray("x") << QByteArray(": not a comment ");
}

void tst_SseFormatter::eventParsesBack()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, data);
    const QByteArray bytes = SseFormatter::retryField(10000) + SseFormatter::comment("ping")
        + SseFormatter::event(id, type, data);

    SseParser parser;
    const QList<SseEvent> events = parser.feed(bytes);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, QString::fromUtf8(type));
    QCOMPARE(events.at(0).data, data);
    QCOMPARE(events.at(0).lastEventId, QString::fromUtf8(id));
    QCOMPARE(parser.retryHint(), qint64(10000));
}

void tst_SseFormatter::retryField()
{
    QCOMPARE(SseFormatter::retryField(10000), QByteArray("retry: 10000\n\n"));
    QCOMPARE(SseFormatter::retryField(0), QByteArray("retry: 0\n\n"));
}

void tst_SseFormatter::comment_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("heartbeat") << QByteArray("ping") << QByteArray(": ping\n");
    QTest::newRow("empty comment") << QByteArray() << QByteArray(": \n");
    QTest::newRow("line breaks become spaces") << QByteArray("a\nb\rc") << QByteArray(": a b c\n");
}

void tst_SseFormatter::comment()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    const QByteArray bytes = SseFormatter::comment(text);
    QCOMPARE(bytes, expected);
    // A comment never dispatches anything, whatever follows it.
    SseParser parser;
    QVERIFY(parser.feed(QByteArray(bytes + "\n")).isEmpty());
}

void tst_SseFormatter::storedEvent()
{
    StoredEvent event;
    event.id = 1042;
    event.ts = QDateTime(QDate(2026, 11, 22), QTime(10, 0, 0, 123), Qt::UTC);
    event.topic = QStringLiteral("account:a/site:s/device:d");
    event.type = QStringLiteral("telemetry");
    event.data = QJsonObject{{QStringLiteral("deviceId"), QStringLiteral("d")},
                             {QStringLiteral("message"), QStringLiteral("two\nlines")}};
    event.accountId = QStringLiteral("a");
    event.siteId = QStringLiteral("s");
    event.deviceId = QStringLiteral("d");

    const QByteArray frame = SseFormatter::storedEvent(event);
    QVERIFY2(frame.startsWith("id: 1042\nevent: telemetry\ndata: {"), frame.constData());
    QVERIFY(frame.endsWith("}\n\n"));
    QCOMPARE(frame.count('\n'), 4); // id, event, one data line, blank line

    SseParser parser;
    const QList<SseEvent> events = parser.feed(frame);
    QCOMPARE(events.size(), 1);
    const QJsonObject json = QJsonDocument::fromJson(events.at(0).data).object();
    QCOMPARE(json, event.toJson());
    QCOMPARE(json.value(QStringLiteral("id")).toString(), QStringLiteral("1042"));
    QCOMPARE(json.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-11-22T10:00:00.123Z"));
}

void tst_SseFormatter::systemEvent()
{
    const QDateTime ts(QDate(2026, 11, 22), QTime(10, 0, 1, 5), Qt::UTC);
    const QByteArray frame = SseFormatter::systemEvent(QStringLiteral("token_expired"), QStringLiteral("bye"), ts);
    QVERIFY2(frame.startsWith("event: system\ndata: {"), frame.constData());
    QVERIFY(!frame.contains("id: "));

    SseParser parser;
    parser.feed("id: 5\n\n"); // a system event must not disturb the last event id
    const QList<SseEvent> events = parser.feed(frame);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, QStringLiteral("system"));
    QCOMPARE(events.at(0).lastEventId, QStringLiteral("5"));
    const QJsonObject json = QJsonDocument::fromJson(events.at(0).data).object();
    QVERIFY(json.value(QStringLiteral("id")).isNull());
    QVERIFY(json.value(QStringLiteral("topic")).isNull());
    QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("system"));
    QCOMPARE(json.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-11-22T10:00:01.005Z"));
    const QJsonObject data = json.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("kind")).toString(), QStringLiteral("token_expired"));
    QCOMPARE(data.value(QStringLiteral("message")).toString(), QStringLiteral("bye"));
}

QTEST_GUILESS_MAIN(tst_SseFormatter)
#include "tst_sseformatter.moc"
