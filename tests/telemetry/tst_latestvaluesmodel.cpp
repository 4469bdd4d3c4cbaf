#include "telemetry/latestvaluesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

namespace {

TelemetryData point(const char *device, qint64 ts, std::initializer_list<std::pair<const char *, double>> fields)
{
    TelemetryData p;
    p.deviceId = QString::fromLatin1(device);
    p.tsMs = ts;
    for (const auto &f : fields)
        p.fields.insert(QString::fromLatin1(f.first), f.second);
    return p;
}

} // namespace

class tst_LatestValuesModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestValueWins();
    void filterByDevice();
    void formatting_data();
    void formatting();
};

void tst_LatestValuesModel::newestValueWins()
{
    LatestValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyPoint(point("d2", 2000, {{"cpu_temp_c", 50}, {"power_mw", 5000}}));
    model.applyPoint(point("d1", 2000, {{"cpu_temp_c", 40}}));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0).data(LatestValuesModel::DeviceIdRole).toString(), QStringLiteral("d1"));
    const int row = model.rowOf(QStringLiteral("d2"), QStringLiteral("cpu_temp_c"));
    QCOMPARE(row, 1);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyPoint(point("d2", 3000, {{"cpu_temp_c", 51}}));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(row).data(LatestValuesModel::ValueRole).toDouble(), 51.0);
    // An older point (history arriving late) does not overwrite the newest value.
    model.applyPoint(point("d2", 1000, {{"cpu_temp_c", 10}}));
    QCOMPARE(model.index(row).data(LatestValuesModel::ValueRole).toDouble(), 51.0);
    QCOMPARE(model.index(row).data(LatestValuesModel::TimestampRole).toLongLong(), qint64(3000));
}

void tst_LatestValuesModel::filterByDevice()
{
    LatestValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyPoint(point("d1", 1, {{"a", 1}, {"b", 2}}));
    model.applyPoint(point("d2", 1, {{"a", 3}}));
    QCOMPARE(model.rowCount(), 3); // every device until told otherwise
    model.setShownDevices({QStringLiteral("d2")});
    QCOMPARE(model.rowCount(), 1);
    model.applyPoint(point("d1", 2, {{"c", 4}})); // hidden device: kept, not shown
    QCOMPARE(model.rowCount(), 1);
    model.applyPoint(point("d2", 2, {{"b", 5}}));
    QCOMPARE(model.rowCount(), 2);
    model.setShownDevices({});
    QCOMPARE(model.rowCount(), 0);
    model.showAllDevices();
    QCOMPARE(model.rowCount(), 5);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_LatestValuesModel::formatting_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("formatted");
    QTest::newRow("temperature") << QStringLiteral("cpu_temp_c") << 47.5 << QStringLiteral("CPU temp") << QStringLiteral("47.5°C");
    QTest::newRow("percent") << QStringLiteral("gpu_util_pct") << 31.0 << QStringLiteral("GPU util") << QStringLiteral("31%");
    QTest::newRow("milliwatts") << QStringLiteral("power_mw") << 5120.0 << QStringLiteral("Power") << QStringLiteral("5,120 mW");
    QTest::newRow("no unit") << QStringLiteral("fan") << 0.25 << QStringLiteral("Fan") << QStringLiteral("0.25");
    QTest::newRow("indexed acronym") << QStringLiteral("cpu0_util_pct") << 10.0 << QStringLiteral("CPU0 util") << QStringLiteral("10%");
    QTest::newRow("acronym later in the name") << QStringLiteral("fan_pwm_pct") << 39.0 << QStringLiteral("Fan PWM") << QStringLiteral("39%");
    QTest::newRow("megahertz") << QStringLiteral("gpu_freq_mhz") << 365.0 << QStringLiteral("GPU freq") << QStringLiteral("365 MHz");
}

void tst_LatestValuesModel::formatting()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, label);
    QFETCH(QString, formatted);
    LatestValuesModel model;
    TelemetryData p;
    p.deviceId = QStringLiteral("d");
    p.fields.insert(field, value);
    model.applyPoint(p);
    QCOMPARE(model.index(0).data(LatestValuesModel::LabelRole).toString(), label);
    QCOMPARE(model.index(0).data(LatestValuesModel::FormattedValueRole).toString(), formatted);
}

QTEST_GUILESS_MAIN(tst_LatestValuesModel)
#include "tst_latestvaluesmodel.moc"
