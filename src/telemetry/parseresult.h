#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace Sightline {

// The outcome of a parser or validator: either a value or one sentence a
// person can act on (STYLE.md "Ownership, errors, threads": errors are values,
// never exceptions across Qt code).
template<typename T>
class ParseResult
{
public:
    static ParseResult success(T value)
    {
        ParseResult r;
        r.m_value = std::move(value);
        return r;
    }
    static ParseResult failure(QString error)
    {
        ParseResult r;
        r.m_error = std::move(error);
        return r;
    }

    bool isOk() const { return m_value.has_value(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const QString &error() const { return m_error; }

private:
    ParseResult() = default;
    std::optional<T> m_value;
    QString m_error;
};

} // namespace Sightline
