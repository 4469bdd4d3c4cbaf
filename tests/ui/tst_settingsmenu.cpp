#include "ui/displaypreferences.h"
#include "ui/settingsmenu.h"

#include <QAction>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

class tst_SettingsMenu : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsThePreferences();
    void actionsSetThePreferences();
    void followsChangesMadeElsewhere();
};

void tst_SettingsMenu::showsThePreferences()
{
    DisplayPreferences preferences;
    preferences.setTheme(ThemeChoice::Dark);
    preferences.setUtc(true);
    SettingsMenu menu(&preferences);
    QVERIFY(menu.darkThemeAction()->isChecked());
    QVERIFY(!menu.lightThemeAction()->isChecked());
    QVERIFY(!menu.systemThemeAction()->isChecked());
    QVERIFY(menu.utcAction()->isChecked());
}

void tst_SettingsMenu::actionsSetThePreferences()
{
    DisplayPreferences preferences;
    SettingsMenu menu(&preferences);
    QVERIFY(menu.systemThemeAction()->isChecked());
    QSignalSpy themeSpy(&preferences, &DisplayPreferences::themeChanged);
    menu.lightThemeAction()->trigger();
    QCOMPARE(preferences.theme(), ThemeChoice::Light);
    QVERIFY(!menu.systemThemeAction()->isChecked()); // one theme checked at a time
    menu.darkThemeAction()->trigger();
    QCOMPARE(preferences.theme(), ThemeChoice::Dark);
    QCOMPARE(themeSpy.count(), 2);
    menu.utcAction()->trigger();
    QVERIFY(preferences.isUtc());
    menu.utcAction()->trigger();
    QVERIFY(!preferences.isUtc());
}

void tst_SettingsMenu::followsChangesMadeElsewhere()
{
    DisplayPreferences preferences;
    SettingsMenu menu(&preferences);
    preferences.setTheme(ThemeChoice::Light);
    QVERIFY(menu.lightThemeAction()->isChecked());
    QVERIFY(!menu.systemThemeAction()->isChecked());
    preferences.setUtc(true);
    QVERIFY(menu.utcAction()->isChecked());
}

QTEST_MAIN(tst_SettingsMenu)
#include "tst_settingsmenu.moc"
