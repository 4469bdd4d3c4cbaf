#include "telemetry/devicelistmodel.h"

#include "telemetry/fieldformat.h"
#include "telemetry/logging.h"

#include <algorithm>
#include <utility>

namespace Sightline {

namespace {

// Device rows carry their site's row + 1 as internal id; site rows carry 0.
// Sites are only ever appended (or replaced by a reset), so the id stays valid.
constexpr quintptr kSiteRowId = 0;

QString unassignedSite()
{
    return QStringLiteral("(unassigned)");
}

} // namespace

DeviceListModel::DeviceListModel(Clock clock, QObject *parent)
    : QAbstractItemModel(parent)
    , m_clock(std::move(clock))
{
}

DeviceListModel::~DeviceListModel() = default;

QString DeviceListModel::stateName(DeviceState state)
{
    switch (state) {
    case DeviceState::Online:
        return tr("Online");
    case DeviceState::Stale:
        return tr("Stale");
    case DeviceState::Offline:
        return tr("Offline");
    case DeviceState::Disconnected:
        return tr("Not connected");
    }
    return QString();
}

void DeviceListModel::setDevices(const QList<DeviceInfo> &devices)
{
    const QStringList checked = checkedDevices();
    QHash<QString, Device> previous;
    for (const Site &site : std::as_const(m_sites))
        for (const Device &device : site.devices)
            previous.insert(device.id, device);

    QList<DeviceInfo> sorted = devices;
    std::sort(sorted.begin(), sorted.end(), [](const DeviceInfo &a, const DeviceInfo &b) {
        return a.siteId == b.siteId ? a.deviceId < b.deviceId : a.siteId < b.siteId;
    });
    beginResetModel();
    m_sites.clear();
    const qint64 now = m_clock();
    for (const DeviceInfo &info : sorted) {
        const QString siteId = info.siteId.isEmpty() ? unassignedSite() : info.siteId;
        if (m_sites.isEmpty() || m_sites.constLast().id != siteId)
            m_sites.append(Site{siteId, {}});
        Device device = previous.value(info.deviceId);
        device.id = info.deviceId;
        device.status = info.status;
        device.fields = info.fields;
        device.lastSeenMs = std::max(device.lastSeenMs, info.lastSeenMs);
        device.checked = checked.contains(info.deviceId) || m_pendingChecked.removeAll(info.deviceId) > 0;
        device.shownState = computeState(device, now);
        m_sites.last().devices.append(device);
    }
    endResetModel();
    const QStringList nowChecked = checkedDevices();
    if (nowChecked != checked)
        Q_EMIT checkedDevicesChanged(nowChecked);
}

QStringList DeviceListModel::fields(const QString &deviceId) const
{
    const Device *device = findDevice(deviceId);
    return device ? device->fields : QStringList();
}

QStringList DeviceListModel::allFields() const
{
    QStringList out;
    for (const Site &site : m_sites) {
        for (const Device &device : site.devices) {
            for (const QString &field : device.fields) {
                if (!out.contains(field))
                    out.append(field);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

int DeviceListModel::addDevice(const QString &siteId, const Device &device, int *siteRow)
{
    const QString site = siteId.isEmpty() ? unassignedSite() : siteId;
    int row = -1;
    for (int i = 0; i < m_sites.size(); ++i)
        if (m_sites.at(i).id == site)
            row = i;
    if (row < 0) {
        row = static_cast<int>(m_sites.size());
        beginInsertRows(QModelIndex(), row, row);
        m_sites.append(Site{site, {}});
        endInsertRows();
    }
    const int deviceRow = static_cast<int>(m_sites.at(row).devices.size());
    Device added = device;
    added.checked = m_pendingChecked.removeAll(device.id) > 0;
    beginInsertRows(index(row, 0), deviceRow, deviceRow);
    m_sites[row].devices.append(added);
    endInsertRows();
    if (added.checked)
        Q_EMIT checkedDevicesChanged(checkedDevices());
    *siteRow = row;
    return deviceRow;
}

void DeviceListModel::applyStatus(const DeviceStatusEvent &status, const QString &siteId)
{
    int siteRow = -1;
    int deviceRow = -1;
    Device *device = findDevice(status.deviceId, &siteRow, &deviceRow);
    if (!device) {
        Device fresh;
        fresh.id = status.deviceId;
        fresh.status = status.status;
        fresh.lastSeenMs = status.lastSeenMs;
        fresh.shownState = computeState(fresh, m_clock());
        addDevice(siteId, fresh, &siteRow);
        return;
    }
    device->status = status.status;
    device->lastSeenMs = std::max(device->lastSeenMs, status.lastSeenMs);
    device->shownState = computeState(*device, m_clock());
    emitDeviceChanged(siteRow, deviceRow, StateColumn, LastSeenColumn);
}

void DeviceListModel::notePoint(const QString &deviceId, qint64 deviceTsMs)
{
    int siteRow = -1;
    int deviceRow = -1;
    Device *device = findDevice(deviceId, &siteRow, &deviceRow);
    if (!device)
        return;
    const qint64 now = m_clock();
    if (device->lastDeviceTsMs > 0 && deviceTsMs > device->lastDeviceTsMs) {
        const qint64 spacing = deviceTsMs - device->lastDeviceTsMs;
        // A smoothed spacing: one late point must not make the device look
        // slow forever, one burst must not make it look fast.
        device->intervalMs = device->intervalMs == 0 ? spacing : (device->intervalMs * 7 + spacing) / 8;
    }
    device->lastDeviceTsMs = std::max(device->lastDeviceTsMs, deviceTsMs);
    device->lastPointArrivalMs = now;
    device->lastSeenMs = std::max(device->lastSeenMs, now);
    // A point proves the device is sending, whatever the last status said.
    device->status = DeviceStatusEvent::Status::Online;
    const DeviceState before = device->shownState;
    device->shownState = computeState(*device, now);
    if (before != device->shownState)
        emitDeviceChanged(siteRow, deviceRow, StateColumn, StateColumn);
}

void DeviceListModel::setExpectedInterval(const QString &deviceId, qint64 intervalMs)
{
    int siteRow = -1;
    int deviceRow = -1;
    Device *device = findDevice(deviceId, &siteRow, &deviceRow);
    if (!device || intervalMs <= 0 || device->intervalMs > 0)
        return;
    device->intervalMs = intervalMs;
    const DeviceState before = device->shownState;
    device->shownState = computeState(*device, m_clock());
    if (before != device->shownState)
        emitDeviceChanged(siteRow, deviceRow, StateColumn, StateColumn);
}

void DeviceListModel::setStreamLive(bool live)
{
    if (live == m_streamLive)
        return;
    m_streamLive = live;
    m_liveSinceMs = m_clock();
    refresh();
}

DeviceListModel::DeviceState DeviceListModel::computeState(const Device &device, qint64 now) const
{
    if (!m_streamLive)
        return DeviceState::Disconnected;
    if (device.status == DeviceStatusEvent::Status::Offline)
        return DeviceState::Offline;
    if (device.intervalMs > 0) {
        const qint64 limit = std::max<qint64>(static_cast<qint64>(device.intervalMs * kStaleFactor), kMinStaleMs);
        // Silence is only counted while the stream is live.
        const qint64 since = std::max(device.lastPointArrivalMs, m_liveSinceMs);
        if (now - since > limit)
            return DeviceState::Stale;
    }
    return DeviceState::Online;
}

void DeviceListModel::refresh()
{
    const qint64 now = m_clock();
    for (int s = 0; s < m_sites.size(); ++s) {
        Site &site = m_sites[s];
        for (Device &device : site.devices)
            device.shownState = computeState(device, now);
        if (!site.devices.isEmpty())
            Q_EMIT dataChanged(index(0, StateColumn, index(s, 0)),
                               index(static_cast<int>(site.devices.size()) - 1, LastSeenColumn, index(s, 0)));
    }
    if (!m_sites.isEmpty())
        Q_EMIT dataChanged(index(0, StateColumn), index(static_cast<int>(m_sites.size()) - 1, StateColumn));
}

void DeviceListModel::emitDeviceChanged(int siteRow, int deviceRow, int firstColumn, int lastColumn)
{
    const QModelIndex parentIndex = index(siteRow, 0);
    Q_EMIT dataChanged(index(deviceRow, firstColumn, parentIndex), index(deviceRow, lastColumn, parentIndex));
    Q_EMIT dataChanged(index(siteRow, StateColumn), index(siteRow, StateColumn));
}

DeviceListModel::Device *DeviceListModel::findDevice(const QString &deviceId, int *siteRow, int *deviceRow)
{
    for (int s = 0; s < m_sites.size(); ++s) {
        QList<Device> &devices = m_sites[s].devices;
        for (int d = 0; d < devices.size(); ++d) {
            if (devices.at(d).id == deviceId) {
                if (siteRow)
                    *siteRow = s;
                if (deviceRow)
                    *deviceRow = d;
                return &devices[d];
            }
        }
    }
    return nullptr;
}

const DeviceListModel::Device *DeviceListModel::findDevice(const QString &deviceId) const
{
    return const_cast<DeviceListModel *>(this)->findDevice(deviceId);
}

DeviceListModel::DeviceState DeviceListModel::state(const QString &deviceId) const
{
    const Device *device = findDevice(deviceId);
    return device ? computeState(*device, m_clock()) : DeviceState::Offline;
}

bool DeviceListModel::contains(const QString &deviceId) const
{
    return findDevice(deviceId) != nullptr;
}

QStringList DeviceListModel::deviceIds() const
{
    QStringList ids;
    for (const Site &site : m_sites)
        for (const Device &device : site.devices)
            ids.append(device.id);
    return ids;
}

QStringList DeviceListModel::checkedDevices() const
{
    QStringList ids;
    for (const Site &site : m_sites)
        for (const Device &device : site.devices)
            if (device.checked)
                ids.append(device.id);
    return ids;
}

void DeviceListModel::setCheckedDevices(const QStringList &deviceIds)
{
    const QStringList before = checkedDevices();
    m_pendingChecked.clear();
    for (const QString &id : deviceIds)
        if (!contains(id))
            m_pendingChecked.append(id);
    for (int s = 0; s < m_sites.size(); ++s) {
        QList<Device> &devices = m_sites[s].devices;
        for (int d = 0; d < devices.size(); ++d) {
            const bool checked = deviceIds.contains(devices.at(d).id);
            if (devices.at(d).checked != checked) {
                devices[d].checked = checked;
                emitDeviceChanged(s, d, NameColumn, NameColumn);
            }
        }
    }
    const QStringList after = checkedDevices();
    if (after != before)
        Q_EMIT checkedDevicesChanged(after);
}

QModelIndex DeviceListModel::indexOfDevice(const QString &deviceId, int column) const
{
    int siteRow = -1;
    int deviceRow = -1;
    if (!const_cast<DeviceListModel *>(this)->findDevice(deviceId, &siteRow, &deviceRow))
        return QModelIndex();
    return index(deviceRow, column, index(siteRow, 0));
}

// ---- QAbstractItemModel ----------------------------------------------------

QModelIndex DeviceListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return QModelIndex();
    if (!parent.isValid())
        return createIndex(row, column, kSiteRowId);
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex DeviceListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kSiteRowId)
        return QModelIndex();
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kSiteRowId);
}

int DeviceListModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_sites.size());
    if (parent.column() != 0 || parent.internalId() != kSiteRowId)
        return 0;
    return static_cast<int>(m_sites.at(parent.row()).devices.size());
}

int DeviceListModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent);
    return ColumnCount;
}

QVariant DeviceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this)
        return QVariant();
    if (index.internalId() == kSiteRowId)
        return siteData(m_sites.at(index.row()), index.column(), role);
    const Site &site = m_sites.at(static_cast<int>(index.internalId() - 1));
    return deviceData(site.devices.at(index.row()), site, index.column(), role);
}

QVariant DeviceListModel::siteData(const Site &site, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return site.id;
        if (column == StateColumn) {
            const int online = static_cast<int>(std::count_if(site.devices.begin(), site.devices.end(), [](const Device &d) {
                return d.shownState == DeviceState::Online;
            }));
            return tr("%1 of %2 online").arg(online).arg(site.devices.size());
        }
        return QVariant();
    case SiteIdRole:
        return site.id;
    case IsSiteRole:
        return true;
    default:
        return QVariant();
    }
}

QVariant DeviceListModel::deviceData(const Device &device, const Site &site, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return device.id;
        if (column == StateColumn)
            return stateName(device.shownState);
        if (column == LastSeenColumn)
            return device.lastSeenMs > 0 ? formatAge(m_clock() - device.lastSeenMs) : formatAge(-1);
        return QVariant();
    case Qt::ToolTipRole:
        switch (device.shownState) {
        case DeviceState::Online:
            return tr("%1 is online and sending.").arg(device.id);
        case DeviceState::Stale:
            return tr("%1 is online but sent nothing for several of its usual intervals.").arg(device.id);
        case DeviceState::Offline:
            return tr("The server reports %1 offline.").arg(device.id);
        case DeviceState::Disconnected:
            return tr("The dashboard is not connected; the state of %1 is unknown.").arg(device.id);
        }
        return QVariant();
    case Qt::CheckStateRole:
        if (column == NameColumn)
            return device.checked ? Qt::Checked : Qt::Unchecked;
        return QVariant();
    case DeviceIdRole:
        return device.id;
    case SiteIdRole:
        return site.id;
    case StateRole:
        return static_cast<int>(device.shownState);
    case LastSeenRole:
        return device.lastSeenMs;
    case IsSiteRole:
        return false;
    default:
        return QVariant();
    }
}

bool DeviceListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.model() != this || role != Qt::CheckStateRole
        || index.column() != NameColumn || index.internalId() == kSiteRowId)
        return false;
    const int siteRow = static_cast<int>(index.internalId() - 1);
    Device &device = m_sites[siteRow].devices[index.row()];
    const bool checked = value.value<Qt::CheckState>() == Qt::Checked || value.toInt() == Qt::Checked;
    if (device.checked == checked)
        return true;
    device.checked = checked;
    emitDeviceChanged(siteRow, index.row(), NameColumn, NameColumn);
    Q_EMIT checkedDevicesChanged(checkedDevices());
    return true;
}

Qt::ItemFlags DeviceListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.internalId() != kSiteRowId) {
        f |= Qt::ItemNeverHasChildren;
        if (index.column() == NameColumn)
            f |= Qt::ItemIsUserCheckable;
    }
    return f;
}

QVariant DeviceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case NameColumn:
        return tr("Device");
    case StateColumn:
        return tr("State");
    case LastSeenColumn:
        return tr("Last seen");
    default:
        return QVariant();
    }
}

} // namespace Sightline
