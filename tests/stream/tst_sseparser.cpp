// Tests for SseParser (issue 2, item 3): every rule of WHATWG HTML "9.2.5
// Parsing an event stream" / "9.2.6 Interpreting an event stream" as a named
// row of one table, fed whole, byte by byte, split at every offset (and every
// pair of offsets for short rows) and in seeded random splits, all of which
// must give identical results, through the Handler API, the ViewHandler API
// and both alternating on one stream. Then sightline-tail --stdin, run as a process
// on the same kind of input (API.md "Command-line clients").
#include "stream/ssejsonlwriter.h"
#include "stream/sseparser.h"
#include "stream/utf8.h"

#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <limits>

using Sightline::SseEvent;
using Sightline::SseParser;

namespace {

constexpr int kProcessTimeoutMs = 60000;
constexpr int kRandomSplitsPerRow = 200;
constexpr qsizetype kPairSplitMaxInput = 96; // every pair of cuts is O(n^2) runs

// A byte string from a literal that may contain NUL bytes.
template<size_t N> QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, qsizetype(N - 1));
}

// Printable ASCII as is, everything else as \xNN, so failures show the bytes.
QString escaped(QByteArrayView in)
{
    QString out;
    for (const char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F && c != '\\')
            out += QLatin1Char(char(c));
        else
            out += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    }
    return out;
}

// One record of parser output in stream order, as a readable string.
QString eventRecord(QByteArrayView type, QByteArrayView data, QByteArrayView lastEventId)
{
    return QStringLiteral("event type=[%1] data=[%2] lastEventId=[%3]")
        .arg(escaped(type), escaped(data), escaped(lastEventId));
}

QString retryRecord(qint64 milliseconds)
{
    return QStringLiteral("retry %1").arg(milliseconds);
}

QString tooLargeRecord()
{
    return QStringLiteral("error EventTooLarge");
}

const QByteArray kFffd = QByteArrayLiteral("\xEF\xBF\xBD"); // U+FFFD in UTF-8

class Recorder final : public SseParser::Handler
{
public:
    QStringList records;

    void handleEvent(SseEvent &&event) override
    {
        QString record = eventRecord(event.type.toUtf8(), event.data, event.lastEventId.toUtf8());
        if (!Sightline::Utf8::isValid(event.data))
            record += QStringLiteral(" (data is not valid UTF-8)");
        records.append(record);
    }
    void handleRetry(qint64 milliseconds) override { records.append(retryRecord(milliseconds)); }
    void handleError(SseParser::Error error, const QString &message) override
    {
        records.append(error == SseParser::Error::EventTooLarge && !message.isEmpty()
                ? tooLargeRecord()
                : QStringLiteral("unexpected error"));
    }
};

// The same records from the view API. The views must be valid UTF-8 with a
// non-empty type, and toEvent() must give the same event as the views.
class ViewRecorder final : public SseParser::ViewHandler
{
public:
    explicit ViewRecorder(QStringList *records)
        : m_records(records)
    {
    }

    void handleEvent(const Sightline::SseEventView &event) override
    {
        QString record = eventRecord(event.type, event.data, event.lastEventId);
        if (!Sightline::Utf8::isValid(event.data) || !Sightline::Utf8::isValid(event.type)
            || !Sightline::Utf8::isValid(event.lastEventId))
            record += QStringLiteral(" (a view is not valid UTF-8)");
        if (event.type.isEmpty())
            record += QStringLiteral(" (empty type)");
        const SseEvent copy = event.toEvent();
        if (eventRecord(copy.type.toUtf8(), copy.data, copy.lastEventId.toUtf8())
            != eventRecord(event.type, event.data, event.lastEventId))
            record += QStringLiteral(" (toEvent differs)");
        m_records->append(record);
    }
    void handleRetry(qint64 milliseconds) override { m_records->append(retryRecord(milliseconds)); }
    void handleError(SseParser::Error error, const QString &message) override
    {
        m_records->append(error == SseParser::Error::EventTooLarge && !message.isEmpty()
                ? tooLargeRecord()
                : QStringLiteral("unexpected error"));
    }

private:
    QStringList *m_records;
};

// Which feed() overload the table rows go through.
enum class Api {
    Handler, // feed(bytes, Handler &)
    View, // feed(bytes, ViewHandler &)
    Alternating, // Handler and ViewHandler in turn, one chunk each
};

const Api kAllApis[] = { Api::Handler, Api::View, Api::Alternating };

QString apiName(Api api)
{
    switch (api) {
    case Api::Handler:
        return QStringLiteral("Handler API");
    case Api::View:
        return QStringLiteral("ViewHandler API");
    case Api::Alternating:
        return QStringLiteral("Handler and ViewHandler alternating");
    }
    return QString();
}

struct Outcome
{
    QStringList records;
    QString lastEventId;
    qint64 retryHint = -1;

    bool operator==(const Outcome &other) const
    {
        return records == other.records && lastEventId == other.lastEventId
            && retryHint == other.retryHint;
    }
};

// Feeds `input` cut at the sorted offsets `cuts` (repeats give empty chunks).
// The input is copied into a buffer per chunk that is overwritten after the
// call, so a view kept beyond its callback would show garbage.
Outcome parseWithCuts(const QByteArray &input, qsizetype maxEventSize, const QList<qsizetype> &cuts,
    Api api = Api::Handler)
{
    SseParser parser(maxEventSize);
    Recorder recorder;
    ViewRecorder viewRecorder(&recorder.records);
    int chunkIndex = 0;
    const auto feedChunk = [&](QByteArrayView chunk) {
        QByteArray copy = chunk.toByteArray();
        const bool useView = api == Api::View || (api == Api::Alternating && chunkIndex % 2 == 1);
        if (useView)
            parser.feed(copy, viewRecorder);
        else
            parser.feed(copy, recorder);
        copy.fill('\xAA');
        ++chunkIndex;
    };
    qsizetype from = 0;
    for (const qsizetype cut : cuts) {
        feedChunk(QByteArrayView(input).sliced(from, cut - from));
        from = cut;
    }
    feedChunk(QByteArrayView(input).sliced(from));
    return { recorder.records, parser.lastEventId(), parser.retryHint() };
}

QString describeCuts(const QList<qsizetype> &cuts)
{
    QStringList parts;
    for (const qsizetype cut : cuts)
        parts.append(QString::number(cut));
    return QStringLiteral("cuts at [%1]").arg(parts.join(QLatin1Char(',')));
}

} // namespace

class tst_SseParser : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // The rule table, fed in every way.
    void feedWhole_data() { addRuleRows(); }
    void feedWhole();
    void feedByteByByte_data() { addRuleRows(); }
    void feedByteByByte();
    void feedSplitAtEveryOffset_data() { addRuleRows(); }
    void feedSplitAtEveryOffset();
    void feedSplitAtEveryPairOfOffsets_data() { addRuleRows(); }
    void feedSplitAtEveryPairOfOffsets();
    void feedRandomSplits_data() { addRuleRows(); }
    void feedRandomSplits();
    void listFeedMatchesHandlerFeed_data() { addRuleRows(); }
    void listFeedMatchesHandlerFeed();

    // State and API behaviour outside the table.
    void freshParserState();
    void viewDataLiesInTheChunk_data();
    void viewDataLiesInTheChunk();
    void resetForgetsEverything();
    void resetDropsPendingCr();
    void errorLastsOneFeedCall();
    void maxEventSizeClampsToOne();
    void defaultLimitStopsRunawayEvent();
    void longLinesInAnyChunkSize_data();
    void longLinesInAnyChunkSize();

    // sightline-tail --stdin as a process.
    void tailStdin_data();
    void tailStdin();
    void tailStdinReportsRunawayEvent();

private:
    static void addRuleRows();
    Outcome expectedOutcome() const;
    QString tailProgram() const;

    quint32 m_seed = 0;
};

void tst_SseParser::initTestCase()
{
    bool ok = false;
    m_seed = qEnvironmentVariable("SIGHTLINE_TEST_SEED").toUInt(&ok);
    if (!ok)
        m_seed = QRandomGenerator::system()->generate();
    qInfo("random split seed: %u (set SIGHTLINE_TEST_SEED=%u to repeat)", m_seed, m_seed);
}

void tst_SseParser::addRuleRows()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qlonglong>("maxEventSize");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<qlonglong>("retryHint");

    const auto row = [](const char *name, const QByteArray &input, const QStringList &expected,
                         const QString &lastEventId = QString(), qint64 retryHint = -1,
                         qsizetype maxEventSize = SseParser::kDefaultMaxEventSize) {
        QTest::newRow(name) << input << qlonglong(maxEventSize) << expected << lastEventId
                            << qlonglong(retryHint);
    };
    const auto ev = [](const QByteArray &data, QByteArrayView type = "message",
                        QByteArrayView id = "") { return eventRecord(type, data, id); };
    const QByteArray fffd = kFffd;

    // Dispatch and the data buffer.
    row("single data line", "data: a\n\n", { ev("a") });
    row("two events", "data: a\n\ndata: b\n\n", { ev("a"), ev("b") });
    row("multi-line data joined with LF", "data: a\ndata: b\ndata: c\n\n", { ev("a\nb\nc") });
    row("data line without colon adds an empty line", "data\n\n", { ev("") });
    row("two empty data lines give one LF", "data\ndata\n\n", { ev("\n") });
    row("only the last LF of the data buffer removed", "data: a\ndata\n\n", { ev("a\n") });
    row("data colon only gives empty data", "data:\n\n", { ev("") });
    row("colons after the first are part of the value", "data: a:b: c\n\n", { ev("a:b: c") });
    row("NUL in data kept", bytes("data: a\0b\n\n"), { ev(bytes("a\0b")) });
    row("blank lines only", "\n\n\r\n\r\r", {});
    row("event without data not dispatched", "event: add\n\n", {});
    row("unfinished event at end not dispatched", "data: a\n", {});
    row("unterminated last line ignored", "data: a\n\ndata: b", { ev("a") });
    row("unterminated blank-line candidate ignored", "data: a\ndata: b", {});

    // Line ends.
    row("CR line ends", "data: a\rdata: b\r\r", { ev("a\nb") });
    row("CRLF line ends", "data: a\r\ndata: b\r\n\r\n", { ev("a\nb") });
    row("mixed line ends", "data: a\rdata: b\ndata: c\r\n\n", { ev("a\nb\nc") });
    row("LF then CR is two line ends", "data: a\n\rdata: b\n\n", { ev("a"), ev("b") });
    row("CRLF then LF is a line end and a blank line", "data: a\r\n\n", { ev("a") });
    row("CR inside a value ends the line", "data: a\rb\n\n", { ev("a") });
    row("CR CR LF is a line end then a CRLF blank line", "data: a\r\r\ndata: b\n\n",
        { ev("a"), ev("b") });

    // The event field.
    row("event field sets the type", "event: add\ndata: 1\n\n", { ev("1", "add") });
    row("event type reset after dispatch", "event: add\ndata: 1\n\ndata: 2\n\n",
        { ev("1", "add"), ev("2") });
    row("event type reset when nothing dispatched", "event: add\n\ndata: 2\n\n", { ev("2") });
    row("empty event type means message", "event:\ndata: 1\n\n", { ev("1") });
    row("event without colon means message", "event: add\nevent\ndata: 1\n\n", { ev("1") });
    row("last event field wins", "event: a\nevent: b\ndata: 1\n\n", { ev("1", "b") });
    row("event type keeps inner and trailing spaces", "event:  a b \ndata: 1\n\n",
        { ev("1", " a b ") });
    row("same event type on consecutive events", "event: t\ndata: 1\n\nevent: t\ndata: 2\n\n",
        { ev("1", "t"), ev("2", "t") });

    // The id field and the last event ID.
    row("id field sets the last event id", "id: 1\ndata: a\n\n", { ev("a", "message", "1") },
        QStringLiteral("1"));
    row("id after data applies to the same event", "data: a\nid: 1\n\n",
        { ev("a", "message", "1") }, QStringLiteral("1"));
    row("last event id kept across events", "id: 1\ndata: a\n\ndata: b\n\n",
        { ev("a", "message", "1"), ev("b", "message", "1") }, QStringLiteral("1"));
    row("id without data still sets the last event id", "id: 5\n\ndata: b\n\n",
        { ev("b", "message", "5") }, QStringLiteral("5"));
    row("id only stream sets the last event id", "id: 5\n\n", {}, QStringLiteral("5"));
    row("id becomes the last event id only at a blank line", "id: 5\n", {}, QString());
    row("id with NUL ignored", bytes("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"),
        { ev("a", "message", "1"), ev("b", "message", "1") }, QStringLiteral("1"));
    row("empty id clears the last event id", "id: 1\ndata: a\n\nid\ndata: b\n\n",
        { ev("a", "message", "1"), ev("b") }, QString());
    row("id colon empty clears the last event id", "id: 1\n\nid:\ndata: b\n\n", { ev("b") },
        QString());
    row("id keeps inner and trailing spaces", "id:  7 \ndata: a\n\n", { ev("a", "message", " 7 ") },
        QStringLiteral(" 7 "));
    row("id with non-ASCII text", "id: \xc3\xa9\ndata: a\n\n", { ev("a", "message", "\xc3\xa9") },
        QString::fromUtf8("\xc3\xa9"));
    row("id with invalid UTF-8 replaced", "id: \xc3\ndata: a\n\n", { ev("a", "message", fffd) },
        QString(QChar(0xFFFD)));

    // The retry field.
    row("retry sets the reconnection time", "retry: 5000\n", { retryRecord(5000) }, QString(),
        5000);
    row("retry in stream order between events", "data: a\n\nretry: 10\ndata: b\n\nretry: 20\n",
        { ev("a"), retryRecord(10), ev("b"), retryRecord(20) }, QString(), 20);
    row("retry inside an event comes before it", "data: a\nretry: 7\n\n",
        { retryRecord(7), ev("a") }, QString(), 7);
    row("retry without data dispatches nothing", "retry: 10\n\n", { retryRecord(10) }, QString(),
        10);
    row("retry zero accepted", "retry: 0\n", { retryRecord(0) }, QString(), 0);
    row("retry with leading zeros", "retry: 0010\n", { retryRecord(10) }, QString(), 10);
    row("retry beyond 64 bits saturates", "retry: 99999999999999999999999\n",
        { retryRecord(std::numeric_limits<qint64>::max()) }, QString(),
        std::numeric_limits<qint64>::max());
    row("retry with letters ignored", "retry: 10a\n", {});
    row("retry with a second space ignored", "retry:  10\n", {});
    row("retry with trailing space ignored", "retry: 10 \n", {});
    row("negative retry ignored", "retry: -10\n", {});
    row("retry with plus sign ignored", "retry: +10\n", {});
    row("decimal retry ignored", "retry: 1.5\n", {});
    row("empty retry ignored", "retry:\nretry\n", {});
    row("retry with non-ASCII digit ignored", "retry: \xd9\xa1\n", {});
    row("invalid retry keeps the previous value", "retry: 10\nretry: x\n", { retryRecord(10) },
        QString(), 10);
    row("unfinished retry line ignored", "retry: 5", {});

    // Comments and unknown fields.
    row("comment line ignored", ": ping\ndata: a\n\n", { ev("a") });
    row("comment-only stream", ": ping\n\n: ping\n\n", {});
    row("colon-only line is a comment", ":\ndata: a\n\n", { ev("a") });
    row("comment between data lines", "data: a\n: c\ndata: b\n\n", { ev("a\nb") });
    row("comment that looks like a field", ":data: x\n\n", {});
    row("unknown field ignored", "foo: bar\ndata: a\n\n", { ev("a") });
    row("unknown field without colon ignored", "foo\ndata: a\n\n", { ev("a") });
    row("field names are case-sensitive", "Data: a\nDATA: b\nEvent: e\nID: 1\nRetry: 5\n\n", {});
    row("space before the colon makes another field", "data : a\n\n", {});
    row("space before the field name makes another field", " data: a\n\n", {});

    // The space after the colon.
    row("one leading space removed", "data: a\n\n", { ev("a") });
    row("only one of two spaces removed", "data:  a\n\n", { ev(" a") });
    row("no space after the colon", "data:a\n\n", { ev("a") });
    row("tab after the colon kept", "data:\ta\n\n", { ev("\ta") });
    row("trailing space kept", "data: a \n\n", { ev("a ") });
    row("value of a single space is empty", "data: \n\n", { ev("") });

    // UTF-8 decoding (split rows cut every sequence at every byte).
    row("valid multi-byte sequences kept", "data: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n\n",
        { ev("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") });
    row("invalid byte replaced",
        "data: a\xff"
        "b\n\n",
        { ev("a" + fffd + "b") });
    row("truncated sequence before LF replaced once", "data: \xe2\x82\n\n", { ev(fffd) });
    row("truncated sequence before ASCII replaced once", "data: \xe2\x82x\n\n", { ev(fffd + "x") });
    row("truncated sequence before CR replaced once", "data: \xf0\x9f\r\r", { ev(fffd) });
    row("truncated sequence before another lead byte", "data: \xe2\xc3\xa9\n\n",
        { ev(fffd + "\xc3\xa9") });
    row("overlong two-byte form replaced per byte", "data: \xc0\xaf\n\n", { ev(fffd + fffd) });
    row("overlong three-byte form replaced per byte", "data: \xe0\x80\xaf\n\n",
        { ev(fffd + fffd + fffd) });
    row("surrogate replaced per byte", "data: \xed\xa0\x80\n\n", { ev(fffd + fffd + fffd) });
    row("code point above U+10FFFF replaced", "data: \xf4\x90\x80\x80\n\n",
        { ev(fffd + fffd + fffd + fffd) });
    row("F5 lead byte replaced", "data: \xf5\x80\n\n", { ev(fffd + fffd) });
    row("stray continuation bytes replaced one each", "data: \x80\xbf\n\n", { ev(fffd + fffd) });
    row("highest code point kept", "data: \xf4\x8f\xbf\xbf\n\n", { ev("\xf4\x8f\xbf\xbf") });
    row("invalid UTF-8 in the event type replaced", "event: \xff\ndata: 1\n\n", { ev("1", fffd) });
    row("invalid UTF-8 in a field name ignores the field", "dat\xe1: a\ndata\xff: b\n\n", {});
    row("U+FEFF inside data kept", "data: \xef\xbb\xbf\n\n", { ev("\xef\xbb\xbf") });
    row("U+FEFF at the start of an id kept",
        "id: \xef\xbb\xbf"
        "1\ndata: a\n\n",
        { ev("a", "message",
            "\xef\xbb\xbf"
            "1") },
        QString(QChar(0xFEFF)) + QLatin1Char('1'));
    row("U+FEFF at the start of an event type kept", "event: \xef\xbb\xbf\xef\xbb\xbf\ndata: a\n\n",
        { ev("a", "\xef\xbb\xbf\xef\xbb\xbf") });

    // Lengths and bytes that the parser's fast paths treat specially: ids and
    // types of 8-16 bytes (word compares and copies), longer ones, and lines
    // over 32 bytes (vector scan) with controls and non-ASCII bytes in them.
    const QByteArray long40 = "0123456789abcdefghijklmnopqrstuvwxyz-+_.";
    row("ids of 12 and 40 bytes", "id: 123456789012\ndata: a\n\nid: " + long40 + "\ndata: b\n\n",
        { ev("a", "message", "123456789012"), ev("b", "message", long40) },
        QString::fromLatin1(long40));
    row("ids sharing their first 8 bytes", "id: 12345678a\ndata: a\n\nid: 12345678b\ndata: b\n\n",
        { ev("a", "message", "12345678a"), ev("b", "message", "12345678b") },
        QStringLiteral("12345678b"));
    row("id with NUL among 12 bytes ignored",
        bytes("id: 1\n\nid: 12345\0"
              "789012\ndata: a\n\n"),
        { ev("a", "message", "1") }, QStringLiteral("1"));
    row("id with NUL after 40 bytes ignored",
        "id: 1\n\nid: " + long40 + bytes("\0") + "\ndata: a\n\n", { ev("a", "message", "1") },
        QStringLiteral("1"));
    row("event types differing in their last byte",
        "event: telemetry1\ndata: a\n\nevent: telemetry2\ndata: b\n\nevent: telemetry2\n"
        "data: c\n\n",
        { ev("a", "telemetry1"), ev("b", "telemetry2"), ev("c", "telemetry2") });
    row("event types of 5 and 40 bytes",
        "event: alert\ndata: a\n\nevent: " + long40 + "\ndata: b\n\n",
        { ev("a", "alert"), ev("b", long40) });
    row("controls in a long data line kept", "data: " + long40 + "\t\x01\x0b\x0c" + long40 + "\n\n",
        { ev(long40 + "\t\x01\x0b\x0c" + long40) });
    row("non-ASCII after 40 bytes of a data line",
        "data: " + long40 + "\xc3\xa9" + long40 + "\xff\r\n\r\n",
        { ev(long40 + "\xc3\xa9" + long40 + fffd) });
    row("CR after 40 bytes of a data line ends it", "data: " + long40 + "\r" + long40 + "\n\n",
        { ev(long40) });
    row("long multi-line data event", "data: " + long40 + "\ndata: " + long40 + "\n\n",
        { ev(long40 + "\n" + long40) });

    // The byte order mark.
    row("BOM at the start stripped",
        "\xef\xbb\xbf"
        "data: a\n\n",
        { ev("a") });
    row("second BOM not stripped",
        "\xef\xbb\xbf\xef\xbb\xbf"
        "data: a\n\n",
        {});
    row("BOM after the first line not stripped",
        "data: a\n\n\xef\xbb\xbf"
        "data: b\n\n",
        { ev("a") });
    row("partial BOM at the start is not a BOM",
        "\xef\xbb"
        "data: a\n\n",
        {});
    row("BOM then a blank line", "\xef\xbb\xbf\ndata: a\n\n", { ev("a") });
    row("BOM then a comment", "\xef\xbb\xbf: hi\ndata: a\n\n", { ev("a") });
    row("BOM-only stream", "\xef\xbb\xbf", {});

    // Long lines: the parser takes a long first data line over from its line
    // buffer instead of copying it when the line spans chunks.
    const QByteArray longValue = QByteArray(2500, 'x') + "\xc3\xa9" + QByteArray(2500, 'y');
    row("long data line", "data: " + longValue + "\n\n", { ev(longValue) });
    row("long data line then a second data line",
        "id: 1\ndata: " + longValue + "\ndata: z\n\ndata: after\n\n",
        { ev(longValue + "\nz", "message", "1"), ev("after", "message", "1") },
        QStringLiteral("1"));
    row("short data line then a long one", "data: a\r\ndata: " + longValue + "\r\n\r\n",
        { ev("a\n" + longValue) });
    row("long line with invalid UTF-8", "data: " + longValue + "\xff\n\n",
        { ev(longValue + fffd) });

    // The line scan looks at 64 bytes at a time (from the start of the chunk,
    // then from where a line starts after a block or block after block), so
    // these put line ends, UTF-8 sequences and control bytes at offsets 63
    // and 64 of a stream fed whole. The split tests move them everywhere else.
    const QByteArray a52(52, 'a');
    const QByteArray a56(56, 'a');
    const QByteArray a57(57, 'a');
    row("CR at the end of a 64-byte block and its LF in the next",
        "data: " + a57 + "\r\ndata: b\r\n\r\n", { ev(a57 + "\nb") });
    row("LF as the first byte of a 64-byte block",
        "data: " + a57 + "b\ndata: c\n\n", { ev(a57 + "b\nc") });
    row("blank line as the last byte of a 64-byte block",
        "data: " + a56 + "\n\ndata: c\n\n", { ev(a56), ev("c") });
    row("UTF-8 sequence across a 64-byte block boundary",
        "data: " + a56 + "\xe2\x82\xac\n\n", { ev(a56 + "\xe2\x82\xac") });
    row("invalid UTF-8 as the last byte of a 64-byte block",
        "data: " + a57 + "\xff" + "b\n\n", { ev(a57 + fffd + "b") });
    row("id with NUL as the first byte of a 64-byte block",
        bytes("data: ") + a52 + bytes("\nid: 7\0x\ndata: b\n\n"), { ev(a52 + "\nb") });
    row("control byte as the last byte of a 64-byte block",
        bytes("data: ") + a57 + bytes("\x01z\n\n"), { ev(a57 + "\x01z") });
    row("short lines after a long one share its blocks",
        "data: " + QByteArray(100, 'x') + "\nid: 1\nevent: e\ndata: y\n\nid: 2\ndata: z\n\n",
        { ev(QByteArray(100, 'x') + "\ny", "e", "1"), ev("z", "message", "2") },
        QStringLiteral("2"));

    // The size limit (small limits keep the rows short).
    row("event over the limit reported and skipped", "data: 0123456789abcdef\n\ndata: ok\n\n",
        { tooLargeRecord(), ev("ok") }, QString(), -1, 16);
    row("line of exactly the limit accepted", "data: 0123456789\n\n", { ev("0123456789") },
        QString(), -1, 16);
    row("limit counts data across lines", "data: 01234567\ndata: 89abcdef\n\ndata: ok\n\n",
        { tooLargeRecord(), ev("ok") }, QString(), -1, 16);
    row("line without end over the limit", "data: " + QByteArray(100, 'x'), { tooLargeRecord() },
        QString(), -1, 16);
    row("comment line over the limit also skips its event",
        ": 0123456789abcdefgh\ndata: a\n\ndata: b\n\n", { tooLargeRecord(), ev("b") }, QString(),
        -1, 16);
    row("skipped lines are not interpreted",
        "id: 1\ndata: 0123456789abcdef\nid: 2\nretry: 5\ndata: x\n\ndata: b\n\n",
        { tooLargeRecord(), ev("b", "message", "1") }, QStringLiteral("1"), -1, 16);
    row("event type of a skipped event discarded",
        "event: big\ndata: 0123456789abcdef\n\ndata: b\n\n", { tooLargeRecord(), ev("b") },
        QString(), -1, 16);
    row("skipping ends at a CRLF blank line", "data: 0123456789abcdef\r\n\r\ndata: b\r\n\r\n",
        { tooLargeRecord(), ev("b") }, QString(), -1, 16);
    row("skipping ends at a CR blank line", "data: 0123456789abcdef\rmore\r\rdata: b\r\r",
        { tooLargeRecord(), ev("b") }, QString(), -1, 16);
    row("replacement characters count toward the limit",
        "data: \xff\xff\xff\xff\xff\xff\n\ndata: b\n\n", { tooLargeRecord(), ev("b") }, QString(),
        -1, 16);
    row("each runaway event reported",
        "data: 0123456789abcdef\n\ndata: 0123456789abcdef\n\ndata: b\n\n",
        { tooLargeRecord(), tooLargeRecord(), ev("b") }, QString(), -1, 16);
    row("runaway event at end of stream", "data: a\n\ndata: 0123456789abcdef\n",
        { ev("a"), tooLargeRecord() }, QString(), -1, 16);
}

Outcome tst_SseParser::expectedOutcome() const
{
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);
    QFETCH(qlonglong, retryHint);
    return { expected, lastEventId, retryHint };
}

void tst_SseParser::feedWhole()
{
    QFETCH(QByteArray, input);
    QFETCH(qlonglong, maxEventSize);
    const Outcome expected = expectedOutcome();
    for (const Api api : kAllApis) {
        const Outcome got = parseWithCuts(input, maxEventSize, {}, api);
        QVERIFY2(got.records == expected.records,
            qPrintable(
                apiName(api) + QStringLiteral(": ") + got.records.join(QLatin1String("; "))));
        QCOMPARE(got.lastEventId, expected.lastEventId);
        QCOMPARE(got.retryHint, expected.retryHint);
    }
}

void tst_SseParser::feedByteByByte()
{
    QFETCH(QByteArray, input);
    QFETCH(qlonglong, maxEventSize);
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < input.size(); ++i)
        cuts.append(i);
    const Outcome expected = expectedOutcome();
    for (const Api api : kAllApis) {
        const Outcome got = parseWithCuts(input, maxEventSize, cuts, api);
        QVERIFY2(got.records == expected.records,
            qPrintable(
                apiName(api) + QStringLiteral(": ") + got.records.join(QLatin1String("; "))));
        QCOMPARE(got.lastEventId, expected.lastEventId);
        QCOMPARE(got.retryHint, expected.retryHint);
    }
}

void tst_SseParser::feedSplitAtEveryOffset()
{
    QFETCH(QByteArray, input);
    QFETCH(qlonglong, maxEventSize);
    const Outcome expected = expectedOutcome();
    for (const Api api : kAllApis) {
        for (qsizetype cut = 0; cut <= input.size(); ++cut) {
            const Outcome got = parseWithCuts(input, maxEventSize, { cut }, api);
            QVERIFY2(got == expected,
                qPrintable(apiName(api) + QStringLiteral(", ") + describeCuts({ cut })));
        }
    }
}

void tst_SseParser::feedSplitAtEveryPairOfOffsets()
{
    QFETCH(QByteArray, input);
    QFETCH(qlonglong, maxEventSize);
    if (input.size() > kPairSplitMaxInput)
        QSKIP("input too long for every pair of cuts; the random splits cover it");
    const Outcome expected = expectedOutcome();
    for (qsizetype first = 1; first < input.size(); ++first) {
        for (qsizetype second = first; second < input.size(); ++second) {
            const QList<qsizetype> cuts { first, second };
            for (const Api api : kAllApis) {
                const Outcome got = parseWithCuts(input, maxEventSize, cuts, api);
                QVERIFY2(got == expected,
                    qPrintable(apiName(api) + QStringLiteral(", ") + describeCuts(cuts)));
            }
        }
    }
}

void tst_SseParser::feedRandomSplits()
{
    QFETCH(QByteArray, input);
    QFETCH(qlonglong, maxEventSize);
    const Outcome expected = expectedOutcome();
    // One generator per row, seeded from the run's seed and the row name, so
    // a failing row can be repeated alone with the printed seed.
    QRandomGenerator random(m_seed ^ qHash(QByteArray(QTest::currentDataTag())));
    for (int round = 0; round < kRandomSplitsPerRow; ++round) {
        const int count = int(random.bounded(qMax<qsizetype>(1, input.size()) + 1));
        QList<qsizetype> cuts;
        for (int i = 0; i < count; ++i)
            cuts.append(random.bounded(int(input.size()) + 1));
        std::sort(cuts.begin(), cuts.end());
        for (const Api api : kAllApis) {
            const Outcome got = parseWithCuts(input, maxEventSize, cuts, api);
            QVERIFY2(got == expected,
                qPrintable(QStringLiteral("%1, seed %2, %3")
                               .arg(apiName(api))
                               .arg(m_seed)
                               .arg(describeCuts(cuts))));
        }
    }
}

void tst_SseParser::listFeedMatchesHandlerFeed()
{
    QFETCH(QByteArray, input);
    QFETCH(qlonglong, maxEventSize);
    const Outcome expected = expectedOutcome();

    // The list API returns the same events, in two halves, and keeps the
    // retry hint and last error.
    SseParser parser(maxEventSize);
    const qsizetype half = input.size() / 2;
    QList<SseEvent> events = parser.feed(QByteArrayView(input).first(half));
    const bool firstHalfFailed = parser.error() == SseParser::Error::EventTooLarge;
    events += parser.feed(QByteArrayView(input).sliced(half));
    const bool secondHalfFailed = parser.error() == SseParser::Error::EventTooLarge;

    QStringList eventRecords;
    for (const SseEvent &event : std::as_const(events))
        eventRecords.append(
            eventRecord(event.type.toUtf8(), event.data, event.lastEventId.toUtf8()));
    QStringList expectedEvents = expected.records;
    expectedEvents.removeIf(
        [](const QString &r) { return !r.startsWith(QLatin1String("event ")); });
    QCOMPARE(eventRecords, expectedEvents);
    QCOMPARE(parser.lastEventId(), expected.lastEventId);
    QCOMPARE(parser.retryHint(), expected.retryHint);
    QCOMPARE(firstHalfFailed || secondHalfFailed, expected.records.contains(tooLargeRecord()));
}

void tst_SseParser::viewDataLiesInTheChunk_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<bool>>("inChunk");
    QTest::newRow("telemetry-shaped events")
        << QByteArray("id: 1\nevent: telemetry\ndata: {\"a\":1}\n\n"
                      "id: 2\nevent: telemetry\ndata: {\"a\":2}\r\n\r\n")
        << QList<bool> { true, true };
    QTest::newRow("valid non-ASCII data")
        << QByteArray("data: \xc3\xa9t\xc3\xa9\n\n") << QList<bool> { true };
    QTest::newRow("invalid UTF-8 is repaired in a buffer")
        << QByteArray("data: a\xff\n\ndata: b\n\n") << QList<bool> { false, true };
    QTest::newRow("multi-line data is joined in a buffer")
        << QByteArray("data: a\ndata: b\n\ndata: c\n\n") << QList<bool> { false, true };
}

void tst_SseParser::viewDataLiesInTheChunk()
{
    // The view path copies no data when an event's data is one valid line
    // inside the fed chunk: the view points into the caller's bytes.
    QFETCH(QByteArray, input);
    QFETCH(QList<bool>, inChunk);
    struct Checker final : SseParser::ViewHandler
    {
        QByteArrayView chunk;
        QList<bool> inChunk;
        QByteArrayList data;
        void handleEvent(const Sightline::SseEventView &event) override
        {
            inChunk.append(event.data.data() >= chunk.data()
                && event.data.data() + event.data.size() <= chunk.data() + chunk.size());
            data.append(event.data.toByteArray());
        }
    };
    Checker checker;
    checker.chunk = input;
    SseParser parser;
    parser.feed(input, checker);
    QCOMPARE(checker.inChunk, inChunk);
    // The same data as the list API, which copies.
    QByteArrayList listData;
    SseParser listParser;
    for (const SseEvent &event : listParser.feed(input))
        listData.append(event.data);
    QCOMPARE(checker.data, listData);
}

void tst_SseParser::freshParserState()
{
    const SseParser parser;
    QCOMPARE(parser.lastEventId(), QString());
    QCOMPARE(parser.retryHint(), qint64(-1));
    QCOMPARE(parser.error(), SseParser::Error::None);
    QCOMPARE(parser.maxEventSize(), qsizetype(16 * 1024 * 1024));
}

void tst_SseParser::resetForgetsEverything()
{
    SseParser parser(32);
    QVERIFY(parser.feed("\xef\xbb\xbfid: 1\nretry: 5\n\nevent: e\ndata: pending").isEmpty());
    QCOMPARE(parser.lastEventId(), QStringLiteral("1"));
    QCOMPARE(parser.retryHint(), qint64(5));

    parser.reset();
    QCOMPARE(parser.lastEventId(), QString());
    QCOMPARE(parser.retryHint(), qint64(-1));
    QCOMPARE(parser.maxEventSize(), qsizetype(32));
    // A new stream: its BOM is stripped again, and nothing pending survives.
    const QList<SseEvent> events = parser.feed("\xef\xbb\xbf"
                                               "data: b\n\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().type, QStringLiteral("message"));
    QCOMPARE(events.first().data, QByteArray("b"));
    QCOMPARE(events.first().lastEventId, QString());
}

void tst_SseParser::resetDropsPendingCr()
{
    SseParser parser;
    QVERIFY(parser.feed("data: a\r").isEmpty());
    parser.reset();
    // Without the reset this LF would complete the CRLF; now it is a blank line.
    QVERIFY(parser.feed("\ndata: b\n").isEmpty());
    const QList<SseEvent> events = parser.feed("\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data, QByteArray("b"));
}

void tst_SseParser::errorLastsOneFeedCall()
{
    SseParser parser(8);
    QVERIFY(parser.feed("data: 123456\n").isEmpty());
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QVERIFY2(
        parser.errorString().contains(QLatin1String("8 bytes")), qPrintable(parser.errorString()));
    QVERIFY(parser.feed("\n").isEmpty());
    QCOMPARE(parser.error(), SseParser::Error::None);
    QCOMPARE(parser.errorString(), QString());
    QCOMPARE(parser.feed("data: ok\n\n").size(), 1);
}

void tst_SseParser::maxEventSizeClampsToOne()
{
    SseParser parser(0);
    QCOMPARE(parser.maxEventSize(), qsizetype(1));
    parser.setMaxEventSize(-5);
    QCOMPARE(parser.maxEventSize(), qsizetype(1));
    parser.setMaxEventSize(100);
    QCOMPARE(parser.maxEventSize(), qsizetype(100));
}

void tst_SseParser::defaultLimitStopsRunawayEvent()
{
    // One line of 16 MiB of data plus its "data: " prefix, fed in 64 KiB
    // reads like a socket would: reported once, then the stream goes on.
    SseParser parser;
    const QByteArray runaway = "data: " + QByteArray(SseParser::kDefaultMaxEventSize, 'x');
    int errors = 0;
    QList<SseEvent> events;
    for (qsizetype at = 0; at < runaway.size(); at += 65536) {
        events += parser.feed(
            QByteArrayView(runaway).sliced(at, qMin<qsizetype>(65536, runaway.size() - at)));
        if (parser.error() == SseParser::Error::EventTooLarge)
            ++errors;
    }
    events += parser.feed("\n\nid: 2\ndata: after\n\n");
    QCOMPARE(errors, 1);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data, QByteArray("after"));
    QCOMPARE(events.first().lastEventId, QStringLiteral("2"));

    // Just under the limit is a normal event.
    const QByteArray fits
        = "data: " + QByteArray(SseParser::kDefaultMaxEventSize - 6, 'y') + "\n\n";
    const QList<SseEvent> fitting = parser.feed(fits);
    QCOMPARE(parser.error(), SseParser::Error::None);
    QCOMPARE(fitting.size(), 1);
    QCOMPARE(fitting.first().data.size(), SseParser::kDefaultMaxEventSize - 6);
}

void tst_SseParser::longLinesInAnyChunkSize_data()
{
    QTest::addColumn<qsizetype>("chunk");
    QTest::newRow("1000-byte chunks") << qsizetype(1000);
    QTest::newRow("4 KiB chunks") << qsizetype(4096);
    QTest::newRow("64 KiB chunks") << qsizetype(65536);
    QTest::newRow("odd 77777-byte chunks") << qsizetype(77777);
}

void tst_SseParser::longLinesInAnyChunkSize()
{
    // Lines of 100 KB and more (the parser reserves the last long line's size
    // for the next one) mixed with short events, against the whole feed.
    QFETCH(qsizetype, chunk);
    QByteArray stream;
    for (int i = 0; i < 6; ++i) {
        const QByteArray big = QByteArray(100000 + i * 30000, char('a' + i));
        stream += "id: " + QByteArray::number(i) + "\ndata: " + big + "\ndata: tail\n\n";
        stream += "data: short " + QByteArray::number(i) + "\r\n\r\n";
        stream += ": " + big + "\n"; // a long comment
    }
    SseParser whole;
    const QList<SseEvent> expected = whole.feed(stream);
    QCOMPARE(expected.size(), 12);
    QCOMPARE(expected.at(2).data, QByteArray(130000, 'b') + "\ntail");
    QCOMPARE(expected.at(2).lastEventId, QStringLiteral("1"));

    SseParser split;
    QList<SseEvent> got;
    for (qsizetype at = 0; at < stream.size(); at += chunk)
        got += split.feed(QByteArrayView(stream).sliced(at, qMin(chunk, stream.size() - at)));
    QCOMPARE(got.size(), expected.size());
    for (qsizetype i = 0; i < got.size(); ++i)
        QVERIFY2(got.at(i) == expected.at(i), qPrintable(QStringLiteral("event %1").arg(i)));
    QCOMPARE(split.lastEventId(), whole.lastEventId());
}

QString tst_SseParser::tailProgram() const
{
    return qEnvironmentVariable("SIGHTLINE_BIN_DIR") + QStringLiteral("/sightline-tail");
}

void tst_SseParser::tailStdin_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expectedOutput");
    QTest::addColumn<int>("expectedExitCode");

    const QStringList stdinOnly { QStringLiteral("--stdin") };
    const auto readSize = [](const char *n) {
        return QStringList { QStringLiteral("--stdin"), QStringLiteral("--read-size"),
            QString::fromLatin1(n) };
    };

    QTest::newRow("issue example")
        << stdinOnly << QByteArray("data: a\n\n")
        << QByteArray("{\"event\":\"message\",\"data\":\"a\",\"lastEventId\":\"\"}\n") << 0;
    QTest::newRow("retry lines in stream order")
        << stdinOnly
        << QByteArray("retry: 10\nid: 3\nevent: alert\ndata: a\n\nretry: x\nretry: 20\n")
        << QByteArray("{\"retry\":10}\n"
                      "{\"event\":\"alert\",\"data\":\"a\",\"lastEventId\":\"3\"}\n"
                      "{\"retry\":20}\n")
        << 0;
    QTest::newRow("JSON escaping")
        << stdinOnly << QByteArray("event: \"t\"\nid: \\\ndata: \x01\t\x1f/\x7f\ndata: \"\n\n")
        << QByteArray("{\"event\":\"\\\"t\\\"\",\"data\":\"\\u0001\\t\\u001f/\x7f\\n\\\"\","
                      "\"lastEventId\":\"\\\\\"}\n")
        << 0;
    QTest::newRow("non-ASCII kept and invalid UTF-8 replaced")
        << stdinOnly << QByteArray("data: \xc3\xa9 \xff\n\n")
        << QByteArray(
               "{\"event\":\"message\",\"data\":\"\xc3\xa9 \xef\xbf\xbd\",\"lastEventId\":\"\"}\n")
        << 0;
    QTest::newRow("read size 1 across CRLF and UTF-8")
        << readSize("1")
        << QByteArray("\xef\xbb\xbf"
                      "data: \xe2\x82\xac\r\n\r\ndata: b\r\r")
        << QByteArray("{\"event\":\"message\",\"data\":\"\xe2\x82\xac\",\"lastEventId\":\"\"}\n"
                      "{\"event\":\"message\",\"data\":\"b\",\"lastEventId\":\"\"}\n")
        << 0;
    QTest::newRow("read size 3")
        << readSize("3") << QByteArray("data: abc\ndata: def\n\n")
        << QByteArray("{\"event\":\"message\",\"data\":\"abc\\ndef\",\"lastEventId\":\"\"}\n") << 0;
    QTest::newRow("empty input") << stdinOnly << QByteArray() << QByteArray() << 0;
    QTest::newRow("unfinished event at end")
        << stdinOnly << QByteArray("data: a\n") << QByteArray() << 0;
    QTest::newRow("read size zero refused")
        << readSize("0") << QByteArray("data: a\n\n") << QByteArray() << 2;
    QTest::newRow("read size not a number refused")
        << readSize("many") << QByteArray("data: a\n\n") << QByteArray() << 2;
    QTest::newRow("unknown option refused")
        << QStringList { QStringLiteral("--stdin"), QStringLiteral("--bogus") }
        << QByteArray("data: a\n\n") << QByteArray() << 2;
}

void tst_SseParser::tailStdin()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expectedOutput);
    QFETCH(int, expectedExitCode);

    QVERIFY2(QFileInfo(tailProgram()).isExecutable(), qPrintable(tailProgram()));
    QProcess tail;
    tail.start(tailProgram(), arguments);
    QVERIFY2(tail.waitForStarted(kProcessTimeoutMs), qPrintable(tail.errorString()));
    tail.write(input);
    tail.closeWriteChannel();
    QVERIFY2(tail.waitForFinished(kProcessTimeoutMs), qPrintable(tail.errorString()));
    const QByteArray errors = tail.readAllStandardError();
    QCOMPARE(tail.exitStatus(), QProcess::NormalExit);
    QVERIFY2(tail.exitCode() == expectedExitCode, errors.constData());
    QCOMPARE(tail.readAllStandardOutput(), expectedOutput);
    // A refusal says why on standard error; a success prints nothing there.
    QCOMPARE(errors.isEmpty(), expectedExitCode == 0);
}

void tst_SseParser::tailStdinReportsRunawayEvent()
{
    QVERIFY2(QFileInfo(tailProgram()).isExecutable(), qPrintable(tailProgram()));
    const QByteArray input = "data: before\n\ndata: " + QByteArray(17 * 1024 * 1024, 'x')
        + "\ndata: tail\n\nid: 9\ndata: after\n\n";
    QProcess tail;
    tail.start(tailProgram(), { QStringLiteral("--stdin") });
    QVERIFY2(tail.waitForStarted(kProcessTimeoutMs), qPrintable(tail.errorString()));
    tail.write(input);
    tail.closeWriteChannel();
    QVERIFY2(tail.waitForFinished(kProcessTimeoutMs), qPrintable(tail.errorString()));
    QCOMPARE(tail.exitCode(), 0);
    QCOMPARE(tail.readAllStandardOutput(),
        QByteArray("{\"event\":\"message\",\"data\":\"before\",\"lastEventId\":\"\"}\n"
                   "{\"event\":\"message\",\"data\":\"after\",\"lastEventId\":\"9\"}\n"));
    const QByteArray errors = tail.readAllStandardError();
    QVERIFY2(errors.contains("sightline-tail: event larger than 16777216 bytes discarded"),
        errors.constData());
    QCOMPARE(errors.count('\n'), 1);
}

QTEST_GUILESS_MAIN(tst_SseParser)
#include "tst_sseparser.moc"
