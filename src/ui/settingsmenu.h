#pragma once

#include <QMenu>

class QAction;

namespace Sightline {

class DisplayPreferences;

// The Settings menu: Theme ▸ System / Light / Dark (one checked) and "Show
// times in UTC". Bound both ways to a DisplayPreferences (not owned; must
// outlive the menu): the actions set the preferences, and a change made
// elsewhere (load() at start) checks the matching action.
class SettingsMenu : public QMenu
{
    Q_OBJECT

public:
    explicit SettingsMenu(DisplayPreferences *preferences, QWidget *parent = nullptr);
    ~SettingsMenu() override;

    QAction *systemThemeAction() const { return m_system; }
    QAction *lightThemeAction() const { return m_light; }
    QAction *darkThemeAction() const { return m_dark; }
    QAction *utcAction() const { return m_utc; }

private:
    void showTheme();

    DisplayPreferences *m_preferences = nullptr;
    QAction *m_system = nullptr;
    QAction *m_light = nullptr;
    QAction *m_dark = nullptr;
    QAction *m_utc = nullptr;
};

} // namespace Sightline
