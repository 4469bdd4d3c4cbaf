#include "ui/settingsmenu.h"

#include "ui/displaypreferences.h"

#include <QAction>
#include <QActionGroup>

namespace Sightline {

SettingsMenu::SettingsMenu(DisplayPreferences *preferences, QWidget *parent)
    : QMenu(tr("&Settings"), parent)
    , m_preferences(preferences)
{
    Q_ASSERT(preferences);
    setObjectName(QStringLiteral("settingsMenu"));
    QMenu *theme = addMenu(tr("&Theme"));
    theme->setToolTipsVisible(true);
    auto *themes = new QActionGroup(this);
    const auto addTheme = [this, theme, themes](const QString &text, ThemeChoice choice) {
        QAction *action = theme->addAction(text);
        action->setCheckable(true);
        themes->addAction(action);
        connect(action, &QAction::triggered, m_preferences, [this, choice] { m_preferences->setTheme(choice); });
        return action;
    };
    m_system = addTheme(tr("&System"), ThemeChoice::System);
    m_system->setToolTip(tr("Light or dark as the desktop was when Sightline started"));
    m_light = addTheme(tr("&Light"), ThemeChoice::Light);
    m_dark = addTheme(tr("&Dark"), ThemeChoice::Dark);

    m_utc = addAction(tr("Show times in &UTC"));
    m_utc->setCheckable(true);
    m_utc->setChecked(preferences->isUtc());
    connect(m_utc, &QAction::toggled, m_preferences, &DisplayPreferences::setUtc);
    connect(m_preferences, &DisplayPreferences::utcChanged, m_utc, &QAction::setChecked);
    connect(m_preferences, &DisplayPreferences::themeChanged, this, &SettingsMenu::showTheme);
    showTheme();
}

SettingsMenu::~SettingsMenu() = default;

void SettingsMenu::showTheme()
{
    switch (m_preferences->theme()) {
    case ThemeChoice::System:
        m_system->setChecked(true);
        break;
    case ThemeChoice::Light:
        m_light->setChecked(true);
        break;
    case ThemeChoice::Dark:
        m_dark->setChecked(true);
        break;
    }
}

} // namespace Sightline
