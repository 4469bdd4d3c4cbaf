#include "stream/sseparser.h"

#include "stream/utf8.h"

#include <algorithm>
#include <cstring>
#include <limits>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SIGHTLINE_HAVE_AVX2_SCAN 1
#endif

// Spec references below are to WHATWG HTML "9.2.5 Parsing an event stream"
// and "9.2.6 Interpreting an event stream".

namespace Sightline {

namespace {

// Lines at least this long are moved, not copied, into the data buffer.
constexpr qsizetype kStealLineMinimum = 4096;
// A completed line this long makes the next long line reserve as much up front.
constexpr qsizetype kLongLine = 64 * 1024;
// A kept partial-line buffer larger than this is given back after use.
constexpr qsizetype kKeptLineCapacity = 256 * 1024;

// The first CR or LF in [p, end), or `end`. Also sets *nonAscii when a byte
// >= 0x80 comes before it, so that all-ASCII lines (the common case) skip
// UTF-8 validation. This scan is the parser's inner loop over data bytes,
// hence vectors (SSE2, always on x86-64; AVX2 where the CPU has it).
//
// One signed compare per vector flags every byte that needs a look: those
// below 0x0E (CR, LF and other controls) and those >= 0x80 (negative as
// signed). Text lines have none until their end, so the loop is a load, a
// compare and a mask test per vector. After the first byte >= 0x80 the line
// is known to need UTF-8 validation, and only CR and LF are searched for.
const char *findCrLfScalar(const char *p, const char *end)
{
    while (p < end && *p != '\r' && *p != '\n')
        ++p;
    return p;
}

const char *findLineEndScalar(const char *p, const char *end, bool *nonAscii)
{
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '\r' || c == '\n')
            return p;
        if (c >= 0x80) {
            *nonAscii = true;
            return findCrLfScalar(p, end);
        }
    }
    return p;
}

const char *findCrLfSse2(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const auto mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
        if (mask != 0)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    return findCrLfScalar(p, end);
}

const char *findLineEndSse2(const char *p, const char *end, bool *nonAscii)
{
#ifdef __SSE2__
    const __m128i limit = _mm_set1_epi8(0x0E);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, limit)));
        if (mask == 0) {
            p += 16;
            continue;
        }
        p += __builtin_ctz(mask);
        const auto c = static_cast<unsigned char>(*p);
        if (c == '\r' || c == '\n')
            return p;
        if (c >= 0x80) {
            *nonAscii = true;
            return findCrLfSse2(p, end);
        }
        ++p; // another control byte: part of the line
    }
#endif
    return findLineEndScalar(p, end, nonAscii);
}

#ifdef SIGHTLINE_HAVE_AVX2_SCAN
// The same scans 32 bytes at a time, chosen at run time on CPUs with AVX2
// (the build targets baseline x86-64, so it cannot be assumed).
__attribute__((target("avx2"))) const char *findCrLfAvx2(const char *p, const char *end)
{
    const __m256i cr = _mm256_set1_epi8('\r');
    const __m256i lf = _mm256_set1_epi8('\n');
    while (end - p >= 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
        const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, cr), _mm256_cmpeq_epi8(v, lf))));
        if (mask != 0)
            return p + __builtin_ctz(mask);
        p += 32;
    }
    return findCrLfSse2(p, end);
}

__attribute__((target("avx2"))) const char *findLineEndAvx2(
    const char *p, const char *end, bool *nonAscii)
{
    const __m256i limit = _mm256_set1_epi8(0x0E);
    while (end - p >= 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
        const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(limit, v)));
        if (mask == 0) {
            p += 32;
            continue;
        }
        p += __builtin_ctz(mask);
        const auto c = static_cast<unsigned char>(*p);
        if (c == '\r' || c == '\n')
            return p;
        if (c >= 0x80) {
            *nonAscii = true;
            return findCrLfAvx2(p, end);
        }
        ++p; // another control byte: part of the line
    }
    return findLineEndSse2(p, end, nonAscii);
}
#endif

using LineEndFinder = const char *(*)(const char *, const char *, bool *);

LineEndFinder selectLineEndFinder()
{
#ifdef SIGHTLINE_HAVE_AVX2_SCAN
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return findLineEndAvx2;
#endif
    return findLineEndSse2;
}

const LineEndFinder findLineEnd = selectLineEndFinder();

// The line scan of consumeWholeLines(), where most lines are short (ids,
// event types, blank lines, ~200-byte data). Scanning each line from its
// start makes every line wait for the previous one's end: load, compare,
// mask, count zeros, and only then the next load. So this scanner loads 64
// bytes at a time into a mask with one bit per byte that needs a look (the
// same signed compare as findLineEnd: below 0x0E or >= 0x80), and the next
// short line's end comes from that mask with a shift and a count (bench/parser).
// SSE2 is the x86-64 baseline, so it is inline with no run-time choice. At the
// first byte that is neither CR nor LF (non-ASCII or another control byte) and
// for the last bytes of the chunk it hands over to findLineEnd.
class LineEndScanner
{
public:
    LineEndScanner(const char *begin, const char *end)
        : m_begin(begin)
        , m_size(end - begin)
    {
    }

    // As findLineEnd(p, end, nonAscii); p must lie inside the chunk and never
    // go back between calls.
    Q_ALWAYS_INLINE const char *find(const char *p, bool *nonAscii)
    {
        const qsizetype at = p - m_begin;
        qsizetype next = at; // where the next block to load starts
        quint64 candidates = 0;
        if (quint64(at - m_block) < 64) { // p is in the block loaded last
            candidates = m_mask >> (at - m_block) << (at - m_block);
            next = m_block + 64;
        }
        while (candidates == 0) {
            if (m_size - next < 64) {
                m_block = kNoBlock;
                return findLineEnd(m_begin + next, m_begin + m_size, nonAscii);
            }
            m_block = next;
            m_mask = candidateMask(m_begin + next);
            candidates = m_mask;
            next += 64;
        }
        const char *const found = m_begin + m_block + __builtin_ctzll(candidates);
        if (*found == '\r' || *found == '\n')
            return found;
        m_block = kNoBlock;
        return findLineEnd(found, m_begin + m_size, nonAscii);
    }

private:
    // No block loaded: `at - m_block` is then at least 64 for every `at`.
    static constexpr qsizetype kNoBlock = -64;

    static quint64 candidateMask(const char *p)
    {
#ifdef __SSE2__
        const __m128i limit = _mm_set1_epi8(0x0E);
        const auto flags = [&](int offset) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + offset));
            return quint64(unsigned(_mm_movemask_epi8(_mm_cmplt_epi8(v, limit))));
        };
        return flags(0) | flags(16) << 16 | flags(32) << 32 | flags(48) << 48;
#else
        quint64 mask = 0;
        for (int i = 0; i < 64; ++i) {
            if (static_cast<signed char>(p[i]) < 0x0E)
                mask |= quint64(1) << i;
        }
        return mask;
#endif
    }

    const char *m_begin;
    qsizetype m_size;
    qsizetype m_block = kNoBlock; // offset of the block m_mask describes
    quint64 m_mask = 0;
};

// Valid UTF-8 as a QString; plain ASCII (the usual case) takes the short way.
QString validUtf8ToString(QByteArrayView utf8)
{
    const bool ascii = std::all_of(
        utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return ascii ? QString::fromLatin1(utf8) : Utf8::toString(utf8);
}

// Short ids and event types are the rule: for up to 16 bytes, two
// overlapping word loads (8 or 4 bytes), or three byte loads below 4 bytes,
// beat both a byte loop and a call to the C library (bench/parser,
// callgrind: the ids of the telemetry input are 1-7 bytes long).
template<typename Word> Word loadWord(const char *p)
{
    Word word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

template<typename Word> void storeWord(char *p, Word word)
{
    std::memcpy(p, &word, sizeof word);
}

Q_ALWAYS_INLINE bool equalBytes(const char *a, const char *b, qsizetype size)
{
    if (size > 16)
        return std::memcmp(a, b, size_t(size)) == 0;
    if (size >= 8) {
        const qsizetype last = size - 8;
        return loadWord<quint64>(a) == loadWord<quint64>(b)
            && loadWord<quint64>(a + last) == loadWord<quint64>(b + last);
    }
    if (size >= 4) {
        const qsizetype last = size - 4;
        return loadWord<quint32>(a) == loadWord<quint32>(b)
            && loadWord<quint32>(a + last) == loadWord<quint32>(b + last);
    }
    // 0-3 bytes: the first, middle and last byte cover them all.
    return size == 0
        || (a[0] == b[0] && a[size / 2] == b[size / 2] && a[size - 1] == b[size - 1]);
}

// Whether a word has a zero byte (the classic bit trick).
bool hasZeroByte(quint64 word)
{
    return ((word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull) != 0;
}

bool hasZeroByte(quint32 word)
{
    return ((word - 0x01010101u) & ~word & 0x80808080u) != 0;
}

Q_ALWAYS_INLINE bool containsNul(QByteArrayView value)
{
    // (Never hands memchr the null pointer of an empty view: found by fuzz/.)
    const char *p = value.data();
    const qsizetype size = value.size();
    if (size > 16)
        return std::memchr(p, '\0', size_t(size)) != nullptr;
    if (size >= 8)
        return hasZeroByte(loadWord<quint64>(p)) || hasZeroByte(loadWord<quint64>(p + size - 8));
    if (size >= 4)
        return hasZeroByte(loadWord<quint32>(p)) || hasZeroByte(loadWord<quint32>(p + size - 4));
    return size > 0 && (p[0] == 0 || p[size / 2] == 0 || p[size - 1] == 0);
}

// Copies `size` bytes (as in memcpy, no overlap).
Q_ALWAYS_INLINE void copyBytes(char *out, const char *in, qsizetype size)
{
    if (size > 16) {
        std::memcpy(out, in, size_t(size));
    } else if (size >= 8) {
        const quint64 first = loadWord<quint64>(in);
        const quint64 last = loadWord<quint64>(in + size - 8);
        storeWord(out, first);
        storeWord(out + size - 8, last);
    } else if (size >= 4) {
        const quint32 first = loadWord<quint32>(in);
        const quint32 last = loadWord<quint32>(in + size - 4);
        storeWord(out, first);
        storeWord(out + size - 4, last);
    } else if (size > 0) {
        const char first = in[0];
        const char middle = in[size / 2];
        const char last = in[size - 1];
        out[0] = first;
        out[size / 2] = middle;
        out[size - 1] = last;
    }
}

const QString &messageType()
{
    static const QString kMessage = QStringLiteral("message");
    return kMessage;
}

enum class Field { Ignored, Data, Event, Id, Retry };

// 9.2.6 splits a line at its first colon into field name and value (minus one
// leading space) and then ignores every name but four. A known name has no
// colon in it, so a line holds a known field exactly when it is that name
// alone or that name followed by a colon: no search for the colon is needed.
// Everything else (comments, which start with a colon, and unknown names,
// including any with invalid UTF-8) is Field::Ignored. The colon and the space
// are ASCII, so working on bytes before decoding gives the same result.
template<qsizetype N>
Q_ALWAYS_INLINE bool splitKnownField(QByteArrayView line, const char (&name)[N], QByteArrayView *value)
{
    constexpr qsizetype kLength = N - 1;
    if (line.size() < kLength || std::memcmp(line.data(), name, kLength) != 0)
        return false;
    if (line.size() == kLength) {
        *value = QByteArrayView();
        return true;
    }
    if (line[kLength] != ':')
        return false;
    QByteArrayView rest = line.sliced(kLength + 1);
    if (!rest.isEmpty() && rest.front() == ' ')
        rest = rest.sliced(1);
    *value = rest;
    return true;
}

Q_ALWAYS_INLINE Field splitField(QByteArrayView line, QByteArrayView *value)
{
    switch (line.front()) {
    case 'd':
        return splitKnownField(line, "data", value) ? Field::Data : Field::Ignored;
    case 'e':
        return splitKnownField(line, "event", value) ? Field::Event : Field::Ignored;
    case 'i':
        return splitKnownField(line, "id", value) ? Field::Id : Field::Ignored;
    case 'r':
        return splitKnownField(line, "retry", value) ? Field::Retry : Field::Ignored;
    default:
        return Field::Ignored;
    }
}

// "retry": only ASCII digits (we also require at least one: an empty value is
// not a number). Values beyond qint64 saturate instead of wrapping.
bool parseRetry(QByteArrayView value, qint64 *milliseconds)
{
    if (value.isEmpty())
        return false;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return false;
    }
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    qint64 result = 0;
    for (const char c : value) {
        const int digit = c - '0';
        if (result > (kMax - digit) / 10) {
            result = kMax;
            break;
        }
        result = result * 10 + digit;
    }
    *milliseconds = result;
    return true;
}

} // namespace

SseParser::Handler::~Handler() = default;

void SseParser::Handler::handleRetry(qint64 milliseconds)
{
    Q_UNUSED(milliseconds);
}

void SseParser::Handler::handleError(SseParser::Error error, const QString &message)
{
    Q_UNUSED(error);
    Q_UNUSED(message);
}

SseParser::ViewHandler::~ViewHandler() = default;

void SseParser::ViewHandler::handleRetry(qint64 milliseconds)
{
    Q_UNUSED(milliseconds);
}

void SseParser::ViewHandler::handleError(SseParser::Error error, const QString &message)
{
    Q_UNUSED(error);
    Q_UNUSED(message);
}

SseEvent SseEventView::toEvent() const
{
    return { validUtf8ToString(type), data.toByteArray(), validUtf8ToString(lastEventId) };
}

SseParser::SseParser(qsizetype maxEventSize)
    : m_maxEventSize(qMax<qsizetype>(1, maxEventSize))
{
}

void SseParser::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = qMax<qsizetype>(1, bytes);
}

void SseParser::reset()
{
    const qsizetype limit = m_maxEventSize;
    *this = SseParser(limit);
}

// Inline for the id line of every event: an ASCII id that fits the slot is a
// copy of a few words.
Q_ALWAYS_INLINE void SseParser::IdSlot::assign(QByteArrayView value, bool nonAscii)
{
    if (nonAscii || storage.size() < value.size()) {
        assignOther(value, nonAscii);
        return;
    }
    copyBytes(storage.data(), value.data(), value.size());
    size = value.size();
}

void SseParser::IdSlot::assignOther(QByteArrayView value, bool nonAscii)
{
    if (nonAscii && !Utf8::isValid(value)) {
        storage.resize(0);
        Utf8::appendReplacingInvalid(storage, value);
        size = storage.size();
        return;
    }
    if (storage.size() < value.size())
        storage.resize(qMax<qsizetype>(value.size(), 32));
    copyBytes(storage.data(), value.data(), value.size());
    size = value.size();
}

QString SseParser::lastEventId() const
{
    return m_lastEventIdIsBuffer ? idBufferString()
                                 : validUtf8ToString(m_idSlots[1 - m_idBufferSlot].view());
}

const QString &SseParser::idBufferString() const
{
    if (!m_idStringValid) {
        m_idString = validUtf8ToString(idBuffer());
        m_idStringValid = true;
    }
    return m_idString;
}

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    struct Collector final : ViewHandler
    {
        explicit Collector(SseParser *parser)
            : m_parser(parser)
        {
        }
        QList<SseEvent> events;
        void handleEvent(const SseEventView &) override { events.append(m_parser->takeEvent()); }

    private:
        SseParser *m_parser;
    };
    Collector collector(this);
    // Size the list once from the stream's average bytes per event so far:
    // growing it step by step costs a reallocation per doubling.
    if (m_eventsDispatched > 0 && bytes.size() > 0) {
        const qint64 bytesPerEvent = qMax<qint64>(1, m_bytesFed / m_eventsDispatched);
        collector.events.reserve(
            qsizetype(qMin<qint64>(bytes.size() / bytesPerEvent + 1, 1 << 16)));
    }
    feed(bytes, collector);
    return std::move(collector.events);
}

void SseParser::feed(QByteArrayView bytes, Handler &handler)
{
    // The Handler API on top of the view core: each view becomes an SseEvent
    // made from the parser's buffers (the data buffer moved when it can be).
    struct Adapter final : ViewHandler
    {
        Adapter(SseParser *parser, Handler *target)
            : m_parser(parser)
            , m_target(target)
        {
        }
        void handleEvent(const SseEventView &) override
        {
            m_target->handleEvent(m_parser->takeEvent());
        }
        void handleRetry(qint64 milliseconds) override { m_target->handleRetry(milliseconds); }
        void handleError(SseParser::Error error, const QString &message) override
        {
            m_target->handleError(error, message);
        }

    private:
        SseParser *m_parser;
        Handler *m_target;
    };
    Adapter adapter(this, &handler);
    feed(bytes, adapter);
}

void SseParser::feed(QByteArrayView bytes, ViewHandler &handler)
{
    m_error = Error::None;
    m_errorString.clear();
    m_bytesFed += bytes.size();
    const char *p = bytes.data();
    const char *const end = p + bytes.size();

    // "UTF-8 decode" removes one BOM, and only at the very start of the
    // stream; its three bytes may arrive in separate chunks.
    if (m_atStreamStart) {
        static constexpr char kBom[3] = { '\xEF', '\xBB', '\xBF' };
        while (p < end && m_bomProbeSize < 3 && *p == kBom[m_bomProbeSize])
            m_bomProbe[m_bomProbeSize++] = *p++;
        if (m_bomProbeSize == 3) {
            m_atStreamStart = false;
            m_bomProbeSize = 0;
        } else if (p == end) {
            return; // still a prefix of a BOM: undecided
        } else {
            // Not a BOM: the bytes held back are ordinary input.
            m_atStreamStart = false;
            char heldBack[3];
            const int heldBackSize = m_bomProbeSize;
            std::memcpy(heldBack, m_bomProbe, sizeof heldBack);
            m_bomProbeSize = 0;
            consume(heldBack, heldBack + heldBackSize, handler);
            materializeData();
        }
    }
    consume(p, end, handler);
    // The chunk is the caller's: an event still open must not point into it.
    materializeData();
}

void SseParser::materializeData()
{
    if (!m_dataInChunk)
        return;
    m_data.resize(0);
    m_data.append(m_dataView.data(), m_dataView.size());
    m_dataView = QByteArrayView();
    m_dataInChunk = false;
}

void SseParser::keepUnfinishedLine(
    const char *p, const char *end, bool nonAscii, ViewHandler &handler)
{
    // Kept for the next chunk, within the limit.
    const qsizetype pending = m_line.size() + (end - p);
    if (wouldExceedLimit(pending)) {
        m_line = QByteArray();
        m_lineNonAscii = false;
        raiseTooLarge(handler);
        m_skippedLineHasBytes = true;
        return;
    }
    if (m_line.isEmpty() && m_lastLongLine > m_line.capacity() && end - p >= 4096)
        m_line.reserve(qMin(m_lastLongLine, m_maxEventSize));
    m_line.append(p, end - p);
    m_lineNonAscii = m_lineNonAscii || nonAscii;
}

const char *SseParser::consumeWholeLines(
    const char *p, const char *const end, ViewHandler &handler)
{
    LineEndScanner scanner(p, end);
    while (p < end) {
        bool nonAscii = false;
        const char *const eol = scanner.find(p, &nonAscii);
        if (eol == end) {
            keepUnfinishedLine(p, end, nonAscii, handler); // not scanned twice
            return end;
        }
        const QByteArrayView line(p, eol - p);
        if (line.isEmpty())
            dispatch(handler);
        else if (wouldExceedLimit(line.size()))
            raiseTooLarge(handler);
        else
            processLine(line, nonAscii, nullptr, handler);
        p = eol + 1;
        // 9.2.5: CRLF is one line end; a CR that ends the chunk may still get
        // its LF from the next one, which consume() then skips.
        if (*eol == '\r') {
            if (p == end) {
                m_skipLf = true;
                return p;
            }
            if (*p == '\n')
                ++p;
        }
        if (m_skipping)
            return p;
    }
    return p;
}

void SseParser::consume(const char *p, const char *const end, ViewHandler &handler)
{
    while (p < end) {
        // 9.2.5: CRLF is one line end, even when the CR ended the previous chunk.
        if (m_skipLf) {
            m_skipLf = false;
            if (*p == '\n') {
                ++p;
                continue;
            }
        }
        if (!m_skipping && m_line.isEmpty()) {
            p = consumeWholeLines(p, end, handler);
            continue;
        }
        bool nonAscii = false;
        const char *const eol = findLineEnd(p, end, &nonAscii);

        if (m_skipping) {
            // After EventTooLarge: drop lines unread until a blank one.
            if (eol == end) {
                m_skippedLineHasBytes = true;
                return;
            }
            const bool blank = !m_skippedLineHasBytes && eol == p;
            m_skippedLineHasBytes = false;
            m_skipLf = *eol == '\r';
            p = eol + 1;
            if (blank) {
                m_skipping = false;
                dispatch(handler);
            }
            continue;
        }

        if (eol == end) {
            keepUnfinishedLine(p, end, nonAscii, handler);
            return;
        }

        // The end of the line kept from earlier chunks (consumeWholeLines()
        // has taken every line that starts in this chunk).
        m_skipLf = *eol == '\r';
        m_line.append(p, eol - p);
        const bool lineNonAscii = m_lineNonAscii || nonAscii;
        m_lineNonAscii = false;
        if (m_line.size() >= kLongLine)
            m_lastLongLine = m_line.size();
        if (wouldExceedLimit(m_line.size()))
            raiseTooLarge(handler);
        else
            processLine(m_line, lineNonAscii, &m_line, handler);
        // Keep a modest buffer for the next partial line; give back a big
        // one (unless appendData() already took it over).
        if (m_line.capacity() > kKeptLineCapacity)
            m_line = QByteArray();
        else if (!m_line.isNull())
            m_line.resize(0);
        p = eol + 1;
    }
}

// processLine(), appendData() and dispatch() are forced inline into the line
// loop: for a stream of small events, calls and their branches per line cost
// more than the work (bench/parser). Their rare cases live in out-of-line
// helpers so the inlined code stays small.
Q_ALWAYS_INLINE void SseParser::processLine(
    QByteArrayView line, bool nonAscii, QByteArray *owner, ViewHandler &handler)
{
    // 9.2.6: a blank line dispatches the event.
    if (line.isEmpty()) {
        dispatch(handler);
        return;
    }
    QByteArrayView value;
    switch (splitField(line, &value)) {
    case Field::Data:
        appendData(value, nonAscii, owner, handler);
        return;
    case Field::Event:
        // The buffer is either empty or the cached decoded value, so an
        // unchanged type costs neither a decode nor a string copy per event.
        if (value.isEmpty()) {
            m_hasEventType = false;
            return;
        }
        if (value.size() != m_typeCacheRaw.size()
            || !equalBytes(value.data(), m_typeCacheRaw.constData(), value.size()))
            cacheEventType(value, nonAscii);
        m_hasEventType = true;
        return;
    case Field::Id:
        // U+0000 only ever comes from a 0x00 byte.
        if (containsNul(value))
            return;
        // The last event ID string keeps the old value until the next
        // blank line (see dispatch()).
        // The buffer's slot becomes the last event ID string's; the new
        // value goes to the other slot. No allocation once both have grown.
        if (m_lastEventIdIsBuffer) {
            m_idBufferSlot = 1 - m_idBufferSlot;
            m_lastEventIdIsBuffer = false;
        }
        m_idSlots[m_idBufferSlot].assign(value, nonAscii);
        m_idStringValid = false;
        return;
    case Field::Retry:
        setRetry(value, handler);
        return;
    case Field::Ignored:
        return;
    }
}

void SseParser::cacheEventType(QByteArrayView value, bool nonAscii)
{
    m_typeCacheRaw = value.toByteArray();
    if (nonAscii) {
        m_typeCacheUtf8.clear();
        Utf8::appendReplacingInvalid(m_typeCacheUtf8, value);
    } else {
        m_typeCacheUtf8 = m_typeCacheRaw;
    }
    m_typeCache = validUtf8ToString(m_typeCacheUtf8);
}

void SseParser::setRetry(QByteArrayView value, ViewHandler &handler)
{
    qint64 milliseconds = 0;
    if (parseRetry(value, &milliseconds)) {
        m_retryHint = milliseconds;
        handler.handleRetry(milliseconds);
    }
}

Q_ALWAYS_INLINE void SseParser::appendData(
    QByteArrayView value, bool nonAscii, QByteArray *owner, ViewHandler &handler)
{
    // The usual event: one valid data line inside the chunk, within the limit
    // (consume() has checked the whole line against it). Keep a view of it;
    // it is copied only if the event outlives the chunk, gets a second data
    // line, or is taken as an SseEvent.
    if (!m_hasData && !owner && !nonAscii) {
        m_dataView = value;
        m_dataInChunk = true;
        m_hasData = true;
        return;
    }
    appendDataCopy(value, nonAscii, owner, handler);
}

void SseParser::appendDataCopy(
    QByteArrayView value, bool nonAscii, QByteArray *owner, ViewHandler &handler)
{
    // The data buffer is kept without its final LF: an LF goes in *between*
    // values, which is the same as the spec's "append value, append LF" and
    // then "remove the last LF" at dispatch, without reallocating twice.
    // Invariant: without data, m_data is empty and m_dataInChunk false.
    const qsizetype separator = m_hasData ? 1 : 0;
    if (!nonAscii || Utf8::isValid(value)) {
        if (wouldExceedLimit(separator + value.size())) {
            raiseTooLarge(handler);
            return;
        }
        if (!m_hasData && !owner) {
            // As in appendData(): a valid (here non-ASCII) first line in the chunk.
            m_dataView = value;
            m_dataInChunk = true;
        } else if (!m_hasData && value.size() >= kStealLineMinimum) {
            // A long first data line in the carried-over line buffer: take the
            // buffer over and drop the "data: " in front, which Qt 6 does in
            // O(1) by moving the start pointer, instead of copying the value.
            const qsizetype offset = value.data() - owner->constData();
            m_data = std::move(*owner);
            *owner = QByteArray();
            m_data.remove(0, offset);
        } else if (!m_hasData) {
            m_data.append(value.data(), value.size());
        } else {
            materializeData();
            m_data.reserve(m_data.size() + 1 + value.size());
            m_data.append('\n');
            m_data.append(value.data(), value.size());
        }
    } else {
        QByteArray repaired;
        repaired.reserve(value.size() + 8);
        Utf8::appendReplacingInvalid(repaired, value);
        if (wouldExceedLimit(separator + repaired.size())) {
            raiseTooLarge(handler);
            return;
        }
        materializeData();
        if (m_hasData)
            m_data.append('\n');
        m_data.append(repaired);
    }
    m_hasData = true;
}

Q_ALWAYS_INLINE void SseParser::dispatch(ViewHandler &handler)
{
    // Step 1: the last event ID string follows the buffer at every blank
    // line, also when nothing is dispatched.
    // (Kept as a flag: the string *is* the buffer until an id field changes it.)
    m_lastEventIdIsBuffer = true;
    // Step 2: no data, no event; the event type buffer is reset all the same.
    if (!m_hasData) {
        m_hasEventType = false;
        return;
    }
    // Steps 3-7 (step 3, removing the final LF, is implicit: see appendData).
    ++m_eventsDispatched;
    const SseEventView event { m_hasEventType ? QUtf8StringView(m_typeCacheUtf8)
                                              : QUtf8StringView("message"),
        m_dataInChunk ? m_dataView : QByteArrayView(m_data), QUtf8StringView(idBuffer()) };
    handler.handleEvent(event);
    // Reuse the data buffer for the next event unless it is large (or was
    // taken by takeEvent()).
    m_dataView = QByteArrayView();
    m_dataInChunk = false;
    if (m_data.capacity() > kKeptLineCapacity)
        m_data = QByteArray();
    else if (!m_data.isEmpty())
        m_data.resize(0);
    m_hasData = false;
    m_hasEventType = false;
}

SseEvent SseParser::takeEvent()
{
    QByteArray data;
    if (m_dataInChunk) {
        data = m_dataView.toByteArray();
    } else if (m_data.capacity() - m_data.size() > qMax<qsizetype>(m_data.size(), 64)) {
        // A buffer reused from an earlier, larger event: hand out an exact copy
        // rather than the spare capacity.
        data = QByteArray(m_data.constData(), m_data.size());
    } else {
        data = std::move(m_data);
        m_data = QByteArray();
    }
    return { m_hasEventType ? m_typeCache : messageType(), std::move(data), idBufferString() };
}

void SseParser::raiseTooLarge(ViewHandler &handler)
{
    m_data = QByteArray();
    m_dataView = QByteArrayView();
    m_dataInChunk = false;
    m_hasData = false;
    m_hasEventType = false;
    m_skipping = true;
    m_skippedLineHasBytes = false;
    m_error = Error::EventTooLarge;
    m_errorString = QStringLiteral("event larger than %1 bytes discarded; skipping to the next "
                                   "blank line")
                        .arg(m_maxEventSize);
    handler.handleError(m_error, m_errorString);
}

} // namespace Sightline
