// Tests for SseJsonlWriter: the JSON Lines of `sightline-tail --stdin`
// (API.md "Command-line clients"): compact objects, keys in contract order,
// RFC 8259 string escaping, and every line valid JSON that reads back to the
// same values.
#include "stream/ssejsonlwriter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Sightline::SseEvent;
using Sightline::SseJsonlWriter;
using Sightline::SseParser;

class tst_SseJsonlWriter : public QObject
{
    Q_OBJECT

private slots:
    void eventLine_data();
    void eventLine();
    void retryLine_data();
    void retryLine();
    void keepsStreamOrder();
    void collectsErrors();
};

void tst_SseJsonlWriter::eventLine_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("plain event") << QStringLiteral("message") << QByteArray("a") << QString()
                                 << QByteArray(R"({"event":"message","data":"a","lastEventId":""})"
                                               "\n");
    QTest::newRow("empty data") << QStringLiteral("message") << QByteArray() << QStringLiteral("7")
                                << QByteArray(R"({"event":"message","data":"","lastEventId":"7"})"
                                              "\n");
    QTest::newRow("quote and backslash escaped")
        << QStringLiteral("a\"b") << QByteArray("c\\d") << QStringLiteral("\\")
        << QByteArray(R"({"event":"a\"b","data":"c\\d","lastEventId":"\\"})"
                      "\n");
    QTest::newRow("named control characters")
        << QStringLiteral("t") << QByteArray("\b\f\n\r\t") << QString()
        << QByteArray(R"({"event":"t","data":"\b\f\n\r\t","lastEventId":""})"
                      "\n");
    QTest::newRow("other control characters as \\u00XX")
        << QStringLiteral("t") << QByteArray("\x01\x1f", 2) << QString()
        << QByteArray(R"({"event":"t","data":"\u0001\u001f","lastEventId":""})"
                      "\n");
    QTest::newRow("NUL as \\u0000")
        << QStringLiteral("t") << QByteArray("a\0b", 3) << QString()
        << QByteArray(R"({"event":"t","data":"a\u0000b","lastEventId":""})"
                      "\n");
    QTest::newRow("DEL and slash kept")
        << QStringLiteral("t") << QByteArray("\x7f/") << QString()
        << QByteArray("{\"event\":\"t\",\"data\":\"\x7f/\",\"lastEventId\":\"\"}\n");
    QTest::newRow("non-ASCII kept as UTF-8")
        << QString::fromUtf8("\xc3\xa9") << QByteArray("\xe2\x82\xac \xf0\x9f\x98\x80")
        << QString::fromUtf8("\xe2\x80\xa8")
        << QByteArray("{\"event\":\"\xc3\xa9\",\"data\":\"\xe2\x82\xac \xf0\x9f\x98\x80\","
                      "\"lastEventId\":\"\xe2\x80\xa8\"}\n");
}

void tst_SseJsonlWriter::eventLine()
{
    QFETCH(QString, type);
    QFETCH(QByteArray, data);
    QFETCH(QString, lastEventId);
    QFETCH(QByteArray, expected);

    const SseEvent event { type, data, lastEventId };
    const QByteArray line = SseJsonlWriter::eventLine(event);
    QCOMPARE(line, expected);

    // The line is one JSON object that reads back to the same values.
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject object = document.object();
    QCOMPARE(object.size(), 3);
    QCOMPARE(object.value(QLatin1String("event")).toString(), type);
    QCOMPARE(object.value(QLatin1String("data")).toString(), QString::fromUtf8(data));
    QCOMPARE(object.value(QLatin1String("lastEventId")).toString(), lastEventId);
}

void tst_SseJsonlWriter::retryLine_data()
{
    QTest::addColumn<qlonglong>("milliseconds");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("zero") << 0ll << QByteArray("{\"retry\":0}\n");
    QTest::newRow("server default") << 10000ll << QByteArray("{\"retry\":10000}\n");
    QTest::newRow("saturated 64-bit value")
        << 9223372036854775807ll << QByteArray("{\"retry\":9223372036854775807}\n");
}

void tst_SseJsonlWriter::retryLine()
{
    QFETCH(qlonglong, milliseconds);
    QFETCH(QByteArray, expected);
    QCOMPARE(SseJsonlWriter::retryLine(milliseconds), expected);
}

void tst_SseJsonlWriter::keepsStreamOrder()
{
    SseParser parser;
    SseJsonlWriter writer;
    parser.feed("retry: 5\ndata: a\n\nretry: 6\nid: 2\nevent: e\ndata: b\n", writer);
    QCOMPARE(writer.takeOutput(),
        QByteArray("{\"retry\":5}\n"
                   "{\"event\":\"message\",\"data\":\"a\",\"lastEventId\":\"\"}\n"
                   "{\"retry\":6}\n"));
    parser.feed("\n", writer);
    QCOMPARE(writer.takeOutput(),
        QByteArray("{\"event\":\"e\",\"data\":\"b\",\"lastEventId\":\"2\"}\n"));
    QCOMPARE(writer.takeOutput(), QByteArray());
    QVERIFY(writer.takeErrors().isEmpty());
}

void tst_SseJsonlWriter::collectsErrors()
{
    SseParser parser(8);
    SseJsonlWriter writer;
    parser.feed("data: 0123456789\n\ndata: ok\n\n", writer);
    const QStringList errors = writer.takeErrors();
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().contains(QLatin1String("8 bytes")), qPrintable(errors.first()));
    QCOMPARE(writer.takeOutput(),
        QByteArray("{\"event\":\"message\",\"data\":\"ok\",\"lastEventId\":\"\"}\n"));
    QVERIFY(writer.takeErrors().isEmpty());
}

QTEST_GUILESS_MAIN(tst_SseJsonlWriter)
#include "tst_ssejsonlwriter.moc"
