#pragma once

#include "telemetry/clock.h"

#include <QListView>

class QTimer;

namespace Sightline {

class LatestValuesModel;

// Tiles with the latest value of each field of the shown devices: a
// QListView in icon mode with a delegate that draws one card per row
// (field label, big value, device and age). Keyboard navigable like any list.
class LatestValueTiles : public QListView
{
    Q_OBJECT

public:
    // model is not owned.
    explicit LatestValueTiles(LatestValuesModel *model, Clock clock = systemClock(), QWidget *parent = nullptr);
    ~LatestValueTiles() override;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QTimer *m_ageTimer = nullptr;
};

} // namespace Sightline
