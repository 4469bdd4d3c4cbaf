#pragma once

#include "telemetry/events.h"

#include <QAbstractListModel>
#include <QList>
#include <QMap>
#include <QStringList>

namespace Sightline {

// The latest value of every field of the shown devices: one row per
// (device, field), sorted by device then field. Points older than the value
// already held (history arriving after live data) never overwrite it.
class LatestValuesModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        DeviceIdRole = Qt::UserRole + 1,
        FieldRole,
        LabelRole, // "CPU temp"
        ValueRole, // double
        FormattedValueRole, // "47.5 °C"
        TimestampRole, // device time, ms since epoch
    };

    explicit LatestValuesModel(QObject *parent = nullptr);
    ~LatestValuesModel() override;

    void applyPoint(const TelemetryData &point);
    // Shows exactly these devices (an empty list shows none). Until the
    // first call every device is shown.
    void setShownDevices(const QStringList &deviceIds);
    void showAllDevices();
    QStringList shownDevices() const { return m_shown; }
    void clear();
    // The row of (deviceId, field), or -1.
    int rowOf(const QString &deviceId, const QString &field) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Value
    {
        double value = 0;
        qint64 tsMs = 0;
    };
    using Key = QPair<QString, QString>; // device, field

    bool isShown(const QString &deviceId) const;
    void rebuildRows();

    QMap<Key, Value> m_values;
    QList<Key> m_rows;
    QStringList m_shown;
    bool m_showAll = true;
};

} // namespace Sightline
