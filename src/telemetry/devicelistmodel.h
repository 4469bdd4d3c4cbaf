#pragma once

#include "telemetry/clock.h"
#include "telemetry/events.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>
#include <QStringList>

namespace Sightline {

// The devices the user may see, grouped by site: a two-level tree whose top
// rows are sites and whose children are devices. Each device has one of
// three distinct problem states besides Online, so a view can never confuse
// them (issue 6):
//   Offline      the server says so (device_status / GET /devices);
//   Stale        online, the stream is live, but no point arrived for
//                several of the device's usual intervals;
//   Disconnected the dashboard itself has no live stream, so nothing about
//                the device is known right now.
// Device rows are checkable: the checked devices are the ones charted.
//
// Fed by plain calls from the wiring; time comes from an injected clock and
// ages/stale states are re-evaluated by refresh() (the view calls it about
// once a second).
class DeviceListModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, StateColumn, LastSeenColumn, ColumnCount };
    enum Role {
        DeviceIdRole = Qt::UserRole + 1,
        SiteIdRole,
        StateRole, // DeviceState as int (device rows)
        LastSeenRole, // ms since epoch, 0 = never (device rows)
        IsSiteRole,
    };
    enum class DeviceState { Online, Stale, Offline, Disconnected };
    Q_ENUM(DeviceState)

    static constexpr double kStaleFactor = 3.0; // usual intervals without a point
    static constexpr qint64 kMinStaleMs = 2000;

    explicit DeviceListModel(Clock clock = systemClock(), QObject *parent = nullptr);
    ~DeviceListModel() override;

    // Replaces everything (GET /api/v1/devices). Checked devices that still
    // exist stay checked.
    void setDevices(const QList<DeviceInfo> &devices);
    // A device_status event. An unknown device is added under siteId (or
    // under an "unassigned" site when siteId is empty).
    void applyStatus(const DeviceStatusEvent &status, const QString &siteId = QString());
    // A live telemetry point of deviceId arrived now, carrying device time deviceTsMs.
    void notePoint(const QString &deviceId, qint64 deviceTsMs);
    // The device's usual spacing of points when known from elsewhere (its
    // history: SeriesStore::typicalIntervalMs), so a device that stays
    // silent from the moment the stream goes live is found stale too.
    // Live points refine it afterwards.
    void setExpectedInterval(const QString &deviceId, qint64 intervalMs);
    // Whether the dashboard's stream is live.
    void setStreamLive(bool live);
    bool isStreamLive() const { return m_streamLive; }
    // Re-evaluates ages and stale states against the clock.
    void refresh();

    DeviceState state(const QString &deviceId) const;
    bool contains(const QString &deviceId) const;
    QStringList deviceIds() const;
    // The field names the server reported for the device (GET /devices),
    // and their union over every device, sorted.
    QStringList fields(const QString &deviceId) const;
    QStringList allFields() const;
    QStringList checkedDevices() const;
    // Checks exactly these devices; ids not (yet) in the model are checked
    // as soon as they appear (settings restored before the device list loads).
    void setCheckedDevices(const QStringList &deviceIds);
    QModelIndex indexOfDevice(const QString &deviceId, int column = NameColumn) const;
    static QString stateName(DeviceState state);

    QModelIndex index(int row, int column, const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // The set of checked devices changed (by the user or setCheckedDevices).
    void checkedDevicesChanged(const QStringList &deviceIds);

private:
    struct Device
    {
        QString id;
        DeviceStatusEvent::Status status = DeviceStatusEvent::Status::Offline;
        qint64 lastSeenMs = 0;
        qint64 lastPointArrivalMs = 0; // clock time of the last live point
        qint64 lastDeviceTsMs = 0;
        qint64 intervalMs = 0; // smoothed spacing of device timestamps
        QStringList fields; // as GET /devices reported them
        bool checked = false;
        DeviceState shownState = DeviceState::Disconnected;
    };
    struct Site
    {
        QString id;
        QList<Device> devices;
    };

    DeviceState computeState(const Device &device, qint64 now) const;
    Device *findDevice(const QString &deviceId, int *siteRow = nullptr, int *deviceRow = nullptr);
    const Device *findDevice(const QString &deviceId) const;
    int addDevice(const QString &siteId, const Device &device, int *siteRow);
    void emitDeviceChanged(int siteRow, int deviceRow, int firstColumn, int lastColumn);
    QVariant siteData(const Site &site, int column, int role) const;
    QVariant deviceData(const Device &device, const Site &site, int column, int role) const;

    Clock m_clock;
    QList<Site> m_sites;
    QStringList m_pendingChecked;
    bool m_streamLive = false;
    qint64 m_liveSinceMs = 0;
};

} // namespace Sightline
