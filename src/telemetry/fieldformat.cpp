#include "telemetry/fieldformat.h"

#include <QLocale>
#include <QStringList>

#include <cmath>

namespace Sightline {

namespace {

// decimals: one precision per unit, so one field always shows as many
// decimals ("41.0°C" next to "46.1°C", issue 14). A value at or above
// largeFrom reads better in the larger unit (value / largeDivisor):
// 17,500 mW as 17.5 W, 30,536 MB as 29.8 GB.
struct UnitSuffix
{
    const char *suffix;
    const char16_t *unit;
    int decimals;
    double largeFrom = 0; // 0: never shown in a larger unit
    double largeDivisor = 1;
    const char16_t *largeUnit = nullptr;
    int largeDecimals = 0;
};

constexpr UnitSuffix kUnits[] = {
        {"_c", u"°C", 1},
        {"_pct", u"%", 0},
        {"_mw", u"mW", 0, 10000, 1000, u"W", 1},
        {"_w", u"W", 1},
        {"_mv", u"mV", 0, 10000, 1000, u"V", 2},
        {"_v", u"V", 2},
        {"_ma", u"mA", 0, 10000, 1000, u"A", 2},
        {"_a", u"A", 2},
        {"_mhz", u"MHz", 0},
        // MB as tegrastats and /proc count them: 1024 to the GB.
        {"_mb", u"MB", 0, 10240, 1024, u"GB", 1},
        {"_kb", u"kB", 0, 10240, 1024, u"MB", 0},
        {"_gb", u"GB", 1},
        {"_ms", u"ms", 0},
        {"_s", u"s", 1},
        {"_rpm", u"rpm", 0},
        {"_fps", u"fps", 1},
        {"_bps", u"B/s", 0},
};

// A field without a known unit: two decimals, the same for every value
// (fractions such as 0.25 stay readable).
constexpr int kUnitlessDecimals = 2;

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
    const UnitSuffix *entry = findSuffix(field);
    int decimals = entry ? entry->decimals : kUnitlessDecimals;
    QString unit = entry ? QString::fromUtf16(entry->unit) : QString();
    if (entry && entry->largeUnit && std::fabs(value) >= entry->largeFrom) {
        value /= entry->largeDivisor;
        decimals = entry->largeDecimals;
        unit = QString::fromUtf16(entry->largeUnit);
    }
    // Rounded first, so "-0.0" never shows.
    const double scale = std::pow(10.0, decimals);
    double rounded = std::round(value * scale) / scale;
    if (rounded == 0)
        rounded = 0;
    // The user's locale, always with its thousands separator ("5,120 mW",
    // "5.120 mW"); the C locale leaves it out unless asked.
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    const QString number = locale.toString(rounded, 'f', decimals);
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
