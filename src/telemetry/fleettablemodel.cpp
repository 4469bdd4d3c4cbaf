#include "telemetry/fleettablemodel.h"

#include "telemetry/fieldformat.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/namepattern.h"

#include <QDateTime>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace Sightline {

namespace {

using State = DeviceListModel::DeviceState;

bool isDeviceIndex(const QModelIndex &index)
{
    return index.isValid() && !index.data(DeviceListModel::IsSiteRole).toBool();
}

QString absoluteTime(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

} // namespace

FleetTableModel::FleetTableModel(
    DeviceListModel *devices, LatestValuesModel *values, QObject *parent)
    : QAbstractTableModel(parent)
    , m_devices(devices)
    , m_values(values)
{
    // Structural changes the tree never makes today (it only appends or
    // resets) still keep the table right: they reset it.
    connect(m_devices, &QAbstractItemModel::modelAboutToBeReset, this,
        &FleetTableModel::beginSourceReset);
    connect(m_devices, &QAbstractItemModel::modelReset, this, &FleetTableModel::endSourceReset);
    connect(m_devices, &QAbstractItemModel::rowsAboutToBeRemoved, this,
        &FleetTableModel::beginSourceReset);
    connect(m_devices, &QAbstractItemModel::rowsRemoved, this, &FleetTableModel::endSourceReset);
    connect(m_devices, &QAbstractItemModel::rowsAboutToBeMoved, this,
        &FleetTableModel::beginSourceReset);
    connect(m_devices, &QAbstractItemModel::rowsMoved, this, &FleetTableModel::endSourceReset);
    connect(m_devices, &QAbstractItemModel::layoutAboutToBeChanged, this,
        &FleetTableModel::beginSourceReset);
    connect(m_devices, &QAbstractItemModel::layoutChanged, this, &FleetTableModel::endSourceReset);
    connect(m_devices, &QAbstractItemModel::rowsInserted, this,
        &FleetTableModel::handleDevicesInserted);
    connect(
        m_devices, &QAbstractItemModel::dataChanged, this, &FleetTableModel::handleDevicesChanged);

    connect(m_values, &QAbstractItemModel::modelAboutToBeReset, this,
        &FleetTableModel::beginSourceReset);
    connect(m_values, &QAbstractItemModel::modelReset, this, &FleetTableModel::endSourceReset);
    connect(m_values, &QAbstractItemModel::rowsAboutToBeRemoved, this,
        &FleetTableModel::beginSourceReset);
    connect(m_values, &QAbstractItemModel::rowsRemoved, this, &FleetTableModel::endSourceReset);
    connect(m_values, &QAbstractItemModel::rowsAboutToBeMoved, this,
        &FleetTableModel::beginSourceReset);
    connect(m_values, &QAbstractItemModel::rowsMoved, this, &FleetTableModel::endSourceReset);
    connect(m_values, &QAbstractItemModel::layoutAboutToBeChanged, this,
        &FleetTableModel::beginSourceReset);
    connect(m_values, &QAbstractItemModel::layoutChanged, this, &FleetTableModel::endSourceReset);
    connect(
        m_values, &QAbstractItemModel::rowsInserted, this, &FleetTableModel::handleValuesInserted);
    connect(
        m_values, &QAbstractItemModel::dataChanged, this, &FleetTableModel::handleValuesChanged);

    rebuild();
}

FleetTableModel::~FleetTableModel() = default;

int FleetTableModel::stateSeverity(DeviceListModel::DeviceState state)
{
    switch (state) {
    case State::Online:
        return 0;
    case State::Disconnected:
        return 1;
    case State::Stale:
        return 2;
    case State::Offline:
        return 3;
    }
    return 0;
}

void FleetTableModel::setDevicePatterns(const QStringList &patterns)
{
    if (patterns == m_devicePatterns)
        return;
    beginResetModel();
    m_devicePatterns = patterns;
    rebuild();
    endResetModel();
}

void FleetTableModel::setFieldPatterns(const QStringList &patterns)
{
    if (patterns == m_fieldPatterns)
        return;
    beginResetModel();
    m_fieldPatterns = patterns;
    rebuild();
    endResetModel();
}

QStringList FleetTableModel::deviceIds() const
{
    QStringList ids;
    ids.reserve(m_rows.size());
    for (const Row &row : m_rows)
        ids.append(row.deviceId);
    return ids;
}

int FleetTableModel::columnOfField(const QString &field) const
{
    const qsizetype i = m_fields.indexOf(field);
    return i < 0 ? -1 : FirstFieldColumn + static_cast<int>(i);
}

void FleetTableModel::refresh()
{
    // May signal state changes, which handleDevicesChanged() passes on.
    m_devices->refresh();
    for (Row &row : m_rows)
        row.lastSeenMs = row.source.data(DeviceListModel::LastSeenRole).toLongLong();
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, LastSeenColumn), index(rowCount() - 1, LastSeenColumn));
}

// ---- building rows and columns -------------------------------------------

FleetTableModel::Row FleetTableModel::rowFor(const QModelIndex &deviceIndex) const
{
    Row row;
    row.deviceId = deviceIndex.data(DeviceListModel::DeviceIdRole).toString();
    row.source = deviceIndex.siblingAtColumn(DeviceListModel::NameColumn);
    row.state = deviceIndex.data(DeviceListModel::StateRole).toInt();
    row.lastSeenMs = deviceIndex.data(DeviceListModel::LastSeenRole).toLongLong();
    return row;
}

void FleetTableModel::rebuild()
{
    m_rows.clear();
    for (int s = 0; s < m_devices->rowCount(); ++s) {
        const QModelIndex site = m_devices->index(s, 0);
        for (int d = 0; d < m_devices->rowCount(site); ++d) {
            const QModelIndex device = m_devices->index(d, 0, site);
            if (matchesAnyNamePattern(
                    m_devicePatterns, device.data(DeviceListModel::DeviceIdRole).toString()))
                m_rows.append(rowFor(device));
        }
    }
    reindexRows();
    QStringList reported;
    for (int r = 0; r < m_values->rowCount(); ++r) {
        const QModelIndex value = m_values->index(r);
        if (m_rowOf.contains(value.data(LatestValuesModel::DeviceIdRole).toString()))
            reported.append(value.data(LatestValuesModel::FieldRole).toString());
    }
    m_fields = orderedFields(reported);
}

void FleetTableModel::reindexRows()
{
    m_rowOf.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows.at(i).deviceId, i);
}

QStringList FleetTableModel::orderedFields(const QStringList &reported) const
{
    QStringList sorted = reported;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (m_fieldPatterns.isEmpty())
        return sorted;
    // The patterns' order is the user's: "gpu_temp_c", "cpu_*" lists the GPU
    // first. A field two patterns match sits where the first one puts it.
    QStringList ordered;
    QSet<QString> taken;
    for (const QString &pattern : m_fieldPatterns) {
        for (const QString &field : std::as_const(sorted)) {
            if (!taken.contains(field) && matchesNamePattern(pattern, field)) {
                taken.insert(field);
                ordered.append(field);
            }
        }
    }
    return ordered;
}

QStringList FleetTableModel::reportedFields(const QString &deviceId) const
{
    QStringList fields;
    for (int r = 0; r < m_values->rowCount(); ++r) {
        const QModelIndex value = m_values->index(r);
        if (value.data(LatestValuesModel::DeviceIdRole).toString() == deviceId)
            fields.append(value.data(LatestValuesModel::FieldRole).toString());
    }
    return fields;
}

void FleetTableModel::addFields(const QStringList &reported)
{
    const QStringList wanted = orderedFields(m_fields + reported);
    // The order is a total order (first matching pattern, then name), so the
    // new list keeps the old columns in order and new ones slot in between.
    for (int i = 0; i < wanted.size(); ++i) {
        if (i < m_fields.size() && m_fields.at(i) == wanted.at(i))
            continue;
        const int column = FirstFieldColumn + i;
        beginInsertColumns(QModelIndex(), column, column);
        m_fields.insert(i, wanted.at(i));
        endInsertColumns();
    }
}

void FleetTableModel::insertDevice(const QModelIndex &deviceIndex)
{
    const QString id = deviceIndex.data(DeviceListModel::DeviceIdRole).toString();
    if (m_rowOf.contains(id) || !matchesAnyNamePattern(m_devicePatterns, id))
        return;
    // The new row's place in tree order: after the shown devices before it.
    const auto positionInTree = [this, &id] {
        int position = 0;
        for (int s = 0; s < m_devices->rowCount(); ++s) {
            const QModelIndex site = m_devices->index(s, 0);
            for (int d = 0; d < m_devices->rowCount(site); ++d) {
                const QString other
                    = m_devices->index(d, 0, site).data(DeviceListModel::DeviceIdRole).toString();
                if (other == id)
                    return position;
                if (m_rowOf.contains(other))
                    ++position;
            }
        }
        return position;
    };
    const int position = positionInTree();
    beginInsertRows(QModelIndex(), position, position);
    m_rows.insert(position, rowFor(deviceIndex));
    reindexRows();
    endInsertRows();
    // Values may have come before the device list knew the device.
    addFields(reportedFields(id));
}

// ---- following the sources -------------------------------------------------

void FleetTableModel::beginSourceReset()
{
    if (m_resetting)
        return;
    m_resetting = true;
    beginResetModel();
}

void FleetTableModel::endSourceReset()
{
    if (!m_resetting)
        return;
    rebuild();
    m_resetting = false;
    endResetModel();
}

void FleetTableModel::handleDevicesInserted(const QModelIndex &parent, int first, int last)
{
    if (m_resetting)
        return;
    for (int r = first; r <= last; ++r) {
        const QModelIndex inserted = m_devices->index(r, 0, parent);
        if (isDeviceIndex(inserted)) {
            insertDevice(inserted);
            continue;
        }
        // A new site (the tree adds it empty today, its devices after).
        for (int d = 0; d < m_devices->rowCount(inserted); ++d)
            insertDevice(m_devices->index(d, 0, inserted));
    }
}

void FleetTableModel::handleDevicesChanged(
    const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    if (m_resetting || !isDeviceIndex(topLeft))
        return;
    // The tree signals whole sites on its own refresh() and checkbox
    // changes too: only the cells whose state or last-seen time really
    // moved are passed on.
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const QModelIndex device = topLeft.siblingAtRow(r);
        const int row = m_rowOf.value(device.data(DeviceListModel::DeviceIdRole).toString(), -1);
        if (row < 0)
            continue;
        Row &cached = m_rows[row];
        const int state = device.data(DeviceListModel::StateRole).toInt();
        const qint64 lastSeen = device.data(DeviceListModel::LastSeenRole).toLongLong();
        const bool stateMoved = state != cached.state;
        const bool lastSeenMoved = lastSeen != cached.lastSeenMs;
        cached.state = state;
        cached.lastSeenMs = lastSeen;
        if (stateMoved || lastSeenMoved)
            Q_EMIT dataChanged(index(row, stateMoved ? StateColumn : LastSeenColumn),
                index(row, lastSeenMoved ? LastSeenColumn : StateColumn));
    }
}

void FleetTableModel::handleValuesInserted(const QModelIndex &parent, int first, int last)
{
    if (m_resetting || parent.isValid())
        return;
    QStringList newFields;
    for (int r = first; r <= last; ++r) {
        const QModelIndex value = m_values->index(r);
        const int row = m_rowOf.value(value.data(LatestValuesModel::DeviceIdRole).toString(), -1);
        if (row < 0)
            continue;
        const QString field = value.data(LatestValuesModel::FieldRole).toString();
        const int column = columnOfField(field);
        if (column >= 0)
            Q_EMIT dataChanged(index(row, column), index(row, column));
        else
            newFields.append(field);
    }
    if (!newFields.isEmpty())
        addFields(newFields);
}

void FleetTableModel::handleValuesChanged(
    const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    if (m_resetting)
        return;
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const QModelIndex value = m_values->index(r);
        const int row = m_rowOf.value(value.data(LatestValuesModel::DeviceIdRole).toString(), -1);
        const int column
            = row < 0 ? -1 : columnOfField(value.data(LatestValuesModel::FieldRole).toString());
        if (column >= 0)
            Q_EMIT dataChanged(index(row, column), index(row, column));
    }
}

// ---- QAbstractItemModel ----------------------------------------------------

int FleetTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int FleetTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstFieldColumn + static_cast<int>(m_fields.size());
}

QVariant FleetTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this)
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case DeviceIdRole:
        return row.deviceId;
    case SiteIdRole:
        return row.source.data(DeviceListModel::SiteIdRole);
    case StateRole:
        return row.source.data(DeviceListModel::StateRole);
    default:
        break;
    }
    if (column >= FirstFieldColumn)
        return fieldData(row, m_fields.at(column - FirstFieldColumn), role);

    switch (column) {
    case DeviceColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return row.deviceId;
        if (role == Qt::ToolTipRole)
            return row.source.data(Qt::ToolTipRole);
        return QVariant();
    case SiteColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return row.source.data(DeviceListModel::SiteIdRole);
        return QVariant();
    case StateColumn: {
        const QModelIndex state
            = row.source.sibling(row.source.row(), DeviceListModel::StateColumn);
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return state.data(role);
        if (role == SortRole)
            return stateSeverity(
                static_cast<State>(state.data(DeviceListModel::StateRole).toInt()));
        return QVariant();
    }
    case LastSeenColumn: {
        // Text and time both read from the tree, which knows its clock.
        const QModelIndex lastSeen
            = row.source.sibling(row.source.row(), DeviceListModel::LastSeenColumn);
        const qint64 ms = lastSeen.data(DeviceListModel::LastSeenRole).toLongLong();
        switch (role) {
        case Qt::DisplayRole:
            return lastSeen.data(Qt::DisplayRole);
        case Qt::ToolTipRole:
            return ms > 0 ? tr("Last seen %1").arg(absoluteTime(ms)) : tr("Never seen");
        case Qt::TextAlignmentRole:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        case SortRole:
            return ms;
        default:
            return QVariant();
        }
    }
    default:
        return QVariant();
    }
}

QVariant FleetTableModel::fieldData(const Row &row, const QString &field, int role) const
{
    if (role == FieldRole)
        return field;
    if (role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    const int valueRow = m_values->rowOf(row.deviceId, field);
    if (valueRow < 0)
        return QVariant();
    const QModelIndex value = m_values->index(valueRow);
    switch (role) {
    case Qt::DisplayRole:
        return formatFieldValue(field, value.data(LatestValuesModel::ValueRole).toDouble());
    case SortRole:
        return value.data(LatestValuesModel::ValueRole).toDouble();
    case Qt::ToolTipRole:
        return tr("%1 of %2 at %3")
            .arg(fieldLabel(field), row.deviceId,
                absoluteTime(value.data(LatestValuesModel::TimestampRole).toLongLong()));
    default:
        return QVariant();
    }
}

Qt::ItemFlags FleetTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant FleetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QVariant();
    // Titles sit over their cells: names on the left, numbers on the right.
    if (role == Qt::TextAlignmentRole)
        return QVariant(
            (section >= LastSeenColumn ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    if (section >= FirstFieldColumn) {
        const QString &field = m_fields.at(section - FirstFieldColumn);
        switch (role) {
        case Qt::DisplayRole:
            return fieldLabel(field);
        case Qt::ToolTipRole:
        case FieldRole:
            return field;
        default:
            return QVariant();
        }
    }
    if (role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case DeviceColumn:
        return tr("Device");
    case SiteColumn:
        return tr("Site");
    case StateColumn:
        return tr("State");
    case LastSeenColumn:
        return tr("Last seen");
    default:
        return QVariant();
    }
}

} // namespace Sightline
