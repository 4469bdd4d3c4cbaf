#pragma once

#include <QStringList>
#include <QWidget>

class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace Sightline {

class DeviceListModel;
class FleetTableModel;
class LatestValuesModel;

// The workspace's `fleet` panel (issue 14): one row per device with its
// state, last seen and the chosen fields, in a table sorted by clicking a
// header (numbers as numbers, states by severity) and narrowed by a filter
// line that matches device, site and state. Clicking a row (or Enter on it)
// asks to open that device.
//
// A view: it builds its own FleetTableModel over the shared device list and
// latest values, owns nothing of theirs and never talks to the network.
// While shown it ticks once a second: the model's refresh() keeps ages and
// stale states true, and rows take their new place in the sort order and
// the filter (cells themselves update at once).
class FleetPanel : public QWidget
{
    Q_OBJECT

public:
    // devices and values are not owned and must outlive the panel.
    FleetPanel(DeviceListModel *devices, LatestValuesModel *values, QWidget *parent = nullptr);
    ~FleetPanel() override;

    // Names or * globs (API.md "Workspace layouts"); empty = all.
    void setDevicePatterns(const QStringList &patterns);
    QStringList devicePatterns() const;
    void setFieldPatterns(const QStringList &patterns);
    QStringList fieldPatterns() const;

    // The text typed in the filter line.
    void setFilterText(const QString &text);
    QString filterText() const;

Q_SIGNALS:
    // The user clicked a device's row or pressed Enter on it.
    void deviceActivated(const QString &deviceId);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void activate(const QModelIndex &index);
    void refresh();
    void fitColumns();
    void fitColumnsLater();
    void fitColumnsIfGrown(const QModelIndex &topLeft, const QModelIndex &bottomRight);

    FleetTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr; // a FleetProxyModel (fleetpanel.cpp)
    QLineEdit *m_filter = nullptr;
    QTableView *m_table = nullptr;
    QTimer *m_refreshTimer = nullptr;
    bool m_fitPending = false;
};

} // namespace Sightline
