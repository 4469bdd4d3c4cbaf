#pragma once

#include "telemetry/devicelistmodel.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPersistentModelIndex>
#include <QStringList>

namespace Sightline {

class LatestValuesModel;

// The fleet panel's table (issue 14): one row per device of the shared
// DeviceListModel whose id matches the device patterns, with columns Device,
// Site, State, Last seen, then one column per field that the fleet's devices
// report in the shared LatestValuesModel and the field patterns match.
// Field columns follow the patterns' order (each pattern's matches sorted by
// name), so the user's order in the layout is kept.
//
// A flat view over both models: it owns neither, keeps no copy of their
// values (cells are read from them), and follows their signals with the
// smallest change: one telemetry point is one dataChanged on one cell, a new
// device is one inserted row, a new field one inserted column. Only a reset
// of a source (or new patterns) resets the table.
//
// Rows follow the device tree's order (site, then device); a view sorts them
// through a proxy on SortRole.
//
// The values model filters by shown devices: this table needs it to show all
// of them (LatestValuesModel::showAllDevices(), the workspace's wiring), and
// does not look at the tree's checked devices.
class FleetTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { DeviceColumn, SiteColumn, StateColumn, LastSeenColumn, FirstFieldColumn };
    enum Role {
        DeviceIdRole = Qt::UserRole + 1, // every cell: the row's device id
        SiteIdRole, // every cell: the row's site
        StateRole, // every cell: DeviceListModel::DeviceState as int
        // What a view sorts by: device and site names, the state's severity
        // (stateSeverity()), the last-seen time in ms since epoch (0 =
        // never), a field's raw value as double (no value: invalid).
        SortRole,
        FieldRole, // field cells and horizontal headers: the field name
    };

    // devices and values are not owned and must outlive the model.
    FleetTableModel(DeviceListModel *devices, LatestValuesModel *values, QObject *parent = nullptr);
    ~FleetTableModel() override;

    // Names or * globs (namepattern.h); empty = all. New patterns reset the table.
    void setDevicePatterns(const QStringList &patterns);
    QStringList devicePatterns() const { return m_devicePatterns; }
    void setFieldPatterns(const QStringList &patterns);
    QStringList fieldPatterns() const { return m_fieldPatterns; }

    // The field of each field column, in column order.
    QStringList fields() const { return m_fields; }
    // The device of each row, in row order.
    QStringList deviceIds() const;
    int rowOfDevice(const QString &deviceId) const { return m_rowOf.value(deviceId, -1); }
    // The column of field, or -1.
    int columnOfField(const QString &field) const;

    // Ages move with the clock without a signal: the view calls this about
    // once a second. It asks the device list to re-evaluate stale states
    // (DeviceListModel::refresh(), which any of its views may call; it only
    // reads the clock), and updates the Last seen column.
    void refresh();

    // Online 0, Not connected 1 (unknown, not bad), Stale 2, Offline 3:
    // sorting descending by state puts the devices that need a look first.
    static int stateSeverity(DeviceListModel::DeviceState state);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString deviceId;
        QPersistentModelIndex source; // the device's name cell in the tree
        int state = 0; // last seen by this model, to signal real changes only
        qint64 lastSeenMs = 0;
    };

    void rebuild();
    void reindexRows();
    Row rowFor(const QModelIndex &deviceIndex) const;
    QStringList orderedFields(const QStringList &reported) const;
    QStringList reportedFields(const QString &deviceId) const;
    void addFields(const QStringList &reported);
    void insertDevice(const QModelIndex &deviceIndex);
    QVariant fieldData(const Row &row, const QString &field, int role) const;

    void handleDevicesInserted(const QModelIndex &parent, int first, int last);
    void handleDevicesChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void handleValuesInserted(const QModelIndex &parent, int first, int last);
    void handleValuesChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void beginSourceReset();
    void endSourceReset();

    DeviceListModel *m_devices; // not owned
    LatestValuesModel *m_values; // not owned
    QStringList m_devicePatterns;
    QStringList m_fieldPatterns;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
    QStringList m_fields;
    bool m_resetting = false;
};

} // namespace Sightline
