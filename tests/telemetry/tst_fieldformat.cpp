// fieldformat (issue 14): one precision per field, thousands separators of
// the user's locale, and mW / MB shown as W / GB where that reads better.
#include "telemetry/fieldformat.h"

#include <QLocale>
#include <QTest>

using namespace Sightline;

class tst_FieldFormat : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void values_data();
    void values();
    void onePrecisionPerField_data();
    void onePrecisionPerField();
    void unitsAndLabels_data();
    void unitsAndLabels();
    void ages_data();
    void ages();
};

void tst_FieldFormat::cleanup()
{
    QLocale::setDefault(QLocale::c());
}

void tst_FieldFormat::values_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");

    const QString us = QStringLiteral("en_US");
    const QString de = QStringLiteral("de_DE");
    QTest::newRow("whole temperature keeps its decimal") << us << "cpu_temp_c" << 41.0 << QStringLiteral("41.0°C");
    QTest::newRow("temperature") << us << "cpu_temp_c" << 46.14 << QStringLiteral("46.1°C");
    QTest::newRow("negative temperature") << us << "soc_temp_c" << -4.25 << QStringLiteral("-4.3°C");
    QTest::newRow("temperature rounding to zero") << us << "soc_temp_c" << -0.04 << QStringLiteral("0.0°C");
    QTest::newRow("percent") << us << "gpu_util_pct" << 31.0 << QStringLiteral("31%");
    QTest::newRow("fractional percent") << us << "gpu_util_pct" << 31.6 << QStringLiteral("32%");
    QTest::newRow("milliwatts with a separator") << us << "power_mw" << 5120.0 << QStringLiteral("5,120 mW");
    QTest::newRow("just below watts") << us << "power_mw" << 9999.0 << QStringLiteral("9,999 mW");
    QTest::newRow("milliwatts as watts") << us << "power_vdd_in_mw" << 17500.0 << QStringLiteral("17.5 W");
    QTest::newRow("watts") << us << "board_w" << 12.0 << QStringLiteral("12.0 W");
    QTest::newRow("megabytes") << us << "ram_used_mb" << 3012.0 << QStringLiteral("3,012 MB");
    QTest::newRow("megabytes as gigabytes") << us << "ram_total_mb" << 30536.0 << QStringLiteral("29.8 GB");
    QTest::newRow("megahertz") << us << "cpu_freq_mhz" << 1984.0 << QStringLiteral("1,984 MHz");
    QTest::newRow("rpm") << us << "fan_rpm" << 2400.0 << QStringLiteral("2,400 rpm");
    QTest::newRow("no unit") << us << "load" << 3.0 << QStringLiteral("3.00");
    QTest::newRow("German milliwatts") << de << "power_mw" << 5120.0 << QStringLiteral("5.120 mW");
    QTest::newRow("German watts") << de << "power_mw" << 17500.0 << QStringLiteral("17,5 W");
    QTest::newRow("German temperature") << de << "cpu_temp_c" << 46.14 << QStringLiteral("46,1°C");
}

void tst_FieldFormat::values()
{
    QFETCH(QString, locale);
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, expected);
    QLocale::setDefault(QLocale(locale));
    QCOMPARE(formatFieldValue(field, value), expected);
}

void tst_FieldFormat::onePrecisionPerField_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QList<double>>("values");
    QTest::newRow("temperatures") << "cpu_temp_c" << QList<double>{41, 46.1, 47.55, 100, 0.5};
    QTest::newRow("milliwatts") << "power_mw" << QList<double>{0, 512.5, 5120, 9999};
    QTest::newRow("watts from milliwatts") << "power_mw" << QList<double>{10000, 17500, 23456.7};
    QTest::newRow("percent") << "gpu_util_pct" << QList<double>{0, 0.4, 31, 99.9};
}

void tst_FieldFormat::onePrecisionPerField()
{
    // "41°C" next to "46.1°C": the same field always has as many decimals.
    QFETCH(QString, field);
    QFETCH(QList<double>, values);
    QLocale::setDefault(QLocale(QStringLiteral("en_US")));
    qsizetype decimals = -1;
    for (double value : values) {
        const QString text = formatFieldValue(field, value);
        const qsizetype dot = text.indexOf(QLatin1Char('.'));
        qsizetype digits = 0;
        if (dot >= 0)
            while (dot + 1 + digits < text.size() && text.at(dot + 1 + digits).isDigit())
                ++digits;
        if (decimals < 0)
            decimals = digits;
        QVERIFY2(digits == decimals, qPrintable(QStringLiteral("%1 has %2 decimals, not %3").arg(text).arg(digits).arg(decimals)));
    }
}

void tst_FieldFormat::unitsAndLabels_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<QString>("label");
    QTest::newRow("temperature") << "cpu_temp_c" << QStringLiteral("°C") << "CPU temp";
    QTest::newRow("power rail") << "power_vdd_soc_mw" << "mW" << "Power VDD SOC";
    QTest::newRow("no unit") << "load" << QString() << "Load";
}

void tst_FieldFormat::unitsAndLabels()
{
    QFETCH(QString, field);
    QFETCH(QString, unit);
    QFETCH(QString, label);
    QCOMPARE(fieldUnit(field), unit);
    QCOMPARE(fieldLabel(field), label);
}

void tst_FieldFormat::ages_data()
{
    QTest::addColumn<qint64>("ageMs");
    QTest::addColumn<QString>("expected");
    QTest::newRow("never") << qint64(-1) << "never";
    QTest::newRow("just now") << qint64(400) << "just now";
    QTest::newRow("seconds") << qint64(4000) << "4 s ago";
    QTest::newRow("minutes") << qint64(3 * 60000) << "3 min ago";
    QTest::newRow("hours") << qint64(2 * 3600000) << "2 h ago";
}

void tst_FieldFormat::ages()
{
    QFETCH(qint64, ageMs);
    QFETCH(QString, expected);
    QCOMPARE(formatAge(ageMs), expected);
}

QTEST_APPLESS_MAIN(tst_FieldFormat)
#include "tst_fieldformat.moc"
