// Tests of JetsonSimulator (issue 7): determinism for a seed, physical
// ranges, temperatures that follow load with lag, and the overheating
// episode that crosses the demo rule's 85 °C and cools down again.
#include "device/jetsonsimulator.h"

#include <QtTest>

#include <cmath>

using Sightline::DevicePoint;
using Sightline::JetsonSimulator;

namespace {

constexpr double kAlertThreshold = 85.0; // the demo rule "gpu_temp_c > 85"

QList<DevicePoint::Fields> run(const JetsonSimulator::Settings &settings, int steps, double dt = 1.0)
{
    JetsonSimulator simulator(settings);
    QList<DevicePoint::Fields> samples;
    samples.reserve(steps);
    for (int i = 0; i < steps; ++i)
        samples.append(simulator.step(dt));
    return samples;
}

double correlation(const QList<double> &a, const QList<double> &b)
{
    const qsizetype n = a.size();
    double meanA = 0, meanB = 0;
    for (qsizetype i = 0; i < n; ++i) {
        meanA += a[i];
        meanB += b[i];
    }
    meanA /= n;
    meanB /= n;
    double cov = 0, varA = 0, varB = 0;
    for (qsizetype i = 0; i < n; ++i) {
        cov += (a[i] - meanA) * (b[i] - meanB);
        varA += (a[i] - meanA) * (a[i] - meanA);
        varB += (b[i] - meanB) * (b[i] - meanB);
    }
    return cov / std::sqrt(varA * varB);
}

} // namespace

class tst_JetsonSimulator : public QObject
{
    Q_OBJECT

private slots:
    void sameSeedGivesSameSignals_data();
    void sameSeedGivesSameSignals();
    void differentSeedsGiveDifferentDevices();
    void valuesStayWithinPhysicalRanges_data();
    void valuesStayWithinPhysicalRanges();
    void temperaturesFollowLoadWithLag_data();
    void temperaturesFollowLoadWithLag();
    void overheatingCrossesThresholdThenCools_data();
    void overheatingCrossesThresholdThenCools();
    void staysBelowThresholdWithoutEpisodes_data();
    void staysBelowThresholdWithoutEpisodes();
};

void tst_JetsonSimulator::sameSeedGivesSameSignals_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<double>("overheatEvery");
    QTest::newRow("seed 1") << quint64(1) << 0.0;
    QTest::newRow("seed 42 with overheating") << quint64(42) << 120.0;
    QTest::newRow("seed above 32 bits") << (quint64(1) << 40 | 7) << 0.0;
}

void tst_JetsonSimulator::sameSeedGivesSameSignals()
{
    QFETCH(quint64, seed);
    QFETCH(double, overheatEvery);
    JetsonSimulator::Settings settings;
    settings.seed = seed;
    settings.overheatEverySeconds = overheatEvery;
    const QList<DevicePoint::Fields> first = run(settings, 600);
    const QList<DevicePoint::Fields> second = run(settings, 600);
    QCOMPARE(first.size(), 600);
    for (qsizetype i = 0; i < first.size(); ++i)
        QVERIFY2(first.at(i) == second.at(i), qPrintable(QStringLiteral("sample %1 differs").arg(i)));
}

void tst_JetsonSimulator::differentSeedsGiveDifferentDevices()
{
    JetsonSimulator::Settings a;
    a.seed = 1;
    JetsonSimulator::Settings b;
    b.seed = 2;
    const QList<DevicePoint::Fields> first = run(a, 60);
    const QList<DevicePoint::Fields> second = run(b, 60);
    int differing = 0;
    for (qsizetype i = 0; i < first.size(); ++i)
        differing += first.at(i) != second.at(i) ? 1 : 0;
    QCOMPARE(differing, 60);
}

void tst_JetsonSimulator::valuesStayWithinPhysicalRanges_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<double>("overheatEvery");
    QTest::addColumn<double>("dt");
    QTest::newRow("seed 1, one second steps") << quint64(1) << 0.0 << 1.0;
    QTest::newRow("seed 7, overheating every 5 minutes") << quint64(7) << 300.0 << 1.0;
    QTest::newRow("seed 99, fast 100 ms steps") << quint64(99) << 0.0 << 0.1;
    QTest::newRow("seed 3, slow 10 s steps with overheating") << quint64(3) << 600.0 << 10.0;
}

void tst_JetsonSimulator::valuesStayWithinPhysicalRanges()
{
    QFETCH(quint64, seed);
    QFETCH(double, overheatEvery);
    QFETCH(double, dt);
    JetsonSimulator::Settings settings;
    settings.seed = seed;
    settings.overheatEverySeconds = overheatEvery;
    const int steps = int(3600 / dt);
    const QList<DevicePoint::Fields> samples = run(settings, steps, dt);

    const QStringList expectedNames = {
        QStringLiteral("cpu0_util_pct"), QStringLiteral("cpu1_util_pct"), QStringLiteral("cpu2_util_pct"),
        QStringLiteral("cpu3_util_pct"), QStringLiteral("cpu4_util_pct"), QStringLiteral("cpu5_util_pct"),
        QStringLiteral("cpu_freq_mhz"), QStringLiteral("cpu_temp_c"), QStringLiteral("cpu_util_pct"),
        QStringLiteral("fan_pwm_pct"), QStringLiteral("fan_rpm"), QStringLiteral("gpu_freq_mhz"),
        QStringLiteral("gpu_temp_c"), QStringLiteral("gpu_util_pct"), QStringLiteral("power_vdd_cpu_gpu_cv_mw"),
        QStringLiteral("power_vdd_in_mw"), QStringLiteral("power_vdd_soc_mw"), QStringLiteral("ram_total_mb"),
        QStringLiteral("ram_used_mb"), QStringLiteral("soc_temp_c"), QStringLiteral("tj_temp_c")};

    for (qsizetype i = 0; i < samples.size(); ++i) {
        const DevicePoint::Fields &f = samples.at(i);
        const QString where = QStringLiteral("sample %1").arg(i);
        QCOMPARE(f.keys(), expectedNames);
        for (auto it = f.cbegin(); it != f.cend(); ++it) {
            QVERIFY2(std::isfinite(it.value()), qPrintable(where + QLatin1Char(' ') + it.key()));
            QVERIFY2(it.value() >= 0, qPrintable(where + QLatin1Char(' ') + it.key()));
            if (it.key().endsWith(QLatin1String("_util_pct")) || it.key() == QLatin1String("fan_pwm_pct"))
                QVERIFY2(it.value() <= 100, qPrintable(where + QLatin1Char(' ') + it.key()));
            if (it.key().endsWith(QLatin1String("_temp_c")))
                QVERIFY2(it.value() >= 15 && it.value() <= 105, qPrintable(where + QLatin1Char(' ') + it.key()));
        }
        QVERIFY(f.value(QStringLiteral("ram_used_mb")) > 500);
        QVERIFY(f.value(QStringLiteral("ram_used_mb")) < f.value(QStringLiteral("ram_total_mb")));
        QVERIFY(f.value(QStringLiteral("fan_rpm")) <= 5000);
        QVERIFY(f.value(QStringLiteral("cpu_freq_mhz")) >= 729 && f.value(QStringLiteral("cpu_freq_mhz")) <= 1510);
        QVERIFY(f.value(QStringLiteral("gpu_freq_mhz")) >= 306 && f.value(QStringLiteral("gpu_freq_mhz")) <= 625);
        // The input rail feeds the others: it is always the largest.
        QVERIFY2(f.value(QStringLiteral("power_vdd_in_mw"))
                     > f.value(QStringLiteral("power_vdd_cpu_gpu_cv_mw")) + f.value(QStringLiteral("power_vdd_soc_mw")),
                 qPrintable(where));
        QVERIFY(f.value(QStringLiteral("power_vdd_in_mw")) < 25000); // an Orin Nano peaks near 15 W
        // tj is the hottest spot of the die (rounding aside).
        QVERIFY2(f.value(QStringLiteral("tj_temp_c")) + 0.6 >= f.value(QStringLiteral("gpu_temp_c")), qPrintable(where));
    }
}

void tst_JetsonSimulator::temperaturesFollowLoadWithLag_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::newRow("seed 1") << quint64(1);
    QTest::newRow("seed 5") << quint64(5);
    QTest::newRow("seed 1234") << quint64(1234);
}

void tst_JetsonSimulator::temperaturesFollowLoadWithLag()
{
    QFETCH(quint64, seed);
    JetsonSimulator::Settings settings;
    settings.seed = seed;
    const QList<DevicePoint::Fields> samples = run(settings, 7200);

    // Load smoothed with the GPU's thermal time constant explains the
    // temperature; the raw load explains it less (that is the lag).
    QList<double> rawLoad, smoothedLoad, temp;
    double smoothed = samples.first().value(QStringLiteral("gpu_util_pct"));
    double largestTempStep = 0;
    double largestLoadStep = 0;
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const double load = samples.at(i).value(QStringLiteral("gpu_util_pct"));
        smoothed += (load - smoothed) * (1.0 - std::exp(-1.0 / 15.0));
        rawLoad.append(load);
        smoothedLoad.append(smoothed);
        temp.append(samples.at(i).value(QStringLiteral("gpu_temp_c")));
        if (i > 0) {
            largestTempStep = std::max(largestTempStep, std::abs(temp[i] - temp[i - 1]));
            largestLoadStep = std::max(largestLoadStep, std::abs(load - rawLoad[i - 1]));
        }
    }
    const double lagged = correlation(smoothedLoad, temp);
    const double instant = correlation(rawLoad, temp);
    QVERIFY2(lagged > 0.8, qPrintable(QStringLiteral("correlation with smoothed load %1").arg(lagged)));
    QVERIFY2(lagged > instant, qPrintable(QStringLiteral("smoothed %1, instant %2").arg(lagged).arg(instant)));
    // Loads jump (bursts), temperatures do not.
    QVERIFY2(largestLoadStep > 20, qPrintable(QString::number(largestLoadStep)));
    QVERIFY2(largestTempStep < 5, qPrintable(QString::number(largestTempStep)));
}

void tst_JetsonSimulator::overheatingCrossesThresholdThenCools_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<double>("every");
    QTest::addColumn<double>("length");
    QTest::newRow("default 60 s episodes every 5 minutes") << quint64(1) << 300.0 << 60.0;
    QTest::newRow("another device") << quint64(77) << 300.0 << 60.0;
    QTest::newRow("short 40 s episodes every 2 minutes") << quint64(3) << 120.0 << 40.0;
}

void tst_JetsonSimulator::overheatingCrossesThresholdThenCools()
{
    QFETCH(quint64, seed);
    QFETCH(double, every);
    QFETCH(double, length);
    JetsonSimulator::Settings settings;
    settings.seed = seed;
    settings.overheatEverySeconds = every;
    settings.overheatForSeconds = length;
    const int episodes = 3;
    const QList<DevicePoint::Fields> samples = run(settings, int(every * (episodes + 1)));
    auto gpuTempAt = [&](int second) { return samples.at(second - 1).value(QStringLiteral("gpu_temp_c")); };

    for (int s = 1; s < int(every); ++s)
        QVERIFY2(gpuTempAt(s) < kAlertThreshold, qPrintable(QStringLiteral("hot before any episode at %1 s").arg(s)));
    for (int k = 1; k <= episodes; ++k) {
        const int start = int(every * k);
        double peak = 0;
        for (int s = start; s < start + int(length); ++s)
            peak = std::max(peak, gpuTempAt(s));
        QVERIFY2(peak > kAlertThreshold, qPrintable(QStringLiteral("episode %1 peaked at %2").arg(k).arg(peak)));
        QVERIFY2(peak < 105, qPrintable(QString::number(peak)));
        // Cooled below the threshold well before the next episode.
        const int cooled = start + int(length) + 30;
        for (int s = cooled; s < start + int(every); ++s)
            QVERIFY2(gpuTempAt(s) < kAlertThreshold, qPrintable(QStringLiteral("still hot at %1 s").arg(s)));
        // The fan stalls during the episode.
        QCOMPARE(samples.at(start + 5).value(QStringLiteral("fan_rpm")), 0.0);
    }
}

void tst_JetsonSimulator::staysBelowThresholdWithoutEpisodes_data()
{
    QTest::addColumn<quint64>("seed");
    for (quint64 seed : {1, 2, 3, 4, 5, 6, 7, 8})
        QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
}

void tst_JetsonSimulator::staysBelowThresholdWithoutEpisodes()
{
    QFETCH(quint64, seed);
    JetsonSimulator::Settings settings;
    settings.seed = seed;
    const QList<DevicePoint::Fields> samples = run(settings, 4 * 3600);
    double hottest = 0;
    for (const DevicePoint::Fields &f : samples)
        hottest = std::max(hottest, f.value(QStringLiteral("gpu_temp_c")));
    // Busy at times, but never near the alert: the demo alert fires only
    // when asked for.
    QVERIFY2(hottest < kAlertThreshold - 5, qPrintable(QString::number(hottest)));
    QVERIFY2(hottest > 45, qPrintable(QString::number(hottest))); // bursts do heat it
}

QTEST_GUILESS_MAIN(tst_JetsonSimulator)
#include "tst_jetsonsimulator.moc"
