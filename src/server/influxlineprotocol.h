#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringView>

#include <optional>

namespace Sightline {

struct PointWrite;

// How InfluxPointStore writes a telemetry point as one line of the
// InfluxDB 1.x line protocol, and the InfluxQL literals it reads them back
// with. Pure: no network, no state, no QObject.
//
// A point is one row of the measurement "telemetry":
//
//   telemetry,account=A,device=D,site=S temp=21.5,rpm=900,@seq=42i 1764842400123000042
//
// - tags account, device and site (sorted by key, as InfluxDB prefers; an
//   empty value is left out, as InfluxDB has no empty tag values);
// - the device's fields, all as floats (never the i suffix, so a field keeps
//   one type whatever the device sends), plus the seq, when there is one, as
//   the integer field "@seq" ('@' is not allowed in device field names, so
//   it never collides); a field named "time", which InfluxDB refuses, is
//   written as "@time";
// - the device's time in nanoseconds: ms * 1e6 plus seq mod 1e6, so two
//   points of one device in the same millisecond with different seqs are
//   two rows, and a point written again (same seq, same ts) overwrites its
//   own row. Points without seq in the same millisecond share a row.
class InfluxLineProtocol
{
public:
    static constexpr qint64 kSeqModulus = 1000000; // ns within a millisecond

    static QString measurement() { return QStringLiteral("telemetry"); }
    static QString seqField() { return QStringLiteral("@seq"); }

    // Tag keys, tag values and field keys: ',', '=' and ' ' get a backslash.
    // (InfluxDB 1.x has no escape for a backslash itself, nor for line
    // breaks: see canEscape().)
    static QByteArray escapeKey(QStringView text);
    // Measurement names: ',' and ' ' get a backslash.
    static QByteArray escapeMeasurement(QStringView text);
    // False for text InfluxDB 1.x cannot take as a tag value or key: empty,
    // with a line break, or ending in a backslash (it would escape the
    // separator after it).
    static bool canEscape(QStringView text);

    // A float field value that reads back as the same double: the shortest
    // round-trip form ("0.1", "1e+21", "-0"), never with the i suffix. Only
    // finite values (InfluxDB refuses NaN and infinities).
    static QByteArray formatFloat(double value);

    // The row's timestamp in ns (see above); nothing outside InfluxDB's
    // range (years 1677 to 2262).
    static std::optional<qint64> timestampNs(const QDateTime &ts, std::optional<qint64> seq);

    // The field key a device's field is stored under, and back ("@seq" and
    // keys of other writers give an empty name).
    static QString storedFieldKey(const QString &field);
    static QString fieldName(const QString &storedKey);

    // The line of one point (without the trailing newline), or an empty
    // array with *error saying why the point cannot be written (a field that
    // is not a finite number, an id InfluxDB cannot take, a time out of
    // range).
    static QByteArray encodePoint(const PointWrite &point, QString *error);

    // InfluxQL literals: 'single quoted' strings and "double quoted"
    // identifiers, with backslash escapes for the quote and the backslash.
    static QString quoteString(const QString &text);
    static QString quoteIdentifier(const QString &name);
};

} // namespace Sightline
