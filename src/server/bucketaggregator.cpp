#include "server/bucketaggregator.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace Sightline {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The general path, for JSON this file's fast reader does not take (escapes
// in names, nested values): whatever QJsonDocument reads as an object of
// numbers.
bool forEachJsonFieldSlow(QByteArrayView json, const std::function<void(QByteArrayView, double)> &visit)
{
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray());
    if (!document.isObject())
        return false;
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isDouble())
            return false;
        visit(it.key().toUtf8(), it.value().toDouble());
    }
    return true;
}

template<typename T>
void append(QByteArray &out, T value)
{
    out.append(reinterpret_cast<const char *>(&value), sizeof value);
}

template<typename T>
bool take(QByteArrayView &in, T *value)
{
    if (in.size() < qsizetype(sizeof(T)))
        return false;
    std::memcpy(value, in.data(), sizeof(T));
    in = in.sliced(sizeof(T));
    return true;
}

constexpr quint32 kBlobVersion = 1;

} // namespace

void FieldAccumulator::add(double value, qint64 tsMs, bool tieToNew)
{
    if (count == 0) {
        min = max = sum = last = value;
        lastTsMs = tsMs;
        count = 1;
        return;
    }
    ++count;
    min = std::min(min, value);
    max = std::max(max, value);
    sum += value;
    if (tsMs > lastTsMs || (tieToNew && tsMs == lastTsMs)) {
        lastTsMs = tsMs;
        last = value;
    }
}

void FieldAccumulator::merge(const FieldAccumulator &other, bool tieToNew)
{
    if (other.count == 0)
        return;
    if (count == 0) {
        const QByteArray keep = name;
        *this = other;
        name = keep;
        return;
    }
    count += other.count;
    min = std::min(min, other.min);
    max = std::max(max, other.max);
    sum += other.sum;
    if (other.lastTsMs > lastTsMs || (tieToNew && other.lastTsMs == lastTsMs)) {
        lastTsMs = other.lastTsMs;
        last = other.last;
    }
}

FieldAccumulator &PartialBucket::field(QByteArrayView name)
{
    // Points of one device mostly repeat the same fields: a short list
    // beats a hash here.
    for (FieldAccumulator &field : fields) {
        if (field.name == name)
            return field;
    }
    FieldAccumulator added;
    added.name = name.toByteArray();
    fields.append(added);
    return fields.last();
}

bool PartialBucket::addPoint(qint64 tsMs, QByteArrayView fieldsJson)
{
    ++count;
    return forEachJsonField(fieldsJson, [this, tsMs](QByteArrayView name, double value) {
        field(name).add(value, tsMs, true);
    });
}

void PartialBucket::merge(const PartialBucket &other, bool tieToNew)
{
    count += other.count;
    for (const FieldAccumulator &theirs : other.fields)
        field(theirs.name).merge(theirs, tieToNew);
}

QByteArray PartialBucket::encode() const
{
    QByteArray out;
    out.reserve(16 + fields.size() * (2 + 24 + 48));
    append(out, kBlobVersion);
    append(out, count);
    append(out, quint32(fields.size()));
    for (const FieldAccumulator &field : fields) {
        append(out, quint16(field.name.size()));
        out += field.name;
        append(out, field.count);
        append(out, field.min);
        append(out, field.max);
        append(out, field.sum);
        append(out, field.lastTsMs);
        append(out, field.last);
    }
    return out;
}

std::optional<PartialBucket> PartialBucket::decode(QByteArrayView blob, const QList<QByteArray> &only)
{
    PartialBucket bucket;
    quint32 version = 0;
    quint32 fieldCount = 0;
    if (!take(blob, &version) || version != kBlobVersion || !take(blob, &bucket.count) || !take(blob, &fieldCount))
        return std::nullopt;
    bucket.fields.reserve(only.isEmpty() ? fieldCount : only.size());
    for (quint32 i = 0; i < fieldCount; ++i) {
        FieldAccumulator field;
        quint16 nameSize = 0;
        if (!take(blob, &nameSize) || blob.size() < nameSize)
            return std::nullopt;
        const QByteArrayView name = blob.first(nameSize);
        blob = blob.sliced(nameSize);
        if (!take(blob, &field.count) || !take(blob, &field.min) || !take(blob, &field.max) || !take(blob, &field.sum)
            || !take(blob, &field.lastTsMs) || !take(blob, &field.last))
            return std::nullopt;
        if (!only.isEmpty() && !only.contains(name))
            continue;
        field.name = name.toByteArray();
        bucket.fields.append(field);
    }
    if (!blob.isEmpty())
        return std::nullopt;
    return bucket;
}

bool forEachJsonField(QByteArrayView json, const std::function<void(QByteArrayView name, double value)> &visit)
{
    // A fast reader for the form SqliteWorker writes ({"name":number,...},
    // names without escapes): a day of 1 Hz points is 86,400 objects per
    // device, and QJsonDocument takes several times longer per object.
    // Names are checked before any visit, so a fallback never visits twice.
    const char *p = json.data();
    const char *const end = p + json.size();
    auto skipSpace = [&p, end] {
        while (p < end && isSpace(*p))
            ++p;
    };
    struct Member
    {
        QByteArrayView name;
        double value;
    };
    Member members[64];
    int memberCount = 0;
    skipSpace();
    if (p == end || *p != '{')
        return forEachJsonFieldSlow(json, visit);
    ++p;
    skipSpace();
    if (p < end && *p == '}') {
        ++p;
    } else {
        for (;;) {
            skipSpace();
            if (p == end || *p != '"' || memberCount == 64)
                return forEachJsonFieldSlow(json, visit);
            const char *nameStart = ++p;
            while (p < end && *p != '"' && *p != '\\')
                ++p;
            if (p == end || *p == '\\')
                return forEachJsonFieldSlow(json, visit);
            const QByteArrayView name(nameStart, p - nameStart);
            ++p;
            skipSpace();
            if (p == end || *p != ':')
                return forEachJsonFieldSlow(json, visit);
            ++p;
            skipSpace();
            double value = 0;
            const auto [next, error] = std::from_chars(p, end, value);
            if (error != std::errc())
                return forEachJsonFieldSlow(json, visit);
            p = next;
            members[memberCount++] = Member{name, value};
            skipSpace();
            if (p < end && *p == ',') {
                ++p;
                continue;
            }
            if (p < end && *p == '}') {
                ++p;
                break;
            }
            return forEachJsonFieldSlow(json, visit);
        }
    }
    skipSpace();
    if (p != end)
        return forEachJsonFieldSlow(json, visit);
    for (int i = 0; i < memberCount; ++i)
        visit(members[i].name, members[i].value);
    return true;
}

BucketAggregator::BucketAggregator(qint64 stepMs, int limit, const QStringList &fields)
    : m_stepMs(stepMs)
    , m_limit(limit)
{
    for (const QString &name : fields)
        m_fields.append(name.toUtf8());
}

qint64 BucketAggregator::floorTo(qint64 ms, qint64 stepMs)
{
    // Floor, not truncation: a time before 1970 belongs to the bucket below.
    const qint64 quotient = ms / stepMs;
    return (ms % stepMs < 0 ? quotient - 1 : quotient) * stepMs;
}

bool BucketAggregator::wanted(QByteArrayView name) const
{
    return m_fields.isEmpty() || std::any_of(m_fields.begin(), m_fields.end(), [name](const QByteArray &f) { return f == name; });
}

bool BucketAggregator::enter(qint64 tsMs)
{
    const qint64 start = floorTo(tsMs, m_stepMs);
    if (m_hasCurrent && start == m_currentStartMs)
        return true;
    finishCurrent();
    if (m_newestFirst.size() >= m_limit) {
        m_truncated = true;
        return false;
    }
    m_hasCurrent = true;
    m_currentStartMs = start;
    return true;
}

bool BucketAggregator::addPoint(qint64 tsMs, QByteArrayView fieldsJson)
{
    if (!enter(tsMs))
        return false;
    ++m_current.count;
    // Newest first: on equal times the point seen first (the later row) stays last.
    forEachJsonField(fieldsJson, [this, tsMs](QByteArrayView name, double value) {
        if (wanted(name))
            m_current.field(name).add(value, tsMs, false);
    });
    return true;
}

bool BucketAggregator::addPartial(qint64 startMs, const PartialBucket &partial)
{
    if (!enter(startMs))
        return false;
    m_current.count += partial.count;
    for (const FieldAccumulator &field : partial.fields) {
        if (wanted(field.name))
            m_current.field(field.name).merge(field, false);
    }
    return true;
}

void BucketAggregator::finishCurrent()
{
    if (!m_hasCurrent)
        return;
    HistoryStepBucket bucket;
    bucket.startMs = m_currentStartMs;
    bucket.count = m_current.count;
    bucket.fields.reserve(m_current.fields.size());
    for (const FieldAccumulator &field : std::as_const(m_current.fields)) {
        if (field.count == 0)
            continue;
        bucket.fields.append(FieldAggregate{QString::fromUtf8(field.name), field.min, field.max,
                                            field.sum / double(field.count), field.last});
    }
    std::sort(bucket.fields.begin(), bucket.fields.end(),
              [](const FieldAggregate &a, const FieldAggregate &b) { return a.name < b.name; });
    m_newestFirst.append(bucket);
    m_current = PartialBucket();
    m_hasCurrent = false;
}

QList<HistoryStepBucket> BucketAggregator::takeBuckets()
{
    finishCurrent();
    QList<HistoryStepBucket> buckets = std::exchange(m_newestFirst, {});
    std::reverse(buckets.begin(), buckets.end());
    return buckets;
}

} // namespace Sightline
