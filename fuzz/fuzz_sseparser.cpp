// libFuzzer target for SseParser (issue 2, item 5). Besides crashes and
// sanitizer reports it checks, for every input:
//  1. whole feed == a naive reference written straight from WHATWG HTML 9.2.5/9.2.6
//     (decode the whole stream, split into lines, interpret each line);
//  2. whole feed == split feed (cuts chosen by the input) == byte-by-byte feed;
//  3. with a small size limit (also chosen by the input): whole == split, and no
//     dispatched event is larger than the limit;
//  4. every event's data is valid UTF-8 and its type is never empty;
//  5. the view API (ViewHandler), whole and split, and the Handler and view
//     APIs alternating chunk by chunk, give the same as the whole feed, with
//     each chunk overwritten after its feed() call (a view kept too long
//     shows up as different data).
// A broken invariant aborts with a message, which libFuzzer records as a crash.
#include "stream/sseparser.h"
#include "stream/utf8.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

using Sightline::SseEvent;
using Sightline::SseParser;

namespace {

constexpr qsizetype kNoLimit = qsizetype(1) << 40;
constexpr qsizetype kByteByByteMaxInput = 4096;

struct Record
{
    char kind; // 'E' event, 'R' retry, 'X' error
    QByteArray type;
    QByteArray data;
    QByteArray id;
    qint64 retry = 0;

    bool operator==(const Record &o) const
    {
        return kind == o.kind && type == o.type && data == o.data && id == o.id && retry == o.retry;
    }
};

struct Outcome
{
    std::vector<Record> records;
    QByteArray lastEventId;
    qint64 retryHint = -1;

    bool operator==(const Outcome &o) const
    {
        return records == o.records && lastEventId == o.lastEventId && retryHint == o.retryHint;
    }
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_sseparser: invariant broken: %s\n", what);
    std::abort();
}

class Recorder final : public SseParser::Handler
{
public:
    std::vector<Record> records;
    void handleEvent(SseEvent &&event) override
    {
        records.push_back({ 'E', event.type.toUtf8(), event.data, event.lastEventId.toUtf8(), 0 });
    }
    void handleRetry(qint64 milliseconds) override
    {
        records.push_back({ 'R', {}, {}, {}, milliseconds });
    }
    void handleError(SseParser::Error, const QString &) override
    {
        records.push_back({ 'X', {}, {}, {}, 0 });
    }
};

class ViewRecorder final : public SseParser::ViewHandler
{
public:
    explicit ViewRecorder(std::vector<Record> *records)
        : m_records(records)
    {
    }
    void handleEvent(const Sightline::SseEventView &event) override
    {
        if (!Sightline::Utf8::isValid(event.type) || !Sightline::Utf8::isValid(event.lastEventId))
            fail("event view type or id is not valid UTF-8");
        const SseEvent copy = event.toEvent();
        if (copy.type.toUtf8() != QByteArrayView(event.type) || copy.data != event.data
            || copy.lastEventId.toUtf8() != QByteArrayView(event.lastEventId))
            fail("SseEventView::toEvent() differs from the view");
        m_records->push_back(
            { 'E', QByteArray(event.type.data(), event.type.size()), event.data.toByteArray(),
                QByteArray(event.lastEventId.data(), event.lastEventId.size()), 0 });
    }
    void handleRetry(qint64 milliseconds) override
    {
        m_records->push_back({ 'R', {}, {}, {}, milliseconds });
    }
    void handleError(SseParser::Error, const QString &) override
    {
        m_records->push_back({ 'X', {}, {}, {}, 0 });
    }

private:
    std::vector<Record> *m_records;
};

enum class Api { Handler, View, Alternating };

Outcome parse(QByteArrayView input, qsizetype limit, const std::vector<qsizetype> &cuts,
    Api api = Api::Handler)
{
    SseParser parser(limit);
    Recorder recorder;
    ViewRecorder viewRecorder(&recorder.records);
    int index = 0;
    const auto feedChunk = [&](QByteArrayView chunk) {
        // A copy that is overwritten after the call: views must not outlive it.
        QByteArray copy = chunk.toByteArray();
        if (api == Api::View || (api == Api::Alternating && index % 2 == 1))
            parser.feed(copy, viewRecorder);
        else
            parser.feed(copy, recorder);
        copy.fill('\xAA');
        ++index;
    };
    qsizetype from = 0;
    for (const qsizetype cut : cuts) {
        feedChunk(input.sliced(from, cut - from));
        from = cut;
    }
    feedChunk(input.sliced(from));
    return { std::move(recorder.records), parser.lastEventId().toUtf8(), parser.retryHint() };
}

// The standard's algorithm, as directly as possible, on the whole input.
Outcome parseReference(QByteArrayView input)
{
    if (input.startsWith("\xEF\xBB\xBF"))
        input = input.sliced(3);
    QByteArray text;
    Sightline::Utf8::appendReplacingInvalid(text, input);

    Outcome out;
    QByteArray dataBuffer;
    QByteArray eventTypeBuffer;
    QByteArray lastEventIdBuffer;
    qsizetype at = 0;
    while (true) {
        qsizetype end = at;
        while (end < text.size() && text[end] != '\r' && text[end] != '\n')
            ++end;
        if (end == text.size())
            break; // no line end: pending data is discarded
        const QByteArray line = text.mid(at, end - at);
        at = end + 1;
        if (text[end] == '\r' && at < text.size() && text[at] == '\n')
            ++at;

        if (line.isEmpty()) {
            out.lastEventId = lastEventIdBuffer;
            if (dataBuffer.isEmpty()) {
                eventTypeBuffer.clear();
                continue;
            }
            if (dataBuffer.endsWith('\n'))
                dataBuffer.chop(1);
            out.records.push_back(
                { 'E', eventTypeBuffer.isEmpty() ? QByteArray("message") : eventTypeBuffer,
                    dataBuffer, out.lastEventId, 0 });
            dataBuffer.clear();
            eventTypeBuffer.clear();
            continue;
        }
        if (line.startsWith(':'))
            continue;
        QByteArray field = line;
        QByteArray value;
        const qsizetype colon = line.indexOf(':');
        if (colon >= 0) {
            field = line.left(colon);
            value = line.mid(colon + 1);
            if (value.startsWith(' '))
                value.remove(0, 1);
        }
        if (field == "event") {
            eventTypeBuffer = value;
        } else if (field == "data") {
            dataBuffer += value;
            dataBuffer += '\n';
        } else if (field == "id") {
            if (!value.contains('\0'))
                lastEventIdBuffer = value;
        } else if (field == "retry") {
            bool digits = !value.isEmpty();
            for (const char c : value)
                digits = digits && c >= '0' && c <= '9';
            if (digits) {
                qint64 ms = 0;
                for (const char c : value) {
                    if (ms > (std::numeric_limits<qint64>::max() - (c - '0')) / 10) {
                        ms = std::numeric_limits<qint64>::max();
                        break;
                    }
                    ms = ms * 10 + (c - '0');
                }
                out.retryHint = ms;
                out.records.push_back({ 'R', {}, {}, {}, ms });
            }
        }
    }
    return out;
}

// Deterministic cut points derived from one control byte.
std::vector<qsizetype> cutsFrom(uint8_t seed, qsizetype size)
{
    std::vector<qsizetype> cuts;
    const qsizetype stride = 1 + seed % 17;
    for (qsizetype at = stride; at < size; at += stride + (at * seed) % 5)
        cuts.push_back(at);
    return cuts;
}

void checkEvents(const Outcome &outcome, qsizetype limit)
{
    for (const Record &r : outcome.records) {
        if (r.kind != 'E')
            continue;
        if (!Sightline::Utf8::isValid(r.data))
            fail("event data is not valid UTF-8");
        if (r.type.isEmpty())
            fail("event type is empty");
        if (r.data.size() > limit)
            fail("event data is larger than the limit");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t cutSeed = bytes[0];
    const qsizetype smallLimit = 1 + bytes[1];
    const QByteArrayView input(reinterpret_cast<const char *>(bytes) + 2, qsizetype(size - 2));

    const Outcome whole = parse(input, kNoLimit, {});
    checkEvents(whole, kNoLimit);
    if (!(whole == parseReference(input)))
        fail("whole feed differs from the reference algorithm");
    if (!(whole == parse(input, kNoLimit, cutsFrom(cutSeed, input.size()))))
        fail("split feed differs from whole feed");
    if (input.size() <= kByteByByteMaxInput) {
        std::vector<qsizetype> everyByte;
        for (qsizetype i = 1; i < input.size(); ++i)
            everyByte.push_back(i);
        if (!(whole == parse(input, kNoLimit, everyByte)))
            fail("byte-by-byte feed differs from whole feed");
    }

    if (!(whole == parse(input, kNoLimit, {}, Api::View)))
        fail("whole feed through the view API differs from the Handler API");
    if (!(whole == parse(input, kNoLimit, cutsFrom(cutSeed, input.size()), Api::View)))
        fail("split feed through the view API differs from whole feed");
    if (!(whole
            == parse(input, kNoLimit, cutsFrom(cutSeed ^ 0x33, input.size()), Api::Alternating)))
        fail("split feed alternating Handler and view APIs differs from whole feed");

    const Outcome limited = parse(input, smallLimit, {});
    checkEvents(limited, smallLimit);
    if (!(limited == parse(input, smallLimit, cutsFrom(cutSeed ^ 0x5A, input.size()))))
        fail("split feed differs from whole feed under a small size limit");
    if (!(limited == parse(input, smallLimit, cutsFrom(cutSeed ^ 0x5A, input.size()), Api::View)))
        fail("split view feed differs from whole feed under a small size limit");
    return 0;
}
