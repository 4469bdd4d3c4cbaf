#pragma once

#include "telemetry/clock.h"
#include "telemetry/events.h"

#include <QAbstractTableModel>
#include <QList>
#include <QSet>

namespace Sightline {

// The alerts the dashboard has seen, newest first. One row per firing
// episode of a (device, rule) pair: "firing" opens a row (or updates the
// open one), "resolved" closes the open row, or adds a resolved row when
// the firing was never seen. Acknowledging is local to this dashboard (the
// wire contract has no acknowledge call); it never reopens or hides a row.
// Rows are bounded: past maxRows() the oldest resolved rows go first.
class AlertTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { SeverityColumn, StateColumn, TimeColumn, DeviceColumn, MessageColumn, AcknowledgedColumn, ColumnCount };
    enum Role {
        SeverityRole = Qt::UserRole + 1, // Severity as int
        IsFiringRole,
        IsAcknowledgedRole,
        TimeRole, // ms since epoch of the row's last change
        DeviceIdRole,
        RuleIdRole,
    };

    explicit AlertTableModel(Clock clock = systemClock(), QObject *parent = nullptr);
    ~AlertTableModel() override;

    void applyAlert(const AlertEvent &alert);
    // The same for an event with the server's event id: an id applied before
    // is ignored (returns false), so alerts loaded at sign-in and the same
    // events arriving on the stream make one row. An empty id always applies.
    bool applyAlert(const AlertEvent &alert, const QString &eventId);
    // Marks the row acknowledged; false for a bad row.
    bool acknowledge(int row);
    void acknowledgeAll();
    void clear();
    int firingCount() const;
    int unacknowledgedFiringCount() const;
    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows);
    AlertEvent alertAt(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A critical alert started firing (not for updates of an open episode).
    void criticalAlertFired(const Sightline::AlertEvent &alert);
    void countsChanged();

private:
    struct Row
    {
        AlertEvent alert;
        qint64 firedAtMs = 0;
        qint64 resolvedAtMs = 0;
        bool acknowledged = false;
        bool isFiring() const { return alert.state == AlertEvent::State::Firing; }
    };

    int openRowFor(const AlertEvent &alert) const;
    void insertRow(const Row &row);
    void enforceLimit();

    Clock m_clock;
    QList<Row> m_rows;
    int m_maxRows = 1000;
    // Event ids applied so far, oldest first, bounded by kRememberedIds.
    QSet<QString> m_appliedIds;
    QList<QString> m_appliedOrder;
    static constexpr int kRememberedIds = 4096;
};

} // namespace Sightline
