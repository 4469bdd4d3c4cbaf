#pragma once

#include <QTreeView>

class QTimer;

namespace Sightline {

class DeviceListModel;

// The device tree: sites with their devices, a coloured dot and a word for
// each device's state (online, stale, offline, not connected: never colour
// alone), last-seen age, and a checkbox per device that selects it for the
// charts. It ticks the model's refresh() once a second so ages stay true.
class DeviceListView : public QTreeView
{
    Q_OBJECT

public:
    // model is not owned.
    explicit DeviceListView(DeviceListModel *model, QWidget *parent = nullptr);
    ~DeviceListView() override;

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    DeviceListModel *m_model; // not owned
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_fitColumns = nullptr; // coalesces column fitting after model changes
};

} // namespace Sightline
