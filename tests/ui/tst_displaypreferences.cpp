#include "ui/displaypreferences.h"

#include <QDateTime>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Sightline;

namespace {

// 2023-11-14 22:13:20.250 UTC.
constexpr qint64 kMoment = Q_INT64_C(1700000000250);

} // namespace

class tst_DisplayPreferences : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void defaults();
    void saveLoadRoundTrip_data();
    void saveLoadRoundTrip();
    void loadEmitsOnlyChanges();
    void unknownThemeIsKept();
    void themeNames();
    void formatInUtc();
    void formatInLocalTime();
    void formatFollowsPreference();

private:
    QTemporaryDir m_dir;
    QString settingsFile(const QString &name) const { return m_dir.filePath(name + QStringLiteral(".ini")); }
};

void tst_DisplayPreferences::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The local-time test runs with TZ set (CMakeLists.txt): an offset that
    // is not whole hours, so a local time cannot pass for UTC by chance.
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(kMoment);
    QVERIFY2(local.offsetFromUtc() != 0, "the test needs a local time zone other than UTC (TZ)");
}

void tst_DisplayPreferences::defaults()
{
    DisplayPreferences preferences;
    QCOMPARE(preferences.theme(), ThemeChoice::System);
    QCOMPARE(preferences.isUtc(), false);
}

void tst_DisplayPreferences::saveLoadRoundTrip_data()
{
    QTest::addColumn<int>("theme");
    QTest::addColumn<bool>("utc");
    QTest::newRow("dark in UTC") << int(ThemeChoice::Dark) << true;
    QTest::newRow("light in local time") << int(ThemeChoice::Light) << false;
    QTest::newRow("system in UTC") << int(ThemeChoice::System) << true;
}

void tst_DisplayPreferences::saveLoadRoundTrip()
{
    QFETCH(int, theme);
    QFETCH(bool, utc);
    const QString file = settingsFile(QString::fromLatin1(QTest::currentDataTag()));
    {
        DisplayPreferences preferences;
        preferences.setTheme(static_cast<ThemeChoice>(theme));
        preferences.setUtc(utc);
        QSettings settings(file, QSettings::IniFormat);
        preferences.save(settings);
        settings.sync();
        QCOMPARE(settings.value(QStringLiteral("appearance/theme")).toString(),
                 themeChoiceName(static_cast<ThemeChoice>(theme)));
        QCOMPARE(settings.value(QStringLiteral("appearance/utc")).toBool(), utc);
    }
    DisplayPreferences loaded;
    // Start from the opposite so a load that does nothing fails.
    loaded.setTheme(theme == int(ThemeChoice::Dark) ? ThemeChoice::Light : ThemeChoice::Dark);
    loaded.setUtc(!utc);
    const QSettings settings(file, QSettings::IniFormat);
    loaded.load(settings);
    QCOMPARE(int(loaded.theme()), theme);
    QCOMPARE(loaded.isUtc(), utc);
}

void tst_DisplayPreferences::loadEmitsOnlyChanges()
{
    QSettings settings(settingsFile(QStringLiteral("signals")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("appearance/theme"), QStringLiteral("dark"));
    settings.setValue(QStringLiteral("appearance/utc"), false);
    DisplayPreferences preferences;
    QSignalSpy themeSpy(&preferences, &DisplayPreferences::themeChanged);
    QSignalSpy utcSpy(&preferences, &DisplayPreferences::utcChanged);
    preferences.load(settings);
    QCOMPARE(themeSpy.count(), 1);
    QCOMPARE(themeSpy.at(0).at(0).value<ThemeChoice>(), ThemeChoice::Dark);
    QCOMPARE(utcSpy.count(), 0); // false already
    preferences.load(settings);
    QCOMPARE(themeSpy.count(), 1);
    preferences.setUtc(true);
    QCOMPARE(utcSpy.count(), 1);
    QCOMPARE(utcSpy.at(0).at(0).toBool(), true);
}

void tst_DisplayPreferences::unknownThemeIsKept()
{
    QSettings settings(settingsFile(QStringLiteral("unknown")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("appearance/theme"), QStringLiteral("solarized"));
    DisplayPreferences preferences;
    preferences.setTheme(ThemeChoice::Light);
    QTest::ignoreMessage(QtWarningMsg,
                         "settings: appearance/theme is solarized (expected system, light or dark); keeping light");
    preferences.load(settings);
    QCOMPARE(preferences.theme(), ThemeChoice::Light);
}

void tst_DisplayPreferences::themeNames()
{
    for (ThemeChoice choice : {ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark}) {
        ThemeChoice back = choice == ThemeChoice::Dark ? ThemeChoice::Light : ThemeChoice::Dark;
        QVERIFY(themeChoiceFromName(themeChoiceName(choice), &back));
        QCOMPARE(back, choice);
    }
    ThemeChoice untouched = ThemeChoice::Dark;
    QVERIFY(!themeChoiceFromName(QStringLiteral("Dark"), &untouched)); // names are exact
    QVERIFY(!themeChoiceFromName(QString(), &untouched));
    QCOMPARE(untouched, ThemeChoice::Dark);
}

void tst_DisplayPreferences::formatInUtc()
{
    QCOMPARE(formatTimeOfDay(kMoment, true), QStringLiteral("22:13:20 UTC"));
    QCOMPARE(formatTimeOfDay(kMoment, true, true), QStringLiteral("22:13:20.250 UTC"));
    for (QLocale::FormatType format : {QLocale::ShortFormat, QLocale::LongFormat}) {
        QCOMPARE(formatTimestamp(kMoment, true, format),
                 QLocale().toString(QDate(2023, 11, 14), format) + QStringLiteral(" 22:13:20 UTC"));
    }
}

void tst_DisplayPreferences::formatInLocalTime()
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(kMoment).toLocalTime();
    const QString time = local.time().toString(QStringLiteral("HH:mm:ss"));
    QCOMPARE(formatTimeOfDay(kMoment, false), time);
    QVERIFY(formatTimeOfDay(kMoment, false) != QStringLiteral("22:13:20"));
    QCOMPARE(formatTimeOfDay(kMoment, false, true), time + QStringLiteral(".250"));
    QCOMPARE(formatTimestamp(kMoment, false), QLocale().toString(local.date(), QLocale::ShortFormat) + QLatin1Char(' ') + time);
    QVERIFY(!formatTimestamp(kMoment, false).contains(QStringLiteral("UTC")));
}

void tst_DisplayPreferences::formatFollowsPreference()
{
    DisplayPreferences preferences;
    QCOMPARE(preferences.formatTimeOfDay(kMoment), formatTimeOfDay(kMoment, false));
    QCOMPARE(preferences.formatTimestamp(kMoment, QLocale::LongFormat), formatTimestamp(kMoment, false, QLocale::LongFormat));
    preferences.setUtc(true);
    QCOMPARE(preferences.formatTimeOfDay(kMoment, true), QStringLiteral("22:13:20.250 UTC"));
    QCOMPARE(preferences.formatTimestamp(kMoment), formatTimestamp(kMoment, true));
}

QTEST_GUILESS_MAIN(tst_DisplayPreferences)
#include "tst_displaypreferences.moc"
