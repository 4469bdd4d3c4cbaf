#include "telemetry/namepattern.h"

#include <QTest>

using namespace Sightline;

class tst_NamePattern : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void emptyListMeansAll();
    void filterKeepsOrder();
};

void tst_NamePattern::matches_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("expected");

    QTest::newRow("exact name") << "jetson-01" << "jetson-01" << true;
    QTest::newRow("other name") << "jetson-01" << "jetson-02" << false;
    QTest::newRow("prefix of the name is not the name") << "jetson" << "jetson-01" << false;
    QTest::newRow("star alone matches anything") << "*" << "gpu_temp_c" << true;
    QTest::newRow("star matches the empty name") << "*" << "" << true;
    QTest::newRow("trailing star") << "jetson-*" << "jetson-17" << true;
    QTest::newRow("leading star") << "*_temp_c" << "cpu_temp_c" << true;
    QTest::newRow("leading star, other suffix") << "*_temp_c" << "cpu_util_pct" << false;
    QTest::newRow("star in the middle") << "gpu_*_c" << "gpu_temp_c" << true;
    QTest::newRow("two stars") << "*temp*" << "soc_temp_max_c" << true;
    QTest::newRow("star must backtrack") << "*_c" << "a_c_b_c" << true;
    QTest::newRow("star must backtrack, no match") << "*_c" << "a_c_b_d" << false;
    QTest::newRow("case matters") << "GPU_*" << "gpu_temp_c" << false;
    QTest::newRow("question mark is a plain character") << "gpu?" << "gpu1" << false;
    QTest::newRow("dot is a plain character") << "power.vdd" << "powerXvdd" << false;
    QTest::newRow("empty pattern matches only the empty name") << "" << "x" << false;
}

void tst_NamePattern::matches()
{
    QFETCH(QString, pattern);
    QFETCH(QString, name);
    QFETCH(bool, expected);
    QCOMPARE(matchesNamePattern(pattern, name), expected);
}

void tst_NamePattern::emptyListMeansAll()
{
    QVERIFY(matchesAnyNamePattern({}, QStringLiteral("anything")));
    QVERIFY(matchesAnyNamePattern({QStringLiteral("a*"), QStringLiteral("b")}, QStringLiteral("b")));
    QVERIFY(!matchesAnyNamePattern({QStringLiteral("a*"), QStringLiteral("b")}, QStringLiteral("c")));
}

void tst_NamePattern::filterKeepsOrder()
{
    const QStringList names{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_util_pct"), QStringLiteral("cpu_temp_c")};
    QCOMPARE(filterByNamePatterns({QStringLiteral("*temp*")}, names),
             (QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c")}));
    QCOMPARE(filterByNamePatterns({}, names), names);
}

QTEST_APPLESS_MAIN(tst_NamePattern)
#include "tst_namepattern.moc"
