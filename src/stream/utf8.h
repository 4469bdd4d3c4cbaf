#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Sightline {

// UTF-8 helpers for the event-stream parser (issue 2). They implement the
// Encoding standard's "UTF-8 decode" error handling: every maximal invalid
// subpart of a sequence becomes one U+FFFD, and the byte that broke a
// sequence is decoded again on its own. Pure functions, no state: the parser
// only ever hands them whole field names and values, which never split a
// valid sequence because CR, LF, ':' and ' ' cannot occur inside one.
namespace Utf8 {

// Number of leading bytes of `bytes` that are valid UTF-8 ending on a code
// point boundary; bytes.size() when all of it is valid.
qsizetype validPrefixLength(QByteArrayView bytes);

inline bool isValid(QByteArrayView bytes)
{
    return validPrefixLength(bytes) == bytes.size();
}

// Appends `bytes` to `out`, each invalid sequence replaced by U+FFFD
// (as UTF-8, EF BF BD). The result is always valid UTF-8.
void appendReplacingInvalid(QByteArray &out, QByteArrayView bytes);

// `bytes` decoded to a QString with the same replacement rules.
QString toString(QByteArrayView bytes);

} // namespace Utf8
} // namespace Sightline
