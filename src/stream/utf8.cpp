#include "stream/utf8.h"

#include <QStringDecoder>

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace Sightline {
namespace Utf8 {

namespace {

// The replacement character U+FFFD in UTF-8.
constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Skips ASCII bytes quickly; returns the first byte >= 0x80 or `end`.
const unsigned char *skipAscii(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const int mask = _mm_movemask_epi8(v);
        if (mask != 0)
            return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    while (p < end && *p < 0x80)
        ++p;
    return p;
}

// Decodes one non-ASCII sequence starting at `p` following the Encoding
// standard's UTF-8 decoder. Returns the end of the valid sequence, or
// nullptr when the sequence is invalid; then `*resume` is where decoding
// continues after emitting one U+FFFD (the byte that broke the sequence is
// not consumed: the standard "restores" it to the stream).
const unsigned char *decodeSequence(
    const unsigned char *p, const unsigned char *end, const unsigned char **resume)
{
    const unsigned char lead = *p;
    int needed = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        needed = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        needed = 2;
        if (lead == 0xE0)
            lower = 0xA0; // no overlong 3-byte forms
        if (lead == 0xED)
            upper = 0x9F; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        needed = 3;
        if (lead == 0xF0)
            lower = 0x90; // no overlong 4-byte forms
        if (lead == 0xF4)
            upper = 0x8F; // nothing above U+10FFFF
    } else {
        *resume = p + 1; // C0, C1, F5..FF or a stray continuation byte
        return nullptr;
    }
    ++p;
    for (int seen = 0; seen < needed; ++seen) {
        if (p == end || *p < lower || *p > upper) {
            *resume = p;
            return nullptr;
        }
        lower = 0x80;
        upper = 0xBF;
        ++p;
    }
    return p;
}

} // namespace

qsizetype validPrefixLength(QByteArrayView bytes)
{
    const auto *begin = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *end = begin + bytes.size();
    const unsigned char *p = begin;
    while (true) {
        p = skipAscii(p, end);
        if (p == end)
            return bytes.size();
        const unsigned char *resume = nullptr;
        const unsigned char *next = decodeSequence(p, end, &resume);
        if (!next)
            return p - begin;
        p = next;
    }
}

void appendReplacingInvalid(QByteArray &out, QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        const unsigned char *asciiEnd = skipAscii(p, end);
        const unsigned char *validEnd = asciiEnd;
        // Extend over valid multi-byte sequences so they are copied in one go.
        const unsigned char *resume = nullptr;
        while (validEnd < end) {
            const unsigned char *next = decodeSequence(validEnd, end, &resume);
            if (!next)
                break;
            validEnd = skipAscii(next, end);
        }
        out.append(reinterpret_cast<const char *>(p), validEnd - p);
        if (validEnd == end)
            return;
        out.append(kReplacement, 3);
        p = resume;
    }
}

namespace {

QString validToString(QByteArrayView utf8)
{
    // QString::fromUtf8() drops a leading U+FEFF as a byte order mark, but
    // inside an event stream it is text ("id: \uFEFF1"); found by fuzz/.
    if (utf8.startsWith("\xEF\xBB\xBF")) {
        QStringDecoder decoder(QStringDecoder::Utf8,
            QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
        return decoder.decode(utf8);
    }
    return QString::fromUtf8(utf8);
}

} // namespace

QString toString(QByteArrayView bytes)
{
    if (isValid(bytes))
        return validToString(bytes);
    QByteArray repaired;
    repaired.reserve(bytes.size() + 8);
    appendReplacingInvalid(repaired, bytes);
    return validToString(repaired);
}

} // namespace Utf8
} // namespace Sightline
