#pragma once

#include <QString>
#include <QStringList>

namespace Sightline {

// Device and field names in a layout (API.md "Workspace layouts") are names
// or `*` globs: "*" matches any run of characters, everything else matches
// itself (case-sensitive, as names are). An empty list means "all".
bool matchesNamePattern(const QString &pattern, const QString &name);
bool matchesAnyNamePattern(const QStringList &patterns, const QString &name);
// The names that match, in the order of `names`.
QStringList filterByNamePatterns(const QStringList &patterns, const QStringList &names);

} // namespace Sightline
