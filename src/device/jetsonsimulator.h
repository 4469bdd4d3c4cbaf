#pragma once

#include "device/devicepoint.h"

#include <QRandomGenerator>

namespace Sightline {

// A simulated NVIDIA Jetson (an Orin Nano 8 GB: 6 CPU cores, one GPU, the
// VDD_IN / VDD_CPU_GPU_CV / VDD_SOC power rails, a fan), deterministic for a
// given seed and sequence of steps (issue 7). A plain class: no timers, no
// QObject; whoever owns it calls step() once per sample.
//
// The model, per step of dt seconds:
//  - CPU and GPU load are mean-reverting random walks (Ornstein-Uhlenbeck)
//    around a low baseline, with bursts: now and then the mean jumps to a
//    high load for a few seconds.
//  - Power per rail follows the loads.
//  - CPU, GPU and SoC temperatures move toward an equilibrium set by the
//    power and by the fan, with first-order thermal lag (time constants of
//    10-25 s), so they follow load smoothly and late.
//  - The fan controller follows the hottest sensor (tj).
//  - Overheating episode (when enabled): every `overheatEverySeconds`, for
//    `overheatForSeconds`, the GPU runs flat out and the fan stalls; the
//    GPU temperature climbs past 85 °C (the default demo rule
//    "gpu_temp_c > 85") and cools down once the episode ends.
//
// Field names match what TegrastatsParser reads from an Orin Nano, so a
// dashboard shows simulated and real devices alike.
class JetsonSimulator
{
public:
    struct Settings
    {
        quint64 seed = 1;
        // 0 = never overheat. Episodes start at t = k * every (k >= 1).
        double overheatEverySeconds = 0;
        double overheatForSeconds = 60;
    };

    static constexpr int kCoreCount = 6;
    static constexpr double kRamTotalMb = 7620;

    explicit JetsonSimulator(const Settings &settings);

    // Advances the simulated time by dtSeconds (> 0) and returns the fields
    // of the sample at the new time.
    DevicePoint::Fields step(double dtSeconds);

    // Simulated seconds since construction.
    double elapsedSeconds() const { return m_elapsed; }
    // Whether the current time is inside an overheating episode.
    bool isOverheating() const;
    // Whether time t (seconds) is inside an episode for these settings.
    static bool isOverheatingAt(const Settings &settings, double t);

private:
    double gaussian();
    double uniform(double low, double high);
    void stepLoad(double dt, double &load, double &mean, double &burstLeft, double baseline,
                  double burstChancePerSecond, double burstLow, double burstHigh, double burstMinS,
                  double burstMaxS, double sigma);

    Settings m_settings;
    QRandomGenerator m_random;
    double m_elapsed = 0;

    double m_ambient = 24;
    double m_cpuBaseline = 20;
    double m_gpuBaseline = 10;
    double m_cpuLoad = 20;
    double m_gpuLoad = 10;
    double m_cpuMean = 20;
    double m_gpuMean = 10;
    double m_cpuBurstLeft = 0;
    double m_gpuBurstLeft = 0;
    double m_coreOffset[kCoreCount] = {};
    double m_cpuTemp = 40;
    double m_gpuTemp = 40;
    double m_socTemp = 40;
    double m_fanPwm = 30;
    double m_ramBase = 2000;
    double m_ramUsed = 2000;
};

} // namespace Sightline
