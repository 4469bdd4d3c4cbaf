#include "telemetry/fieldformat.h"

#include <QStringList>

#include <cmath>

namespace Sightline {

namespace {

struct UnitSuffix
{
    const char *suffix;
    const char16_t *unit;
};

constexpr UnitSuffix kUnits[] = {
        {"_c", u"°C"},    {"_pct", u"%"},  {"_mw", u"mW"}, {"_w", u"W"},     {"_mv", u"mV"},
        {"_v", u"V"},     {"_ma", u"mA"},  {"_a", u"A"},   {"_mhz", u"MHz"}, {"_mb", u"MB"},
        {"_kb", u"kB"},   {"_gb", u"GB"},  {"_ms", u"ms"}, {"_s", u"s"},     {"_rpm", u"rpm"},
        {"_fps", u"fps"}, {"_bps", u"B/s"},
};

const UnitSuffix *findSuffix(const QString &field)
{
    for (const UnitSuffix &entry : kUnits)
        if (field.endsWith(QLatin1String(entry.suffix), Qt::CaseInsensitive)
            && field.size() > static_cast<qsizetype>(qstrlen(entry.suffix)))
            return &entry;
    return nullptr;
}

} // namespace

QString fieldUnit(const QString &field)
{
    const UnitSuffix *entry = findSuffix(field);
    return entry ? QString::fromUtf16(entry->unit) : QString();
}

QString fieldLabel(const QString &field)
{
    QString base = field;
    if (const UnitSuffix *entry = findSuffix(field))
        base.chop(static_cast<qsizetype>(qstrlen(entry->suffix)));
    static const QStringList acronyms = {QStringLiteral("cpu"), QStringLiteral("gpu"), QStringLiteral("ram"),
                                         QStringLiteral("emc"), QStringLiteral("soc"), QStringLiteral("io"),
                                         QStringLiteral("pwm"), QStringLiteral("vdd"), QStringLiteral("npu"),
                                         QStringLiteral("dla"), QStringLiteral("ddr")};
    QStringList words = base.split(QLatin1Char('_'), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < words.size(); ++i) {
        QString &word = words[i];
        // "cpu0" reads "CPU0": an acronym followed by an index.
        QString letters = word.toLower();
        while (!letters.isEmpty() && letters.back().isDigit())
            letters.chop(1);
        if (acronyms.contains(letters))
            word = word.toUpper();
        else if (i == 0 && !word.isEmpty())
            word[0] = word[0].toUpper();
    }
    return words.isEmpty() ? field : words.join(QLatin1Char(' '));
}

QString formatFieldValue(const QString &field, double value)
{
    const double magnitude = std::fabs(value);
    int decimals = 1;
    if (magnitude >= 1000 || value == std::floor(value))
        decimals = 0;
    else if (magnitude < 1)
        decimals = 3;
    const QString number = QString::number(value, 'f', decimals);
    const QString unit = fieldUnit(field);
    if (unit.isEmpty())
        return number;
    // Percent and degrees hug the number ("47.5°C"); other units take a space.
    if (unit == QLatin1String("%") || unit == QStringLiteral("°C"))
        return QString(number + unit);
    return QString(number + QLatin1Char(' ') + unit);
}

QString formatAge(qint64 ageMs)
{
    if (ageMs < 0)
        return QStringLiteral("never");
    const qint64 s = ageMs / 1000;
    if (s < 1)
        return QStringLiteral("just now");
    if (s < 60)
        return QStringLiteral("%1 s ago").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min ago").arg(s / 60);
    if (s < 48 * 3600)
        return QStringLiteral("%1 h ago").arg(s / 3600);
    return QStringLiteral("%1 d ago").arg(s / 86400);
}

} // namespace Sightline
