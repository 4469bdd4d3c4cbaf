#include "stream/sseparser.h"

#include "stream/utf8.h"

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
// hence 16 bytes at a time where SSE2 exists (always on x86-64).
const char *findLineEndSse2(const char *p, const char *end, bool *nonAscii)
{
    unsigned high = 0;
#ifdef __SSE2__
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const auto eolMask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
        const auto highMask = static_cast<unsigned>(_mm_movemask_epi8(v));
        if (eolMask != 0) {
            const unsigned at = unsigned(__builtin_ctz(eolMask));
            high |= highMask & ((1u << at) - 1);
            p += at;
            if (high)
                *nonAscii = true;
            return p;
        }
        high |= highMask;
        p += 16;
    }
#endif
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '\r' || c == '\n')
            break;
        high |= c & 0x80u;
    }
    if (high)
        *nonAscii = true;
    return p;
}

#ifdef SIGHTLINE_HAVE_AVX2_SCAN
// The same scan 32 bytes at a time, chosen at run time on CPUs with AVX2
// (the build targets baseline x86-64, so it cannot be assumed).
__attribute__((target("avx2"))) const char *findLineEndAvx2(
    const char *p, const char *end, bool *nonAscii)
{
    unsigned high = 0;
    const __m256i cr = _mm256_set1_epi8('\r');
    const __m256i lf = _mm256_set1_epi8('\n');
    while (end - p >= 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
        const auto eolMask = static_cast<unsigned>(_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, cr), _mm256_cmpeq_epi8(v, lf))));
        const auto highMask = static_cast<unsigned>(_mm256_movemask_epi8(v));
        if (eolMask != 0) {
            const unsigned at = unsigned(__builtin_ctz(eolMask));
            high |= highMask & ((1u << at) - 1);
            if (high)
                *nonAscii = true;
            return p + at;
        }
        high |= highMask;
        p += 32;
    }
    if (high)
        *nonAscii = true;
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

// A field value as a QString; `nonAscii` false means plain ASCII.
QString valueToString(QByteArrayView value, bool nonAscii)
{
    return nonAscii ? Utf8::toString(value) : QString::fromLatin1(value);
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
bool splitKnownField(QByteArrayView line, const char (&name)[N], QByteArrayView *value)
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

Field splitField(QByteArrayView line, QByteArrayView *value)
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

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    struct Collector final : Handler
    {
        QList<SseEvent> events;
        void handleEvent(SseEvent &&event) override { events.append(std::move(event)); }
    };
    Collector collector;
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
        }
    }
    consume(p, end, handler);
}

void SseParser::consume(const char *p, const char *const end, Handler &handler)
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
            // An unfinished line: keep it for the next chunk, within the limit.
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
            return;
        }

        m_skipLf = *eol == '\r';
        if (m_line.isEmpty()) {
            const QByteArrayView line(p, eol - p);
            if (wouldExceedLimit(line.size()))
                raiseTooLarge(handler);
            else
                processLine(line, nonAscii, nullptr, handler);
        } else {
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
        }
        p = eol + 1;
    }
}

void SseParser::processLine(QByteArrayView line, bool nonAscii, QByteArray *owner, Handler &handler)
{
    // 9.2.6: a blank line dispatches the event.
    if (line.isEmpty()) {
        dispatch(handler);
        return;
    }
    QByteArrayView value;
    const Field field = splitField(line, &value);
    if (field == Field::Data) {
        appendData(value, nonAscii, owner, handler);
    } else if (field == Field::Event) {
        // The buffer is either empty or the cached decoded value, so an
        // unchanged type costs neither a decode nor a string copy per event.
        if (value.isEmpty()) {
            m_hasEventType = false;
        } else {
            if (value.size() != m_typeCacheRaw.size()
                || std::memcmp(value.data(), m_typeCacheRaw.constData(), size_t(value.size()))
                    != 0) {
                m_typeCache = valueToString(value, nonAscii);
                m_typeCacheRaw = value.toByteArray();
            }
            m_hasEventType = true;
        }
    } else if (field == Field::Id) {
        // U+0000 only ever comes from a 0x00 byte. (memchr must not see the
        // null pointer of an empty view: found by fuzz/.)
        if (value.isEmpty() || !std::memchr(value.data(), '\0', size_t(value.size()))) {
            // The last event ID string keeps the old value until the next
            // blank line (see dispatch()).
            if (m_lastEventIdIsBuffer) {
                m_lastEventId = std::move(m_lastEventIdBuffer);
                m_lastEventIdIsBuffer = false;
            }
            m_lastEventIdBuffer = valueToString(value, nonAscii);
        }
    } else if (field == Field::Retry) {
        qint64 milliseconds = 0;
        if (parseRetry(value, &milliseconds)) {
            m_retryHint = milliseconds;
            handler.handleRetry(milliseconds);
        }
    }
}

void SseParser::appendData(QByteArrayView value, bool nonAscii, QByteArray *owner, Handler &handler)
{
    // The data buffer is kept without its final LF: an LF goes in *between*
    // values, which is the same as the spec's "append value, append LF" and
    // then "remove the last LF" at dispatch, without reallocating twice.
    const qsizetype separator = m_hasData ? 1 : 0;
    if (!nonAscii || Utf8::isValid(value)) {
        if (wouldExceedLimit(separator + value.size())) {
            raiseTooLarge(handler);
            return;
        }
        if (!m_hasData && owner && value.size() >= kStealLineMinimum) {
            // A long first data line in the carried-over line buffer: take the
            // buffer over and drop the "data: " in front, which Qt 6 does in
            // O(1) by moving the start pointer, instead of copying the value.
            const qsizetype offset = value.data() - owner->constData();
            m_data = std::move(*owner);
            *owner = QByteArray();
            m_data.remove(0, offset);
        } else if (!m_hasData) {
            m_data = value.toByteArray();
        } else {
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
        if (m_hasData)
            m_data.append('\n');
        m_data.append(repaired);
    }
    m_hasData = true;
}

void SseParser::dispatch(Handler &handler)
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
    static const QString kMessage = QStringLiteral("message");
    SseEvent event { m_hasEventType ? m_typeCache : kMessage, std::move(m_data),
        m_lastEventIdBuffer };
    m_data = QByteArray();
    m_hasData = false;
    m_hasEventType = false;
    ++m_eventsDispatched;
    handler.handleEvent(std::move(event));
}

void SseParser::raiseTooLarge(Handler &handler)
{
    m_data = QByteArray();
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
