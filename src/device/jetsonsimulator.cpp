#include "device/jetsonsimulator.h"

#include <QString>

#include <algorithm>
#include <cmath>

namespace Sightline {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Thermal time constants in seconds (first-order lag toward equilibrium).
constexpr double kCpuTau = 10;
constexpr double kGpuTau = 15;
constexpr double kSocTau = 25;
constexpr double kFanTau = 3;
// Hottest a real Orin gets before thermal shutdown; the model never passes it.
constexpr double kMaxTemp = 104;

QRandomGenerator seededGenerator(quint64 seed)
{
    const quint32 words[2] = {quint32(seed & 0xffffffffu), quint32(seed >> 32)};
    return QRandomGenerator(words, words + 2);
}

double lag(double value, double target, double dt, double tau)
{
    return value + (target - value) * (1.0 - std::exp(-dt / tau));
}

double round1(double value)
{
    return std::round(value * 10.0) / 10.0;
}

} // namespace

JetsonSimulator::JetsonSimulator(const Settings &settings)
    : m_settings(settings)
    , m_random(seededGenerator(settings.seed))
{
    // Each device (seed) gets its own room temperature, idle load and memory
    // footprint, so a fleet does not draw identical lines.
    m_ambient = uniform(22, 28);
    m_cpuBaseline = uniform(12, 30);
    m_gpuBaseline = uniform(5, 20);
    m_cpuLoad = m_cpuMean = m_cpuBaseline;
    m_gpuLoad = m_gpuMean = m_gpuBaseline;
    m_ramBase = uniform(1700, 2800);
    m_ramUsed = m_ramBase;
    // Start near the idle equilibrium rather than at room temperature.
    m_cpuTemp = m_ambient + 14;
    m_gpuTemp = m_ambient + 13;
    m_socTemp = m_ambient + 13;
    m_fanPwm = 25;
}

double JetsonSimulator::uniform(double low, double high)
{
    return low + (high - low) * m_random.generateDouble();
}

// Box-Muller: std::normal_distribution is implementation-defined, this is
// the same everywhere, which keeps a seed's run identical across platforms.
double JetsonSimulator::gaussian()
{
    double u1 = m_random.generateDouble();
    const double u2 = m_random.generateDouble();
    if (u1 < 1e-12)
        u1 = 1e-12;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

bool JetsonSimulator::isOverheatingAt(const Settings &settings, double t)
{
    if (settings.overheatEverySeconds <= 0 || settings.overheatForSeconds <= 0
        || t < settings.overheatEverySeconds)
        return false;
    return std::fmod(t, settings.overheatEverySeconds) < settings.overheatForSeconds;
}

bool JetsonSimulator::isOverheating() const
{
    return isOverheatingAt(m_settings, m_elapsed);
}

void JetsonSimulator::stepLoad(double dt, double &load, double &mean, double &burstLeft,
                               double baseline, double burstChancePerSecond, double burstLow,
                               double burstHigh, double burstMinS, double burstMaxS, double sigma)
{
    if (burstLeft > 0) {
        burstLeft -= dt;
        if (burstLeft <= 0)
            mean = baseline;
    } else if (m_random.generateDouble() < 1.0 - std::exp(-burstChancePerSecond * dt)) {
        mean = uniform(burstLow, burstHigh);
        burstLeft = uniform(burstMinS, burstMaxS);
    }
    // Ornstein-Uhlenbeck: pulled toward the mean, pushed by noise.
    const double theta = burstLeft > 0 ? 1.2 : 0.4;
    load += theta * (mean - load) * std::min(dt, 1.0) + sigma * std::sqrt(dt) * gaussian();
    load = std::clamp(load, 0.0, 100.0);
}

DevicePoint::Fields JetsonSimulator::step(double dt)
{
    dt = std::clamp(dt, 0.001, 60.0);
    m_elapsed += dt;
    const bool overheating = isOverheating();

    stepLoad(dt, m_cpuLoad, m_cpuMean, m_cpuBurstLeft, m_cpuBaseline, 0.03, 60, 95, 4, 15, 5);
    stepLoad(dt, m_gpuLoad, m_gpuMean, m_gpuBurstLeft, m_gpuBaseline, 0.02, 65, 99, 5, 25, 4);
    if (overheating) // a runaway GPU job with a stalled fan
        m_gpuLoad = std::clamp(96.0 + gaussian(), 90.0, 100.0);

    DevicePoint::Fields f;
    double coreSum = 0;
    for (int i = 0; i < kCoreCount; ++i) {
        m_coreOffset[i] += -0.5 * m_coreOffset[i] * std::min(dt, 1.0) + 6.0 * std::sqrt(dt) * gaussian();
        const double core = std::round(std::clamp(m_cpuLoad + m_coreOffset[i], 0.0, 100.0));
        coreSum += core;
        f.insert(QStringLiteral("cpu%1_util_pct").arg(i), core);
    }
    const double cpuUtil = coreSum / kCoreCount;
    const double gpuUtil = std::round(m_gpuLoad);

    // Power per rail in watts.
    const double fanFraction = overheating ? 0.0 : m_fanPwm / 100.0;
    const double pCpu = 0.4 + 3.6 * cpuUtil / 100.0;
    const double pGpu = 0.3 + 5.7 * gpuUtil / 100.0;
    const double pSoc = 1.1 + 0.4 * gpuUtil / 100.0 + 0.2 * cpuUtil / 100.0;
    const double heat = pCpu + pGpu + pSoc;
    const double pIn = heat * 1.15 + 2.0 + 0.3 * m_fanPwm / 100.0;

    // Temperatures: equilibrium from power and cooling, reached with lag.
    const double resistance = 1.0 / (1.0 + 1.2 * fanFraction);
    m_cpuTemp = lag(m_cpuTemp, m_ambient + (4.0 * heat + 6.0 * pCpu) * resistance, dt, kCpuTau);
    m_gpuTemp = lag(m_gpuTemp, m_ambient + (4.0 * heat + 6.0 * pGpu) * resistance, dt, kGpuTau);
    m_socTemp = lag(m_socTemp, m_ambient + (4.0 * heat + 3.0 * pSoc) * resistance, dt, kSocTau);
    m_cpuTemp = std::min(m_cpuTemp, kMaxTemp);
    m_gpuTemp = std::min(m_gpuTemp, kMaxTemp);
    m_socTemp = std::min(m_socTemp, kMaxTemp);
    const double cpuTemp = round1(m_cpuTemp + 0.15 * gaussian());
    const double gpuTemp = round1(m_gpuTemp + 0.15 * gaussian());
    const double socTemp = round1(m_socTemp + 0.15 * gaussian());
    const double tj = round1(std::min(kMaxTemp, std::max({m_cpuTemp, m_gpuTemp, m_socTemp}) + 0.5));

    // The fan controller follows the junction temperature.
    m_fanPwm = lag(m_fanPwm, std::clamp((tj - 35.0) * 2.5, 0.0, 100.0), dt, kFanTau);
    const double fanRpm = overheating ? 0.0 : std::round(m_fanPwm / 100.0 * 5000.0);

    // Memory: applications take more while busy.
    m_ramUsed = lag(m_ramUsed, m_ramBase + 8.0 * gpuUtil + 5.0 * cpuUtil, dt, 5.0) + 10.0 * gaussian();
    m_ramUsed = std::clamp(m_ramUsed, 800.0, kRamTotalMb - 200.0);

    const double noise = 1.0 + 0.01 * gaussian();
    f.insert(QStringLiteral("cpu_util_pct"), round1(cpuUtil));
    f.insert(QStringLiteral("cpu_freq_mhz"), std::round(729 + (1510 - 729) * std::min(1.0, cpuUtil / 80.0)));
    f.insert(QStringLiteral("gpu_util_pct"), gpuUtil);
    f.insert(QStringLiteral("gpu_freq_mhz"), std::round(306 + (625 - 306) * std::min(1.0, gpuUtil / 70.0)));
    f.insert(QStringLiteral("ram_used_mb"), std::round(m_ramUsed));
    f.insert(QStringLiteral("ram_total_mb"), kRamTotalMb);
    f.insert(QStringLiteral("cpu_temp_c"), cpuTemp);
    f.insert(QStringLiteral("gpu_temp_c"), gpuTemp);
    f.insert(QStringLiteral("soc_temp_c"), socTemp);
    f.insert(QStringLiteral("tj_temp_c"), tj);
    f.insert(QStringLiteral("power_vdd_in_mw"), std::round(pIn * 1000.0 * noise));
    f.insert(QStringLiteral("power_vdd_cpu_gpu_cv_mw"), std::round((pCpu + pGpu) * 1000.0 * noise));
    f.insert(QStringLiteral("power_vdd_soc_mw"), std::round(pSoc * 1000.0 * noise));
    f.insert(QStringLiteral("fan_pwm_pct"), std::round(m_fanPwm));
    f.insert(QStringLiteral("fan_rpm"), fanRpm);
    return f;
}

} // namespace Sightline
