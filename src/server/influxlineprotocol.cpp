#include "server/influxlineprotocol.h"

#include <QLocale>

#include <cmath>
#include <limits>

#include "server/storagetypes.h"

namespace Sightline {

namespace {

constexpr qint64 kNsPerMs = 1000000;

// InfluxDB 1.x refuses this field key ("invalid field name"): it is the
// name of the time column.
const QLatin1String kTimeField("time");

QByteArray escape(QStringView text, QStringView special)
{
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar c : text) {
        if (special.contains(c))
            out += QLatin1Char('\\');
        out += c;
    }
    return out.toUtf8();
}

// InfluxQL string or identifier body (the influxql scanner knows \\, \',
// \" and \n).
QString escapeInfluxQl(const QString &text, QChar quote)
{
    QString out;
    out.reserve(text.size() + 2);
    out += quote;
    for (const QChar c : text) {
        if (c == QLatin1Char('\\') || c == quote)
            out += QLatin1Char('\\');
        if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else
            out += c;
    }
    out += quote;
    return out;
}

} // namespace

QByteArray InfluxLineProtocol::escapeKey(QStringView text)
{
    return escape(text, u", =");
}

QByteArray InfluxLineProtocol::escapeMeasurement(QStringView text)
{
    return escape(text, u", ");
}

bool InfluxLineProtocol::canEscape(QStringView text)
{
    return !text.isEmpty() && !text.endsWith(QLatin1Char('\\')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r'));
}

QByteArray InfluxLineProtocol::formatFloat(double value)
{
    // Shortest round-trip digits; "-0" kept (the number form drops the sign).
    if (value == 0 && std::signbit(value))
        return QByteArrayLiteral("-0");
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

std::optional<qint64> InfluxLineProtocol::timestampNs(
    const QDateTime &ts, std::optional<qint64> seq)
{
    if (!ts.isValid())
        return std::nullopt;
    const qint64 ms = ts.toMSecsSinceEpoch();
    constexpr qint64 kLimitMs = std::numeric_limits<qint64>::max() / kNsPerMs - 1;
    if (ms < -kLimitMs || ms > kLimitMs)
        return std::nullopt;
    qint64 offset = 0;
    if (seq)
        offset = ((*seq % kSeqModulus) + kSeqModulus) % kSeqModulus;
    return ms * kNsPerMs + offset;
}

QString InfluxLineProtocol::storedFieldKey(const QString &field)
{
    return field == kTimeField ? QStringLiteral("@time") : field;
}

QString InfluxLineProtocol::fieldName(const QString &storedKey)
{
    if (storedKey == QLatin1String("@time"))
        return kTimeField;
    return storedKey.startsWith(QLatin1Char('@')) ? QString() : storedKey;
}

QByteArray InfluxLineProtocol::encodePoint(const PointWrite &point, QString *error)
{
    const std::pair<QLatin1String, QString> tags[] = {
        { QLatin1String("account"), point.device.accountId },
        { QLatin1String("device"), point.device.deviceId },
        { QLatin1String("site"), point.device.siteId },
    };
    QByteArray line = escapeMeasurement(measurement());
    for (const auto &[key, value] : tags) {
        if (value.isEmpty())
            continue;
        if (!canEscape(value)) {
            *error
                = QStringLiteral("the %1 id \"%2\" cannot be written to InfluxDB").arg(key, value);
            return {};
        }
        line += ',' + escapeKey(QString(key)) + '=' + escapeKey(value);
    }

    QByteArray fields;
    for (auto it = point.point.fields.constBegin(); it != point.point.fields.constEnd(); ++it) {
        const double value = it.value().toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!it.value().isDouble() || !std::isfinite(value)) {
            *error = QStringLiteral("the field \"%1\" is not a finite number").arg(it.key());
            return {};
        }
        if (!canEscape(it.key())) {
            *error = QStringLiteral("the field name \"%1\" cannot be written to InfluxDB")
                         .arg(it.key());
            return {};
        }
        if (!fields.isEmpty())
            fields += ',';
        fields += escapeKey(storedFieldKey(it.key())) + '=' + formatFloat(value);
    }
    if (point.point.seq) {
        if (!fields.isEmpty())
            fields += ',';
        fields += escapeKey(seqField()) + '=' + QByteArray::number(*point.point.seq) + 'i';
    }
    if (fields.isEmpty()) {
        *error = QStringLiteral("the point has no fields");
        return {};
    }

    const std::optional<qint64> ns = timestampNs(point.point.ts, point.point.seq);
    if (!ns) {
        *error = QStringLiteral("the time of the point is outside InfluxDB's range");
        return {};
    }
    return line + ' ' + fields + ' ' + QByteArray::number(*ns);
}

QString InfluxLineProtocol::quoteString(const QString &text)
{
    return escapeInfluxQl(text, QLatin1Char('\''));
}

QString InfluxLineProtocol::quoteIdentifier(const QString &name)
{
    return escapeInfluxQl(name, QLatin1Char('"'));
}

} // namespace Sightline
