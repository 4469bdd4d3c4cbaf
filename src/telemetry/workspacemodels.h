#pragma once

namespace Sightline {

class AlertTableModel;
class BucketStore;
class DeviceListModel;
class LatestValuesModel;
class SeriesStore;
class StateTimeline;
class WorkspaceTime;

// The shared client stores of one dashboard (issue 14): the wiring feeds
// them (EventRouter, the loaders), every panel observes them. Whoever holds
// this struct owns none of them; they must outlive it.
struct WorkspaceModels
{
    SeriesStore *series = nullptr;
    BucketStore *buckets = nullptr;
    DeviceListModel *devices = nullptr;
    LatestValuesModel *latest = nullptr;
    AlertTableModel *alerts = nullptr;
    StateTimeline *timeline = nullptr;
    WorkspaceTime *time = nullptr;
};

} // namespace Sightline
