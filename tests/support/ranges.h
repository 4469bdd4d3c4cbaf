#pragma once

#include <QList>

namespace Sightline::Test {

// first, first + 1, ..., last (ids, seqs), for comparing with what arrived.
template <typename T>
QList<T> inclusiveRange(T first, T last)
{
    QList<T> out;
    for (T value = first; value <= last; ++value)
        out.append(value);
    return out;
}

} // namespace Sightline::Test
