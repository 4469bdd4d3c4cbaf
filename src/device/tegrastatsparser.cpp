#include "device/tegrastatsparser.h"

#include <QList>
#include <QPair>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <optional>

namespace Sightline {

namespace {

// Readings below this are the driver's "no sensor" markers (-256C on Orin).
constexpr double kMinPlausibleTemp = -40;

const QRegularExpression &dateToken()
{
    static const QRegularExpression re(QStringLiteral("^\\d{2}-\\d{2}-\\d{4}$"));
    return re;
}
const QRegularExpression &timeToken()
{
    static const QRegularExpression re(QStringLiteral("^\\d{2}:\\d{2}:\\d{2}$"));
    return re;
}
// "1735/3956MB", "0/252kB(lfb" (IRAM glues its lfb on)
const QRegularExpression &usedTotal()
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)/(\\d+)(kB|MB|GB)(?:\\(.*)?$"));
    return re;
}
// "[12%@1479,off,3%@1479]" or "[17%,13%]@408"
const QRegularExpression &cpuList()
{
    static const QRegularExpression re(QStringLiteral("^\\[([^\\]]*)\\](?:@(\\d+))?$"));
    return re;
}
const QRegularExpression &cpuCore()
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)%(?:@(\\d+))?$"));
    return re;
}
// "3%@1600", "0%@[305]", "98%@[1300,1300]", "0%"
const QRegularExpression &engineLoad()
{
    static const QRegularExpression re(
        QStringLiteral("^(\\d+(?:\\.\\d+)?)%(?:@(?:(\\d+)|\\[([\\d,]*)\\]))?$"));
    return re;
}
// "CPU@34C", "tj@46.312C", "GPU@-256C"
const QRegularExpression &temperature()
{
    static const QRegularExpression re(
        QStringLiteral("^([A-Za-z][A-Za-z0-9_.-]*)@(-?\\d+(?:\\.\\d+)?)C$"));
    return re;
}
// "2359/2359" (R32) or "4351mW/4351mW" (R35+)
const QRegularExpression &powerReading()
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)(?:mW)?/(\\d+)(?:mW)?$"));
    return re;
}
const QRegularExpression &engineName()
{
    static const QRegularExpression re(QStringLiteral("^[A-Z][A-Z0-9_]*$"));
    return re;
}
const QRegularExpression &plainNumber()
{
    static const QRegularExpression re(QStringLiteral("^\\d+$"));
    return re;
}

QString fieldSafe(QString name)
{
    name = name.toLower();
    for (QChar &c : name) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '_' || u == '.' || u == '-';
        if (!ok)
            c = QLatin1Char('_');
    }
    return name;
}

// "GR3D_FREQ" -> "gpu", "EMC_FREQ" -> "emc", "VIC" -> "vic".
QString engineField(const QString &token)
{
    QString name = token;
    if (name.endsWith(QLatin1String("_FREQ")))
        name.chop(5);
    if (name == QLatin1String("GR3D"))
        return QStringLiteral("gpu");
    return fieldSafe(name);
}

double toMegabytes(double value, QStringView unit)
{
    if (unit == u"kB")
        return value / 1024.0;
    if (unit == u"GB")
        return value * 1024.0;
    return value;
}

// Fields in the order the line gave them (the 64-field cap keeps the first).
class FieldList
{
public:
    void set(const QString &name, double value)
    {
        if (!std::isfinite(value))
            return;
        for (auto &entry : m_entries) {
            if (entry.first == name) {
                entry.second = value;
                return;
            }
        }
        m_entries.append({name, value});
    }
    bool contains(const QString &name) const
    {
        return std::any_of(m_entries.cbegin(), m_entries.cend(),
                           [&](const auto &entry) { return entry.first == name; });
    }
    std::optional<double> value(const QString &name) const
    {
        for (const auto &entry : m_entries) {
            if (entry.first == name)
                return entry.second;
        }
        return std::nullopt;
    }
    const QList<QPair<QString, double>> &entries() const { return m_entries; }

private:
    QList<QPair<QString, double>> m_entries;
};

bool parseCpu(const QString &token, FieldList &fields)
{
    const QRegularExpressionMatch list = cpuList().match(token);
    if (!list.hasMatch())
        return false;
    const QStringList cores = list.captured(1).split(QLatin1Char(','));
    const QString sharedFreq = list.captured(2);
    double sum = 0;
    int online = 0;
    double maxFreq = -1;
    for (int i = 0; i < cores.size(); ++i) {
        const QString core = cores.at(i).trimmed();
        const QRegularExpressionMatch m = cpuCore().match(core);
        if (!m.hasMatch())
            continue; // "off" or empty: the core is powered down
        const double util = m.captured(1).toDouble();
        sum += util;
        ++online;
        fields.set(QStringLiteral("cpu%1_util_pct").arg(i), util);
        const QString freq = m.captured(2).isEmpty() ? sharedFreq : m.captured(2);
        if (!freq.isEmpty())
            maxFreq = std::max(maxFreq, freq.toDouble());
    }
    fields.set(QStringLiteral("cpu_cores_online"), online);
    if (online > 0)
        fields.set(QStringLiteral("cpu_util_pct"), std::round(sum / online * 10.0) / 10.0);
    if (maxFreq >= 0)
        fields.set(QStringLiteral("cpu_freq_mhz"), maxFreq);
    return true;
}

} // namespace

TegrastatsParser::Result TegrastatsParser::parseLine(QStringView line)
{
    Result result;
    const QStringList tokens = line.toString().split(QRegularExpression(QStringLiteral("\\s+")),
                                                     Qt::SkipEmptyParts);
    FieldList fields;
    QStringList unknown;
    QList<double> socTemps;
    QList<double> clusterTemps; // MCPU, BCPU (TX2)

    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QString &token = tokens.at(i);
        const QString next = tokens.value(i + 1);

        if (dateToken().match(token).hasMatch() && timeToken().match(next).hasMatch()) {
            ++i; // the timestamp that R35+ prints first
            continue;
        }
        if (token == QLatin1String("RAM") || token == QLatin1String("SWAP") || token == QLatin1String("IRAM")) {
            const QRegularExpressionMatch m = usedTotal().match(next);
            if (!m.hasMatch()) {
                unknown.append(token);
                continue;
            }
            ++i;
            const QString unit = m.captured(3);
            if (token == QLatin1String("IRAM")) {
                fields.set(QStringLiteral("iram_used_kb"), m.captured(1).toDouble());
                fields.set(QStringLiteral("iram_total_kb"), m.captured(2).toDouble());
            } else {
                const QString prefix = token.toLower();
                fields.set(prefix + QLatin1String("_used_mb"), toMegabytes(m.captured(1).toDouble(), unit));
                fields.set(prefix + QLatin1String("_total_mb"), toMegabytes(m.captured(2).toDouble(), unit));
            }
            // A parenthesised group follows: "(lfb 83x4MB)", "(cached 0MB)",
            // or, glued to IRAM's value, "(lfb 252kB)".
            QString group;
            if (tokens.at(i).contains(QLatin1Char('('))) {
                group = tokens.at(i).mid(tokens.at(i).indexOf(QLatin1Char('(')));
            } else if (tokens.value(i + 1).startsWith(QLatin1Char('('))) {
                group = tokens.at(++i);
            }
            while (!group.isEmpty() && !group.endsWith(QLatin1Char(')')) && i + 1 < tokens.size())
                group += QLatin1Char(' ') + tokens.at(++i);
            static const QRegularExpression cachedRe(QStringLiteral("^\\(cached (\\d+)(kB|MB|GB)\\)$"));
            if (const QRegularExpressionMatch c = cachedRe.match(group); c.hasMatch() && token == QLatin1String("SWAP"))
                fields.set(QStringLiteral("swap_cached_mb"), toMegabytes(c.captured(1).toDouble(), c.captured(2)));
            continue;
        }
        if (token.compare(QLatin1String("CPU"), Qt::CaseInsensitive) == 0 && parseCpu(next, fields)) {
            ++i;
            continue;
        }
        if (token == QLatin1String("MTS")) {
            // "MTS fg 0% bg 0%": Denver/Carmel foreground/background load.
            while (i + 2 < tokens.size() && (tokens.at(i + 1) == QLatin1String("fg") || tokens.at(i + 1) == QLatin1String("bg")))
                i += 2;
            continue;
        }
        if (const QRegularExpressionMatch t = temperature().match(token); t.hasMatch()) {
            const double celsius = t.captured(2).toDouble();
            if (celsius < kMinPlausibleTemp)
                continue;
            const QString sensor = fieldSafe(t.captured(1));
            fields.set(sensor + QLatin1String("_temp_c"), celsius);
            if (sensor.startsWith(QLatin1String("soc")) && sensor.size() > 3)
                socTemps.append(celsius);
            if (sensor == QLatin1String("mcpu") || sensor == QLatin1String("bcpu"))
                clusterTemps.append(celsius);
            continue;
        }
        if (engineName().match(token).hasMatch() && !next.isEmpty()) {
            if (const QRegularExpressionMatch p = powerReading().match(next); p.hasMatch()) {
                ++i;
                if (token != QLatin1String("NC")) // not connected
                    fields.set(QLatin1String("power_") + fieldSafe(token) + QLatin1String("_mw"), p.captured(1).toDouble());
                continue;
            }
            if (const QRegularExpressionMatch e = engineLoad().match(next); e.hasMatch()) {
                ++i;
                const QString name = engineField(token);
                fields.set(name + QLatin1String("_util_pct"), e.captured(1).toDouble());
                if (!e.captured(2).isEmpty()) {
                    fields.set(name + QLatin1String("_freq_mhz"), e.captured(2).toDouble());
                } else if (!e.captured(3).isEmpty()) {
                    double highest = -1;
                    const QStringList gpcs = e.captured(3).split(QLatin1Char(','), Qt::SkipEmptyParts);
                    for (const QString &gpc : gpcs)
                        highest = std::max(highest, gpc.toDouble());
                    if (highest >= 0)
                        fields.set(name + QLatin1String("_freq_mhz"), highest);
                }
                continue;
            }
            if (plainNumber().match(next).hasMatch()) {
                ++i;
                fields.set(engineField(token) + QLatin1String("_freq_mhz"), next.toDouble());
                continue;
            }
            if (next == QLatin1String("off")) {
                ++i;
                continue;
            }
        }
        unknown.append(token);
    }

    if (!fields.contains(QStringLiteral("soc_temp_c")) && !socTemps.isEmpty())
        fields.set(QStringLiteral("soc_temp_c"), *std::max_element(socTemps.cbegin(), socTemps.cend()));
    if (!fields.contains(QStringLiteral("cpu_temp_c")) && !clusterTemps.isEmpty())
        fields.set(QStringLiteral("cpu_temp_c"), *std::max_element(clusterTemps.cbegin(), clusterTemps.cend()));

    if (!unknown.isEmpty())
        result.warnings.append(QStringLiteral("skipped unknown tokens: %1").arg(unknown.join(QLatin1Char(' '))));
    const auto &entries = fields.entries();
    if (entries.isEmpty()) {
        result.error = QStringLiteral("no tegrastats statistics in this line");
        return result;
    }
    for (qsizetype i = 0; i < entries.size(); ++i) {
        if (i == DevicePoint::kMaxFields) {
            result.warnings.append(QStringLiteral("kept the first %1 of %2 fields (the server takes at most %1 per point)")
                                       .arg(DevicePoint::kMaxFields)
                                       .arg(entries.size()));
            break;
        }
        result.fields.insert(entries.at(i).first, entries.at(i).second);
    }
    return result;
}

} // namespace Sightline
