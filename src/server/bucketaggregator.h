#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QStringList>

#include <functional>
#include <optional>

#include "server/storagetypes.h"

namespace Sightline {

// How SQLite answers history with `step` (API.md "History for long
// ranges"): the points table keeps each point's fields as a JSON text, which
// SQL can only aggregate through json_each() (1.8 million rows for a day of
// one device at 1 Hz with 21 fields, seconds per request). So the fields of
// each point are folded once, in C++, into a rollup row per device and
// minute (PartialBucket, stored as a blob), and a request reads those rows.
// Pure: no SQL, no QObject; SqliteWorker does the reading and writing.

// One field's running aggregates.
struct FieldAccumulator
{
    QByteArray name;
    qint64 count = 0;
    double min = 0;
    double max = 0;
    double sum = 0;
    qint64 lastTsMs = 0;
    double last = 0;

    // A value at device time tsMs. On equal times the value added later
    // wins when `tieToNew` (points fed oldest first), else the earlier one
    // (points fed newest first).
    void add(double value, qint64 tsMs, bool tieToNew);
    void merge(const FieldAccumulator &other, bool tieToNew);
};

// The aggregates of the points of one bucket (a rollup row, or a bucket
// being built).
struct PartialBucket
{
    qint64 count = 0; // points, whatever fields they have
    QList<FieldAccumulator> fields; // in first-seen order

    FieldAccumulator &field(QByteArrayView name);
    // A point, fed oldest first (rollup order: by row id).
    bool addPoint(qint64 tsMs, QByteArrayView fieldsJson);
    void merge(const PartialBucket &other, bool tieToNew);

    // A compact blob for the rollup table (native byte order and doubles:
    // the file never leaves the machine that wrote it), and back; nothing
    // for a blob this code did not write. `only` (not empty) keeps just
    // those fields: a chart's one field of 21 costs no copies of the rest.
    QByteArray encode() const;
    static std::optional<PartialBucket> decode(QByteArrayView blob, const QList<QByteArray> &only = {});
};

// Calls visit(name, value) for each member of a point's fields JSON, a flat
// object of numbers as SqliteWorker writes it; false for anything else.
bool forEachJsonField(QByteArrayView json, const std::function<void(QByteArrayView name, double value)> &visit);

// Folds points and partial buckets, fed newest first, into the buckets of
// one answer: buckets of stepMs aligned to the Unix epoch, the newest
// `limit` of them, each field restricted to `fields` (empty: all).
class BucketAggregator
{
public:
    BucketAggregator(qint64 stepMs, int limit, const QStringList &fields);

    // False once the feed can stop: the limit is full and this point or
    // partial belongs to an older bucket (then the answer is truncated).
    bool addPoint(qint64 tsMs, QByteArrayView fieldsJson);
    // A rollup row whose whole span lies in one bucket starting at or
    // before startMs.
    bool addPartial(qint64 startMs, const PartialBucket &partial);

    bool isTruncated() const { return m_truncated; }
    // The buckets, oldest first, fields sorted by name.
    QList<HistoryStepBucket> takeBuckets();

    static qint64 floorTo(qint64 ms, qint64 stepMs);

private:
    bool enter(qint64 tsMs);
    bool wanted(QByteArrayView name) const;
    void finishCurrent();

    qint64 m_stepMs;
    int m_limit;
    QList<QByteArray> m_fields;
    bool m_truncated = false;
    bool m_hasCurrent = false;
    qint64 m_currentStartMs = 0;
    PartialBucket m_current;
    QList<HistoryStepBucket> m_newestFirst;
};

} // namespace Sightline
