#include "telemetry/alerttablemodel.h"

#include "telemetry/logging.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

#include <utility>

namespace Sightline {

AlertTableModel::AlertTableModel(Clock clock, QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock(std::move(clock))
{
}

AlertTableModel::~AlertTableModel() = default;

int AlertTableModel::openRowFor(const AlertEvent &alert) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows.at(i);
        if (row.isFiring() && row.alert.deviceId == alert.deviceId && row.alert.ruleId == alert.ruleId)
            return i;
    }
    return -1;
}

void AlertTableModel::insertRow(const Row &row)
{
    beginInsertRows(QModelIndex(), 0, 0);
    m_rows.prepend(row);
    endInsertRows();
    enforceLimit();
}

void AlertTableModel::enforceLimit()
{
    while (m_rows.size() > m_maxRows) {
        // Drop the oldest resolved row; only when every row fires, the oldest.
        int victim = static_cast<int>(m_rows.size()) - 1;
        for (int i = victim; i >= 0; --i) {
            if (!m_rows.at(i).isFiring()) {
                victim = i;
                break;
            }
        }
        beginRemoveRows(QModelIndex(), victim, victim);
        m_rows.removeAt(victim);
        endRemoveRows();
    }
}

void AlertTableModel::applyAlert(const AlertEvent &alert)
{
    const qint64 at = alert.tsMs > 0 ? alert.tsMs : m_clock();
    const int open = openRowFor(alert);
    if (alert.state == AlertEvent::State::Firing) {
        if (open >= 0) {
            m_rows[open].alert = alert;
            Q_EMIT dataChanged(index(open, 0), index(open, ColumnCount - 1));
            return;
        }
        Row row;
        row.alert = alert;
        row.firedAtMs = at;
        insertRow(row);
        qCInfo(lcTelemetry) << "alert firing:" << alert.deviceId << alert.ruleId << severityName(alert.severity);
        Q_EMIT countsChanged();
        if (alert.severity == Severity::Critical)
            Q_EMIT criticalAlertFired(alert);
        return;
    }
    if (open >= 0) {
        Row &row = m_rows[open];
        row.alert.state = AlertEvent::State::Resolved;
        row.alert.value = alert.value;
        if (!alert.message.isEmpty())
            row.alert.message = alert.message;
        row.resolvedAtMs = at;
        Q_EMIT dataChanged(index(open, 0), index(open, ColumnCount - 1));
    } else {
        Row row;
        row.alert = alert;
        row.resolvedAtMs = at;
        insertRow(row);
    }
    Q_EMIT countsChanged();
}

bool AlertTableModel::applyAlert(const AlertEvent &alert, const QString &eventId)
{
    if (!eventId.isEmpty()) {
        if (m_appliedIds.contains(eventId))
            return false;
        m_appliedIds.insert(eventId);
        m_appliedOrder.append(eventId);
        if (m_appliedOrder.size() > kRememberedIds)
            m_appliedIds.remove(m_appliedOrder.takeFirst());
    }
    applyAlert(alert);
    return true;
}

bool AlertTableModel::acknowledge(int row)
{
    if (row < 0 || row >= m_rows.size())
        return false;
    if (!m_rows.at(row).acknowledged) {
        m_rows[row].acknowledged = true;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        Q_EMIT countsChanged();
    }
    return true;
}

void AlertTableModel::acknowledgeAll()
{
    for (int i = 0; i < m_rows.size(); ++i)
        m_rows[i].acknowledged = true;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(m_rows.size()) - 1, ColumnCount - 1));
    Q_EMIT countsChanged();
}

void AlertTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_appliedIds.clear();
    m_appliedOrder.clear();
    endResetModel();
    Q_EMIT countsChanged();
}

int AlertTableModel::firingCount() const
{
    return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(), [](const Row &r) { return r.isFiring(); }));
}

int AlertTableModel::unacknowledgedFiringCount() const
{
    return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(),
                                          [](const Row &r) { return r.isFiring() && !r.acknowledged; }));
}

void AlertTableModel::setMaxRows(int rows)
{
    m_maxRows = std::max(rows, 1);
    enforceLimit();
}

AlertEvent AlertTableModel::alertAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).alert : AlertEvent();
}

int AlertTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AlertTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this)
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const qint64 time = row.isFiring() || row.resolvedAtMs == 0 ? row.firedAtMs : row.resolvedAtMs;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn: {
            QString name = severityName(row.alert.severity);
            name[0] = name[0].toUpper();
            return name;
        }
        case StateColumn:
            return row.isFiring() ? tr("Firing") : tr("Resolved");
        case TimeColumn:
            return QLocale().toString(QDateTime::fromMSecsSinceEpoch(time), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case DeviceColumn:
            return row.alert.deviceId;
        case MessageColumn:
            return row.alert.message.isEmpty() ? row.alert.ruleId : row.alert.message;
        case AcknowledgedColumn:
            return row.acknowledged ? tr("Acknowledged") : QString();
        default:
            return QVariant();
        }
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn)
            return tr("%1: %2 = %3 (threshold %4)")
                    .arg(row.alert.ruleId, row.alert.field)
                    .arg(row.alert.value)
                    .arg(row.alert.threshold);
        return QVariant();
    case Qt::CheckStateRole:
        if (index.column() == AcknowledgedColumn)
            return row.acknowledged ? Qt::Checked : Qt::Unchecked;
        return QVariant();
    case SeverityRole:
        return static_cast<int>(row.alert.severity);
    case IsFiringRole:
        return row.isFiring();
    case IsAcknowledgedRole:
        return row.acknowledged;
    case TimeRole:
        return time;
    case DeviceIdRole:
        return row.alert.deviceId;
    case RuleIdRole:
        return row.alert.ruleId;
    default:
        return QVariant();
    }
}

bool AlertTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.model() != this
        || role != Qt::CheckStateRole || index.column() != AcknowledgedColumn)
        return false;
    // Acknowledging is one way: an acknowledged alert stays acknowledged.
    if (value.toInt() != Qt::Checked)
        return false;
    return acknowledge(index.row());
}

Qt::ItemFlags AlertTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == AcknowledgedColumn && !m_rows.at(index.row()).acknowledged)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case StateColumn:
        return tr("State");
    case TimeColumn:
        return tr("Time");
    case DeviceColumn:
        return tr("Device");
    case MessageColumn:
        return tr("Message");
    case AcknowledgedColumn:
        return tr("Ack");
    default:
        return QVariant();
    }
}

} // namespace Sightline
