#include "stream/sseparser.h"

#include "stream/utf8.h"

#include <cstring>
#include <limits>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

// Spec references below are to WHATWG HTML "9.2.5 Parsing an event stream"
// and "9.2.6 Interpreting an event stream".

namespace Sightline {

namespace {

// The first CR or LF in [p, end), or `end`. This scan is the parser's inner
// loop over data bytes, hence 16 bytes at a time where SSE2 exists (always on
// x86-64).
const char *findLineEnd(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const int mask =
                _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        if (mask != 0)
            return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    while (p < end && *p != '\r' && *p != '\n')
        ++p;
    return p;
}

bool equals(QByteArrayView a, const char (&literal)[5])
{
    return a.size() == 4 && std::memcmp(a.data(), literal, 4) == 0;
}

bool equals(QByteArrayView a, const char (&literal)[6])
{
    return a.size() == 5 && std::memcmp(a.data(), literal, 5) == 0;
}

bool equals(QByteArrayView a, const char (&literal)[3])
{
    return a.size() == 2 && std::memcmp(a.data(), literal, 2) == 0;
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
    feed(bytes, collector);
    return std::move(collector.events);
}

void SseParser::feed(QByteArrayView bytes, Handler &handler)
{
    m_error = Error::None;
    m_errorString.clear();
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

bool SseParser::wouldExceedLimit(qsizetype pendingLineBytes) const
{
    return pendingLineBytes > m_maxEventSize - m_data.size();
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
        const char *const eol = findLineEnd(p, end);

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
                raiseTooLarge(handler);
                m_skippedLineHasBytes = true;
                return;
            }
            m_line.append(p, end - p);
            return;
        }

        m_skipLf = *eol == '\r';
        if (m_line.isEmpty()) {
            const QByteArrayView line(p, eol - p);
            if (wouldExceedLimit(line.size()))
                raiseTooLarge(handler);
            else
                processLine(line, handler);
        } else {
            m_line.append(p, eol - p);
            if (wouldExceedLimit(m_line.size()))
                raiseTooLarge(handler);
            else
                processLine(m_line, handler);
            // Keep a modest buffer for the next partial line; give back a big one.
            if (m_line.capacity() > 256 * 1024)
                m_line = QByteArray();
            else
                m_line.resize(0);
        }
        p = eol + 1;
    }
}

void SseParser::processLine(QByteArrayView line, Handler &handler)
{
    // 9.2.6: a blank line dispatches the event.
    if (line.isEmpty()) {
        dispatch(handler);
        return;
    }
    // Field and value split at the first colon; a line starting with one is a
    // comment. The colon and the space are ASCII, so splitting the bytes
    // before decoding gives the same result as splitting the decoded text.
    const void *colon = std::memchr(line.data(), ':', size_t(line.size()));
    QByteArrayView field = line;
    QByteArrayView value;
    if (colon) {
        const qsizetype at = static_cast<const char *>(colon) - line.data();
        if (at == 0)
            return;
        field = line.first(at);
        value = line.sliced(at + 1);
        if (!value.isEmpty() && value.front() == ' ')
            value = value.sliced(1);
    }

    // Field names containing invalid UTF-8 match none of these and are
    // ignored like any unknown field.
    if (equals(field, "data")) {
        appendData(value, handler);
    } else if (equals(field, "event")) {
        if (value.isEmpty()) {
            m_eventType.clear();
        } else if (value == QByteArrayView(m_typeCacheRaw)) {
            m_eventType = m_typeCache;
        } else {
            m_typeCache = Utf8::toString(value);
            m_typeCacheRaw = value.toByteArray();
            m_eventType = m_typeCache;
        }
    } else if (equals(field, "id")) {
        // U+0000 only ever comes from a 0x00 byte. (memchr must not see the
        // null pointer of an empty view: found by fuzz/.)
        if (value.isEmpty() || !std::memchr(value.data(), '\0', size_t(value.size())))
            m_lastEventIdBuffer = Utf8::toString(value);
    } else if (equals(field, "retry")) {
        qint64 milliseconds = 0;
        if (parseRetry(value, &milliseconds)) {
            m_retryHint = milliseconds;
            handler.handleRetry(milliseconds);
        }
    }
}

void SseParser::appendData(QByteArrayView value, Handler &handler)
{
    // The data buffer is kept without its final LF: an LF goes in *between*
    // values, which is the same as the spec's "append value, append LF" and
    // then "remove the last LF" at dispatch, without reallocating twice.
    const qsizetype separator = m_hasData ? 1 : 0;
    const qsizetype validLength = Utf8::validPrefixLength(value);
    if (validLength == value.size()) {
        if (wouldExceedLimit(separator + value.size())) {
            raiseTooLarge(handler);
            return;
        }
        if (!m_hasData) {
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
    m_lastEventId = m_lastEventIdBuffer;
    // Step 2: no data, no event; the event type buffer is reset all the same.
    if (!m_hasData) {
        m_eventType.clear();
        return;
    }
    // Steps 3-7 (step 3, removing the final LF, is implicit: see appendData).
    static const QString kMessage = QStringLiteral("message");
    SseEvent event;
    event.type = m_eventType.isEmpty() ? kMessage : m_eventType;
    event.data = std::move(m_data);
    event.lastEventId = m_lastEventId;
    m_data = QByteArray();
    m_hasData = false;
    m_eventType.clear();
    handler.handleEvent(std::move(event));
}

void SseParser::raiseTooLarge(Handler &handler)
{
    m_data = QByteArray();
    m_hasData = false;
    m_eventType.clear();
    m_skipping = true;
    m_skippedLineHasBytes = false;
    m_error = Error::EventTooLarge;
    m_errorString = QStringLiteral("event larger than %1 bytes discarded; skipping to the next "
                                   "blank line")
                            .arg(m_maxEventSize);
    handler.handleError(m_error, m_errorString);
}

} // namespace Sightline
