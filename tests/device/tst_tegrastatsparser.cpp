// Tests of TegrastatsParser (issue 7) against sample lines for several Jetson
// models in data/, written from NVIDIA's tegrastats documentation (L4T R24
// to Jetson Linux R36 layouts).
#include "device/tegrastatsparser.h"

#include <QDir>
#include <QFile>
#include <QtTest>

using Sightline::DevicePoint;
using Sightline::TegrastatsParser;

namespace {

QStringList sampleLines(const QString &fileName)
{
    QFile file(QStringLiteral(SIGHTLINE_DEVICE_TEST_DATA "/") + fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QString::fromUtf8(line));
    }
    return lines;
}

QVariantMap fields(std::initializer_list<std::pair<const char *, double>> list)
{
    QVariantMap map;
    for (const auto &entry : list)
        map.insert(QString::fromLatin1(entry.first), entry.second);
    return map;
}

} // namespace

class tst_TegrastatsParser : public QObject
{
    Q_OBJECT

private slots:
    void parsesSampleLine_data();
    void parsesSampleLine();
    void everySampleLineHasARow();
    void rejectsLinesWithoutStatistics_data();
    void rejectsLinesWithoutStatistics();
    void warnsAboutUnknownTokens();
    void keepsAtMost64Fields();
};

void tst_TegrastatsParser::parsesSampleLine_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<QVariantMap>("expected");

    QTest::newRow("Jetson Nano R32 idle") << "jetson-nano.txt" << 0 << fields({
        {"ram_used_mb", 1735}, {"ram_total_mb", 3956}, {"swap_used_mb", 0}, {"swap_total_mb", 1978},
        {"swap_cached_mb", 0}, {"iram_used_kb", 0}, {"iram_total_kb", 252},
        {"cpu0_util_pct", 12}, {"cpu1_util_pct", 6}, {"cpu2_util_pct", 3}, {"cpu3_util_pct", 4},
        {"cpu_cores_online", 4}, {"cpu_util_pct", 6.3}, {"cpu_freq_mhz", 1479},
        {"emc_util_pct", 3}, {"emc_freq_mhz", 1600}, {"gpu_util_pct", 0}, {"gpu_freq_mhz", 921},
        {"ape_freq_mhz", 25}, {"pll_temp_c", 31.5}, {"cpu_temp_c", 34}, {"pmic_temp_c", 100},
        {"gpu_temp_c", 32.5}, {"ao_temp_c", 40}, {"thermal_temp_c", 33.25},
        {"power_pom_5v_in_mw", 2359}, {"power_pom_5v_gpu_mw", 0}, {"power_pom_5v_cpu_mw", 358}});
    QTest::newRow("Jetson Nano R32 two cores off, GPU busy") << "jetson-nano.txt" << 1 << fields({
        {"ram_used_mb", 2210}, {"ram_total_mb", 3956}, {"swap_used_mb", 15}, {"swap_total_mb", 1978},
        {"swap_cached_mb", 1}, {"iram_used_kb", 0}, {"iram_total_kb", 252},
        {"cpu0_util_pct", 48}, {"cpu1_util_pct", 52}, {"cpu_cores_online", 2}, {"cpu_util_pct", 50},
        {"cpu_freq_mhz", 1479}, {"emc_util_pct", 21}, {"emc_freq_mhz", 1600}, {"gpu_util_pct", 99},
        {"gpu_freq_mhz", 921}, {"ape_freq_mhz", 25}, {"pll_temp_c", 38}, {"cpu_temp_c", 41.5},
        {"pmic_temp_c", 100}, {"gpu_temp_c", 43.5}, {"ao_temp_c", 45.5}, {"thermal_temp_c", 42.25},
        {"power_pom_5v_in_mw", 6384}, {"power_pom_5v_gpu_mw", 2815}, {"power_pom_5v_cpu_mw", 1227}});
    QTest::newRow("Jetson TX1 R24 shared CPU frequency") << "jetson-tx1.txt" << 0 << fields({
        {"ram_used_mb", 1563}, {"ram_total_mb", 3983}, {"swap_used_mb", 0}, {"swap_total_mb", 0},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 17}, {"cpu1_util_pct", 13}, {"cpu2_util_pct", 29},
        {"cpu3_util_pct", 5}, {"cpu_cores_online", 4}, {"cpu_util_pct", 16}, {"cpu_freq_mhz", 408},
        {"emc_util_pct", 1}, {"emc_freq_mhz", 408}, {"ape_freq_mhz", 25}, {"gpu_util_pct", 3},
        {"gpu_freq_mhz", 76}});
    QTest::newRow("Jetson TX2 R28 with MTS and Denver cores off") << "jetson-tx2.txt" << 0 << fields({
        {"ram_used_mb", 1683}, {"ram_total_mb", 7854}, {"cpu0_util_pct", 0}, {"cpu3_util_pct", 0},
        {"cpu4_util_pct", 0}, {"cpu5_util_pct", 0}, {"cpu_cores_online", 4}, {"cpu_util_pct", 0},
        {"cpu_freq_mhz", 2035}, {"emc_util_pct", 0}, {"emc_freq_mhz", 1866}, {"gpu_util_pct", 0},
        {"gpu_freq_mhz", 1300}, {"ape_freq_mhz", 150}, {"bcpu_temp_c", 37.5}, {"mcpu_temp_c", 37.5},
        {"gpu_temp_c", 36}, {"pll_temp_c", 37.5}, {"tboard_temp_c", 33}, {"tdiode_temp_c", 36},
        {"pmic_temp_c", 100}, {"thermal_temp_c", 36.9}, {"cpu_temp_c", 37.5}, {"power_vdd_in_mw", 3008},
        {"power_vdd_cpu_mw", 382}, {"power_vdd_gpu_mw", 153}, {"power_vdd_soc_mw", 687},
        {"power_vdd_wifi_mw", 0}, {"power_vdd_ddr_mw", 268}});
    QTest::newRow("Jetson TX2 R32 CPU temperature from the hotter cluster") << "jetson-tx2.txt" << 1 << fields({
        {"ram_used_mb", 2127}, {"ram_total_mb", 7853}, {"swap_used_mb", 0}, {"swap_total_mb", 3926},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 9}, {"cpu3_util_pct", 4}, {"cpu4_util_pct", 2},
        {"cpu5_util_pct", 3}, {"cpu_cores_online", 4}, {"cpu_util_pct", 4.5}, {"cpu_freq_mhz", 345},
        {"emc_util_pct", 0}, {"emc_freq_mhz", 1866}, {"gpu_util_pct", 0}, {"gpu_freq_mhz", 114},
        {"ape_freq_mhz", 150}, {"pll_temp_c", 42.5}, {"mcpu_temp_c", 42.5}, {"pmic_temp_c", 100},
        {"tboard_temp_c", 38}, {"gpu_temp_c", 40}, {"bcpu_temp_c", 43}, {"thermal_temp_c", 41.6},
        {"tdiode_temp_c", 39.25}, {"cpu_temp_c", 43}, {"power_vdd_sys_gpu_mw", 152},
        {"power_vdd_sys_soc_mw", 609}, {"power_vdd_4v0_wifi_mw", 0}, {"power_vdd_in_mw", 2666},
        {"power_vdd_sys_cpu_mw", 152}, {"power_vdd_sys_ddr_mw", 386}});
    QTest::newRow("Xavier NX R32 power without units") << "xavier-nx.txt" << 0 << fields({
        {"ram_used_mb", 2448}, {"ram_total_mb", 7765}, {"swap_used_mb", 0}, {"swap_total_mb", 3883},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 4}, {"cpu1_util_pct", 2}, {"cpu2_util_pct", 1},
        {"cpu3_util_pct", 3}, {"cpu_cores_online", 4}, {"cpu_util_pct", 2.5}, {"cpu_freq_mhz", 1190},
        {"emc_util_pct", 0}, {"emc_freq_mhz", 1600}, {"gpu_util_pct", 0}, {"gpu_freq_mhz", 306},
        {"ape_freq_mhz", 150}, {"ao_temp_c", 34}, {"gpu_temp_c", 34.5}, {"pmic_temp_c", 100},
        {"aux_temp_c", 33.5}, {"cpu_temp_c", 35}, {"thermal_temp_c", 34.3}, {"power_vdd_in_mw", 3828},
        {"power_vdd_cpu_gpu_cv_mw", 530}, {"power_vdd_soc_mw", 1224}});
    QTest::newRow("Xavier NX R35 with date and mW") << "xavier-nx.txt" << 1 << fields({
        {"ram_used_mb", 3011}, {"ram_total_mb", 6854}, {"swap_used_mb", 12}, {"swap_total_mb", 3427},
        {"swap_cached_mb", 2}, {"cpu0_util_pct", 31}, {"cpu1_util_pct", 25}, {"cpu2_util_pct", 29},
        {"cpu3_util_pct", 40}, {"cpu_cores_online", 4}, {"cpu_util_pct", 31.3}, {"cpu_freq_mhz", 1420},
        {"emc_util_pct", 12}, {"emc_freq_mhz", 1600}, {"gpu_util_pct", 76}, {"gpu_freq_mhz", 1109},
        {"vic_util_pct", 0}, {"vic_freq_mhz", 115}, {"ape_freq_mhz", 150}, {"cpu_temp_c", 48.5},
        {"ao_temp_c", 43}, {"gpu_temp_c", 50}, {"pmic_temp_c", 50}, {"aux_temp_c", 44.5},
        {"thermal_temp_c", 47.2}, {"power_vdd_in_mw", 8921}, {"power_vdd_cpu_gpu_cv_mw", 4712},
        {"power_vdd_soc_mw", 1681}});
    QTest::newRow("AGX Orin R35 idle, absent sensors skipped") << "agx-orin.txt" << 0 << fields({
        {"ram_used_mb", 3456}, {"ram_total_mb", 30536}, {"swap_used_mb", 0}, {"swap_total_mb", 15268},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 2}, {"cpu1_util_pct", 0}, {"cpu2_util_pct", 0},
        {"cpu3_util_pct", 1}, {"cpu4_util_pct", 0}, {"cpu5_util_pct", 0}, {"cpu6_util_pct", 0},
        {"cpu7_util_pct", 0}, {"cpu_cores_online", 8}, {"cpu_util_pct", 0.4}, {"cpu_freq_mhz", 729},
        {"emc_util_pct", 0}, {"emc_freq_mhz", 2133}, {"gpu_util_pct", 0}, {"gpu_freq_mhz", 0},
        {"vic_freq_mhz", 729}, {"ape_freq_mhz", 174}, {"cpu_temp_c", 43.468}, {"tboard_temp_c", 32},
        {"soc2_temp_c", 39.781}, {"tdiode_temp_c", 33.25}, {"soc0_temp_c", 40.093}, {"tj_temp_c", 43.468},
        {"soc1_temp_c", 39.437}, {"soc_temp_c", 40.093}, {"power_vdd_gpu_soc_mw", 2392},
        {"power_vdd_cpu_cv_mw", 399}, {"power_vin_sys_5v0_mw", 2719}, {"power_vddq_vdd2_1v8ao_mw", 302}});
    QTest::newRow("AGX Orin R35 busy, two GPCs") << "agx-orin.txt" << 1 << fields({
        {"ram_used_mb", 9871}, {"ram_total_mb", 30536}, {"swap_used_mb", 0}, {"swap_total_mb", 15268},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 63}, {"cpu1_util_pct", 58}, {"cpu2_util_pct", 71},
        {"cpu3_util_pct", 66}, {"cpu4_util_pct", 49}, {"cpu5_util_pct", 55}, {"cpu6_util_pct", 60},
        {"cpu7_util_pct", 52}, {"cpu_cores_online", 8}, {"cpu_util_pct", 59.3}, {"cpu_freq_mhz", 2201},
        {"emc_util_pct", 34}, {"emc_freq_mhz", 3199}, {"gpu_util_pct", 98}, {"gpu_freq_mhz", 1300},
        {"nvenc_freq_mhz", 1075}, {"nvdec_freq_mhz", 1075}, {"vic_freq_mhz", 115}, {"ape_freq_mhz", 174},
        {"cv0_temp_c", 58.25}, {"cpu_temp_c", 63.156}, {"tboard_temp_c", 38}, {"soc2_temp_c", 59.5},
        {"tdiode_temp_c", 44.75}, {"soc0_temp_c", 60.281}, {"cv1_temp_c", 57.968}, {"gpu_temp_c", 68.718},
        {"tj_temp_c", 68.718}, {"soc1_temp_c", 59.812}, {"cv2_temp_c", 58.406}, {"soc_temp_c", 60.281},
        {"power_vdd_gpu_soc_mw", 17544}, {"power_vdd_cpu_cv_mw", 8781}, {"power_vin_sys_5v0_mw", 6412},
        {"power_vddq_vdd2_1v8ao_mw", 1932}});
    QTest::newRow("Orin Nano R36 idle, lower-case sensors") << "orin-nano.txt" << 0 << fields({
        {"ram_used_mb", 1806}, {"ram_total_mb", 7620}, {"swap_used_mb", 0}, {"swap_total_mb", 3810},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 1}, {"cpu1_util_pct", 0}, {"cpu2_util_pct", 0},
        {"cpu3_util_pct", 0}, {"cpu4_util_pct", 0}, {"cpu5_util_pct", 0}, {"cpu_cores_online", 6},
        {"cpu_util_pct", 0.2}, {"cpu_freq_mhz", 729}, {"emc_util_pct", 0}, {"emc_freq_mhz", 2133},
        {"gpu_util_pct", 0}, {"gpu_freq_mhz", 305}, {"ape_freq_mhz", 200}, {"cpu_temp_c", 46.312},
        {"soc2_temp_c", 44.875}, {"soc0_temp_c", 45.343}, {"gpu_temp_c", 44.656}, {"tj_temp_c", 46.312},
        {"soc1_temp_c", 44.437}, {"soc_temp_c", 45.343}, {"power_vdd_in_mw", 4351},
        {"power_vdd_cpu_gpu_cv_mw", 486}, {"power_vdd_soc_mw", 1337}});
    QTest::newRow("Orin Nano R36 busy") << "orin-nano.txt" << 1 << fields({
        {"ram_used_mb", 4102}, {"ram_total_mb", 7620}, {"swap_used_mb", 3}, {"swap_total_mb", 3810},
        {"swap_cached_mb", 0}, {"cpu0_util_pct", 55}, {"cpu1_util_pct", 61}, {"cpu2_util_pct", 48},
        {"cpu3_util_pct", 70}, {"cpu4_util_pct", 52}, {"cpu5_util_pct", 44}, {"cpu_cores_online", 6},
        {"cpu_util_pct", 55}, {"cpu_freq_mhz", 1510}, {"emc_util_pct", 28}, {"emc_freq_mhz", 3199},
        {"gpu_util_pct", 93}, {"gpu_freq_mhz", 624}, {"vic_util_pct", 19}, {"vic_freq_mhz", 115},
        {"ape_freq_mhz", 200}, {"cpu_temp_c", 58.125}, {"soc2_temp_c", 55.031}, {"soc0_temp_c", 56.5},
        {"gpu_temp_c", 61.843}, {"tj_temp_c", 61.843}, {"soc1_temp_c", 55.718}, {"soc_temp_c", 56.5},
        {"power_vdd_in_mw", 12876}, {"power_vdd_cpu_gpu_cv_mw", 6419}, {"power_vdd_soc_mw", 2512}});
}

void tst_TegrastatsParser::parsesSampleLine()
{
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(QVariantMap, expected);

    const QStringList lines = sampleLines(file);
    QVERIFY2(line < lines.size(), qPrintable(QStringLiteral("%1 has %2 lines").arg(file).arg(lines.size())));
    const TegrastatsParser::Result result = TegrastatsParser::parseLine(lines.at(line));
    QVERIFY2(result.isValid(), qPrintable(result.error));
    QVERIFY2(result.warnings.isEmpty(), qPrintable(result.warnings.join(QLatin1String("; "))));

    QStringList actualNames = result.fields.keys();
    QStringList expectedNames = expected.keys();
    QCOMPARE(actualNames, expectedNames); // both sorted: same set of fields
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QVERIFY2(DevicePoint::isValidFieldName(it.key()), qPrintable(it.key()));
        const double actual = result.fields.value(it.key());
        QVERIFY2(qFuzzyCompare(1.0 + actual, 1.0 + it.value().toDouble()),
                 qPrintable(QStringLiteral("%1: got %2, expected %3").arg(it.key()).arg(actual).arg(it.value().toDouble())));
    }
    QVERIFY(result.fields.size() <= DevicePoint::kMaxFields);
}

void tst_TegrastatsParser::everySampleLineHasARow()
{
    // parsesSampleLine_data() names each line of data/ once; a line added
    // there without expected values fails here.
    const QStringList files = QDir(QStringLiteral(SIGHTLINE_DEVICE_TEST_DATA)).entryList({QStringLiteral("*.txt")}, QDir::Files);
    QCOMPARE(files.size(), 6);
    qsizetype total = 0;
    for (const QString &file : files) {
        const QStringList lines = sampleLines(file);
        QVERIFY2(!lines.isEmpty(), qPrintable(file));
        total += lines.size();
    }
    QCOMPARE(total, qsizetype(11));
}

void tst_TegrastatsParser::rejectsLinesWithoutStatistics_data()
{
    QTest::addColumn<QString>("line");
    QTest::newRow("empty line") << QString();
    QTest::newRow("only spaces") << QStringLiteral("   \t ");
    QTest::newRow("a shell error") << QStringLiteral("bash: tegrastats: command not found");
    QTest::newRow("date alone") << QStringLiteral("11-22-2026 10:00:00");
    QTest::newRow("RAM without figures") << QStringLiteral("RAM lots");
    QTest::newRow("all sensors absent") << QStringLiteral("CV0@-256C GPU@-256C");
}

void tst_TegrastatsParser::rejectsLinesWithoutStatistics()
{
    QFETCH(QString, line);
    const TegrastatsParser::Result result = TegrastatsParser::parseLine(line);
    QVERIFY(!result.isValid());
    QVERIFY(result.fields.isEmpty());
    QCOMPARE(result.error, QStringLiteral("no tegrastats statistics in this line"));
}

void tst_TegrastatsParser::warnsAboutUnknownTokens()
{
    const TegrastatsParser::Result result =
        TegrastatsParser::parseLine(u"RAM 100/200MB (lfb 1x4MB) FROB zz GR3D_FREQ 5%@[10,20]");
    QVERIFY(result.isValid());
    QCOMPARE(result.fields.value(QStringLiteral("ram_used_mb")), 100.0);
    QCOMPARE(result.fields.value(QStringLiteral("gpu_util_pct")), 5.0);
    QCOMPARE(result.fields.value(QStringLiteral("gpu_freq_mhz")), 20.0);
    QCOMPARE(result.fields.size(), 4);
    QCOMPARE(result.warnings, QStringList{QStringLiteral("skipped unknown tokens: FROB zz")});
}

void tst_TegrastatsParser::keepsAtMost64Fields()
{
    QString line;
    for (int i = 0; i < 70; ++i)
        line += QStringLiteral("S%1@%2C ").arg(i).arg(30 + i);
    const TegrastatsParser::Result result = TegrastatsParser::parseLine(line);
    QVERIFY(result.isValid());
    QCOMPARE(result.fields.size(), DevicePoint::kMaxFields);
    // The first 64 in line order are kept.
    QVERIFY(result.fields.contains(QStringLiteral("s63_temp_c")));
    QVERIFY(!result.fields.contains(QStringLiteral("s64_temp_c")));
    QCOMPARE(result.warnings.size(), 1);
    QVERIFY(result.warnings.first().contains(QLatin1String("first 64 of 70")));
}

QTEST_GUILESS_MAIN(tst_TegrastatsParser)
#include "tst_tegrastatsparser.moc"
