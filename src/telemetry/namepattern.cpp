#include "telemetry/namepattern.h"

namespace Sightline {

bool matchesNamePattern(const QString &pattern, const QString &name)
{
    // Iterative glob with backtracking to the last '*': linear in practice,
    // no regular expression built per call (fleet panels match every
    // device against every pattern on each refresh).
    qsizetype p = 0;
    qsizetype n = 0;
    qsizetype starP = -1;
    qsizetype starN = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern.at(p) == QLatin1Char('*')) {
            starP = p++;
            starN = n;
        } else if (p < pattern.size() && pattern.at(p) == name.at(n)) {
            ++p;
            ++n;
        } else if (starP >= 0) {
            p = starP + 1;
            n = ++starN;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern.at(p) == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

bool matchesAnyNamePattern(const QStringList &patterns, const QString &name)
{
    if (patterns.isEmpty())
        return true;
    for (const QString &pattern : patterns) {
        if (matchesNamePattern(pattern, name))
            return true;
    }
    return false;
}

QStringList filterByNamePatterns(const QStringList &patterns, const QStringList &names)
{
    QStringList out;
    for (const QString &name : names) {
        if (matchesAnyNamePattern(patterns, name))
            out.append(name);
    }
    return out;
}

} // namespace Sightline
