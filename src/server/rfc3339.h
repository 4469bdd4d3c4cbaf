#pragma once

#include <QDateTime>
#include <QString>
#include <QStringView>

#include <optional>

namespace Sightline {

// Strict RFC 3339 "date-time" (section 5.6): YYYY-MM-DDTHH:MM:SS[.frac]
// followed by Z or +HH:MM / -HH:MM. Everything else is refused: a missing
// offset, a space instead of T, missing seconds, a date alone, leap seconds
// (Qt cannot represent :60), surrounding whitespace. Fractions beyond
// milliseconds are truncated. QDateTime::fromString(Qt::ISODateWithMs)
// accepts most of those, which is why this exists (issue 3).
// Returns the instant in UTC, or nothing.
std::optional<QDateTime> parseRfc3339(QStringView text);

// The server's own timestamps: RFC 3339 in UTC with milliseconds and Z,
// e.g. 2026-11-22T10:00:00.123Z.
QString formatRfc3339Utc(const QDateTime &time);

} // namespace Sightline
