#pragma once

#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/statetimeline.h"
#include "telemetry/workspacelayout.h"
#include "telemetry/workspacetime.h"
#include "ui/workspace.h"

namespace Sightline {

// The shared stores of a dashboard, for widget tests of the workspace and
// the main window (one place, so no test builds its own copy).
struct WorkspaceFixture
{
    explicit WorkspaceFixture(Clock clock = systemClock());

    SeriesStore series;
    BucketStore buckets;
    DeviceListModel devices;
    LatestValuesModel latest;
    AlertTableModel alerts;
    StateTimeline timeline;
    WorkspaceTime time;

    WorkspaceModels models();

    // A small, plausible fleet: three Jetsons in "lab" (jetson-02 with 30 s
    // of missing data), a camera in "yard" that is offline; `minutes` of
    // points at 2 Hz ending at nowMs, merged as history, the stream live.
    void fillSampleFleet(qint64 nowMs, int minutes = 5);
};

// A layout written in a test; a bad one stops the test program at once.
WorkspaceLayout parseLayout(const char *json);

} // namespace Sightline
