#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace Sightline {

class AlertTableModel;

// The alerts table with severity colours (a tinted row and a coloured
// severity word, never colour alone), newest first, and an Acknowledge
// button (also Ctrl+K, or Space on the Ack column).
class AlertTableView : public QWidget
{
    Q_OBJECT

public:
    // model is not owned.
    explicit AlertTableView(AlertTableModel *model, QWidget *parent = nullptr);
    ~AlertTableView() override;

    QTableView *table() const { return m_table; }
    // Acknowledges the selected rows (the current row when none is selected).
    void acknowledgeSelected();

private:
    void updateSummary();

    AlertTableModel *m_model; // not owned
    QTableView *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_ackButton = nullptr;
    QTimer *m_fitColumns = nullptr; // coalesces column fitting after model changes
};

} // namespace Sightline
