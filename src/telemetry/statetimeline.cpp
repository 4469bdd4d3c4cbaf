#include "telemetry/statetimeline.h"

#include "telemetry/alerttablemodel.h"

#include <QSet>

#include <algorithm>
#include <array>
#include <utility>

namespace Sightline {

namespace {

// Pruning walks every device; once a minute is plenty against a 25 h bound.
constexpr qint64 kPruneEveryMs = 60 * 1000;

// One layer of a device, cut to a query range: ascending, disjoint.
struct Piece
{
    qint64 startMs = 0;
    qint64 endMs = 0;
    int value = 0;
};

// Walks an ascending, disjoint list of pieces along increasing times.
class Cursor
{
public:
    explicit Cursor(const QList<Piece> &pieces)
        : m_pieces(pieces)
    {
    }
    // The piece covering t, or nullptr; t must not decrease between calls.
    const Piece *at(qint64 t)
    {
        while (m_next < m_pieces.size() && m_pieces.at(m_next).endMs <= t)
            ++m_next;
        if (m_next < m_pieces.size() && m_pieces.at(m_next).startMs <= t)
            return &m_pieces.at(m_next);
        return nullptr;
    }

private:
    const QList<Piece> &m_pieces;
    qsizetype m_next = 0;
};

} // namespace

StateTimeline::StateTimeline(Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
{
}

StateTimeline::~StateTimeline() = default;

StateTimeline::State StateTimeline::stateFor(DeviceListModel::DeviceState state)
{
    switch (state) {
    case DeviceListModel::DeviceState::Online:
        return State::Online;
    case DeviceListModel::DeviceState::Stale:
        return State::Stale;
    case DeviceListModel::DeviceState::Offline:
        return State::Offline;
    case DeviceListModel::DeviceState::Disconnected:
        // The dashboard has no stream: it sees nothing of the device.
        return State::Unknown;
    }
    return State::Unknown;
}

QString StateTimeline::stateName(State state)
{
    switch (state) {
    case State::Online:
        return tr("online");
    case State::Stale:
        return tr("stale");
    case State::Offline:
        return tr("offline");
    case State::Unknown:
        return tr("unknown");
    }
    return QString();
}

// ---- feeding ---------------------------------------------------------------

void StateTimeline::watchDevices(const DeviceListModel *model)
{
    connect(model, &QAbstractItemModel::dataChanged, this,
        [this, model](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            if (topLeft.parent().isValid()) // device rows; site rows carry no state of their own
                readDeviceRows(model, topLeft.parent(), topLeft.row(), bottomRight.row());
        });
    connect(model, &QAbstractItemModel::rowsInserted, this,
        [this, model](const QModelIndex &parent, int first, int last) {
            if (parent.isValid()) {
                readDeviceRows(model, parent, first, last);
                return;
            }
            for (int site = first; site <= last; ++site) {
                const QModelIndex siteIndex = model->index(site, 0);
                readDeviceRows(model, siteIndex, 0, model->rowCount(siteIndex) - 1);
            }
        });
    connect(model, &QAbstractItemModel::modelReset, this, [this, model] { readAllDevices(model); });
    readAllDevices(model);
}

void StateTimeline::readDeviceRows(
    const DeviceListModel *model, const QModelIndex &site, int first, int last)
{
    const qint64 now = m_clock();
    for (int row = first; row <= last; ++row) {
        const QModelIndex index = model->index(row, DeviceListModel::NameColumn, site);
        const QString id = index.data(DeviceListModel::DeviceIdRole).toString();
        if (id.isEmpty())
            continue;
        const auto state = static_cast<DeviceListModel::DeviceState>(
            index.data(DeviceListModel::StateRole).toInt());
        noteDeviceState(id, stateFor(state), now);
    }
}

void StateTimeline::readAllDevices(const DeviceListModel *model)
{
    // A device the model no longer lists is no longer seen.
    const QStringList listed = model->deviceIds();
    const QSet<QString> present(listed.cbegin(), listed.cend());
    const qint64 now = m_clock();
    for (const QString &id : devices())
        if (!present.contains(id))
            noteDeviceState(id, State::Unknown, now);
    for (int site = 0; site < model->rowCount(); ++site) {
        const QModelIndex siteIndex = model->index(site, 0);
        readDeviceRows(model, siteIndex, 0, model->rowCount(siteIndex) - 1);
    }
}

void StateTimeline::watchAlerts(const AlertTableModel *model)
{
    connect(model, &QAbstractItemModel::rowsInserted, this,
        [this, model](
            const QModelIndex &, int first, int last) { readAlertRows(model, first, last); });
    connect(model, &QAbstractItemModel::dataChanged, this,
        [this, model](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            readAlertRows(model, topLeft.row(), bottomRight.row());
        });
    connect(model, &QAbstractItemModel::modelReset, this, [this, model] {
        // The table forgot its alerts (sign-out): what fires from now on is
        // not seen, so the open episodes end here.
        QList<AlertEvent> resolutions;
        for (auto it = m_devices.cbegin(); it != m_devices.cend(); ++it) {
            for (auto f = it->firing.cbegin(); f != it->firing.cend(); ++f) {
                AlertEvent resolved;
                resolved.deviceId = it.key();
                resolved.ruleId = f.key();
                resolved.state = AlertEvent::State::Resolved;
                resolutions.append(resolved);
            }
        }
        const qint64 now = m_clock();
        for (const AlertEvent &resolved : std::as_const(resolutions))
            noteAlert(resolved, now);
        readAlertRows(model, 0, model->rowCount() - 1);
    });
    readAlertRows(model, 0, model->rowCount() - 1);
}

void StateTimeline::readAlertRows(const AlertTableModel *model, int first, int last)
{
    // The table lists the newest first: read upwards so episodes open in order.
    for (int row = last; row >= first; --row) {
        const AlertEvent alert = model->alertAt(row);
        const qint64 rowTime = model->index(row, 0).data(AlertTableModel::TimeRole).toLongLong();
        // A firing row's time is when it first fired; an update of the open
        // episode (another severity) carries its own event time.
        const bool firing = alert.state == AlertEvent::State::Firing;
        noteAlert(alert, firing && alert.tsMs > 0 ? alert.tsMs : rowTime);
    }
}

void StateTimeline::noteDeviceState(const QString &deviceId, State state, qint64 atMs)
{
    if (deviceId.isEmpty())
        return;
    auto it = m_devices.find(deviceId);
    if (it == m_devices.end()) {
        if (state == State::Unknown)
            return;
        it = m_devices.insert(deviceId, Device());
    }
    Device &device = *it;
    if (state == device.openState)
        return;
    // Transitions come in clock order; one from a clock that stepped back
    // must not rewrite what was already seen.
    atMs = std::max(atMs, device.openSinceMs);
    if (device.openState != State::Unknown && atMs > device.openSinceMs)
        device.observed.append(
            Span { device.openSinceMs, atMs, static_cast<int>(device.openState) });
    device.openState = state;
    device.openSinceMs = atMs;
    if (device.observed.size() > kMaxIntervals)
        device.observed.remove(0, device.observed.size() - kMaxIntervals);
    pruneIfDue(m_clock());
    Q_EMIT changed(deviceId);
}

void StateTimeline::noteAlert(const AlertEvent &alert, qint64 atMs)
{
    if (alert.deviceId.isEmpty())
        return;
    auto it = m_devices.find(alert.deviceId);
    if (it == m_devices.end()) {
        if (alert.state == AlertEvent::State::Resolved)
            return;
        it = m_devices.insert(alert.deviceId, Device());
    }
    Device &device = *it;
    auto open = device.firing.find(alert.ruleId);
    if (alert.state == AlertEvent::State::Firing) {
        if (open != device.firing.end()) {
            if (open->severity == alert.severity)
                return; // the same episode, seen again
            // The episode goes on at another severity: split it.
            atMs = std::max(atMs, open->sinceMs);
            if (atMs > open->sinceMs)
                device.alerts.append(
                    Span { open->sinceMs, atMs, static_cast<int>(open->severity) });
            *open = Firing { atMs, alert.severity };
        } else {
            device.firing.insert(alert.ruleId, Firing { atMs, alert.severity });
        }
    } else {
        // A resolution older than the open episode belongs to an earlier one.
        if (open == device.firing.end() || atMs < open->sinceMs)
            return;
        if (atMs > open->sinceMs)
            device.alerts.append(Span { open->sinceMs, atMs, static_cast<int>(open->severity) });
        device.firing.erase(open);
    }
    if (device.alerts.size() > kMaxIntervals)
        device.alerts.remove(0, device.alerts.size() - kMaxIntervals);
    pruneIfDue(m_clock());
    Q_EMIT changed(alert.deviceId);
}

void StateTimeline::noteDataCoverage(
    const QString &deviceId, qint64 fromMs, qint64 toMs, const QList<Gap> &gaps)
{
    if (deviceId.isEmpty() || toMs <= fromMs)
        return;
    QList<Gap> sorted = gaps;
    std::sort(sorted.begin(), sorted.end(),
        [](const Gap &a, const Gap &b) { return a.startMs < b.startMs; });
    QList<Span> fresh;
    qint64 cursor = fromMs;
    for (const Gap &gap : std::as_const(sorted)) {
        const qint64 start = std::clamp(gap.startMs, cursor, toMs);
        const qint64 end = std::clamp(gap.endMs, start, toMs);
        if (start > cursor)
            fresh.append(Span { cursor, start, static_cast<int>(State::Online) });
        if (end > start)
            fresh.append(Span { start, end, static_cast<int>(State::Offline) });
        cursor = std::max(cursor, end);
    }
    if (toMs > cursor)
        fresh.append(Span { cursor, toMs, static_cast<int>(State::Online) });

    // What this call says replaces what earlier ones said about [from, to).
    Device &device = m_devices[deviceId];
    QList<Span> merged;
    merged.reserve(device.stored.size() + fresh.size() + 1);
    for (const Span &span : std::as_const(device.stored)) {
        if (span.endMs <= fromMs || span.startMs >= toMs) {
            merged.append(span);
            continue;
        }
        if (span.startMs < fromMs)
            merged.append(Span { span.startMs, fromMs, span.value });
        if (span.endMs > toMs)
            merged.append(Span { toMs, span.endMs, span.value });
    }
    merged.append(fresh);
    std::sort(merged.begin(), merged.end(),
        [](const Span &a, const Span &b) { return a.startMs < b.startMs; });
    QList<Span> joined;
    joined.reserve(merged.size());
    for (const Span &span : std::as_const(merged)) {
        if (!joined.isEmpty() && joined.constLast().endMs == span.startMs
            && joined.constLast().value == span.value)
            joined.last().endMs = span.endMs;
        else
            joined.append(span);
    }
    if (joined.size() > kMaxIntervals)
        joined.remove(0, joined.size() - kMaxIntervals);
    device.stored = std::move(joined);
    pruneIfDue(m_clock());
    Q_EMIT changed(deviceId);
}

void StateTimeline::noteDataCoverage(const SeriesStore &store, const QString &deviceId)
{
    const qint64 oldest = store.oldestMs(deviceId);
    const qint64 newest = store.newestMs(deviceId);
    if (oldest <= 0 || newest <= oldest)
        return;
    noteDataCoverage(deviceId, oldest, newest, store.gaps(deviceId, oldest, newest));
}

void StateTimeline::clear()
{
    const QStringList ids = devices();
    m_devices.clear();
    for (const QString &id : ids)
        Q_EMIT changed(id);
}

// ---- memory ----------------------------------------------------------------

void StateTimeline::pruneIfDue(qint64 now)
{
    if (now - m_lastPruneMs < kPruneEveryMs)
        return;
    m_lastPruneMs = now;
    const qint64 horizon = now - kKeepMs;
    for (auto it = m_devices.begin(); it != m_devices.end();) {
        prune(*it, horizon);
        if (isEmpty(*it))
            it = m_devices.erase(it);
        else
            ++it;
    }
}

void StateTimeline::prune(Device &device, qint64 horizonMs)
{
    const auto endsBefore = [horizonMs](const Span &span) { return span.endMs <= horizonMs; };
    device.observed.removeIf(endsBefore);
    device.stored.removeIf(endsBefore);
    device.alerts.removeIf(endsBefore);
}

bool StateTimeline::isEmpty(const Device &device)
{
    return device.observed.isEmpty() && device.stored.isEmpty() && device.alerts.isEmpty()
        && device.firing.isEmpty() && device.openState == State::Unknown;
}

// ---- query -----------------------------------------------------------------

QStringList StateTimeline::devices() const
{
    QStringList ids = m_devices.keys();
    ids.sort();
    return ids;
}

QList<StateTimeline::Segment> StateTimeline::segments(
    const QString &deviceId, qint64 fromMs, qint64 toMs) const
{
    QList<Segment> out;
    if (toMs <= fromMs)
        return out;
    const auto found = m_devices.constFind(deviceId);
    if (found == m_devices.cend()) {
        out.append(Segment { fromMs, toMs, State::Unknown, std::nullopt, Source::None });
        return out;
    }
    const Device &device = *found;
    const qint64 now = m_clock();

    const auto cut = [fromMs, toMs](qint64 start, qint64 end, int value, QList<Piece> *pieces) {
        start = std::max(start, fromMs);
        end = std::min(end, toMs);
        if (end > start)
            pieces->append(Piece { start, end, value });
    };

    QList<Piece> observed;
    for (const Span &span : device.observed)
        cut(span.startMs, span.endMs, span.value, &observed);
    if (device.openState != State::Unknown)
        cut(device.openSinceMs, now, static_cast<int>(device.openState), &observed);

    QList<Piece> stored;
    for (const Span &span : device.stored)
        cut(span.startMs, span.endMs, span.value, &stored);

    // Alert episodes of several rules overlap: sweep their edges, keeping a
    // count of open episodes per severity, to find the worst at each moment.
    QList<std::pair<qint64, int>> edges; // (time, +/-(severity + 1))
    const auto addEpisode = [&edges, fromMs, toMs](qint64 start, qint64 end, int severity) {
        start = std::max(start, fromMs);
        end = std::min(end, toMs);
        if (end <= start)
            return;
        edges.append({ start, severity + 1 });
        edges.append({ end, -(severity + 1) });
    };
    for (const Span &span : device.alerts)
        addEpisode(span.startMs, span.endMs, span.value);
    for (const Firing &firing : device.firing)
        addEpisode(firing.sinceMs, now, static_cast<int>(firing.severity));
    std::sort(edges.begin(), edges.end());
    QList<Piece> alerts;
    std::array<int, 3> open { 0, 0, 0 };
    for (qsizetype i = 0; i < edges.size();) {
        const qint64 t = edges.at(i).first;
        for (; i < edges.size() && edges.at(i).first == t; ++i) {
            const int delta = edges.at(i).second;
            open[std::abs(delta) - 1] += delta > 0 ? 1 : -1;
        }
        int worst = -1;
        for (int s = 0; s < 3; ++s)
            if (open[s] > 0)
                worst = s;
        if (i < edges.size() && worst >= 0)
            alerts.append(Piece { t, edges.at(i).first, worst });
    }

    QList<qint64> bounds { fromMs, toMs };
    for (const QList<Piece> *layer : { &observed, &stored, &alerts })
        for (const Piece &piece : *layer)
            bounds << piece.startMs << piece.endMs;
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

    Cursor observedAt(observed);
    Cursor storedAt(stored);
    Cursor alertAt(alerts);
    for (qsizetype i = 0; i + 1 < bounds.size(); ++i) {
        const qint64 start = bounds.at(i);
        Segment segment { start, bounds.at(i + 1), State::Unknown, std::nullopt, Source::None };
        if (const Piece *seenPiece = observedAt.at(start)) {
            segment.state = static_cast<State>(seenPiece->value);
            segment.source = Source::Observed;
        } else if (const Piece *storedPiece = storedAt.at(start)) {
            segment.state = static_cast<State>(storedPiece->value);
            segment.source = Source::StoredData;
        }
        if (const Piece *alertPiece = alertAt.at(start))
            segment.alertSeverity = static_cast<Severity>(alertPiece->value);
        if (!out.isEmpty()) {
            Segment &last = out.last();
            if (last.state == segment.state && last.source == segment.source
                && last.alertSeverity == segment.alertSeverity) {
                last.endMs = segment.endMs;
                continue;
            }
        }
        out.append(segment);
    }
    return out;
}

} // namespace Sightline
