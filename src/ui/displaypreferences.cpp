#include "ui/displaypreferences.h"

#include "ui/logging.h"

#include <QDateTime>
#include <QSettings>
#include <QTimeZone>

namespace Sightline {

namespace {

const QString kThemeKey = QStringLiteral("appearance/theme");
const QString kUtcKey = QStringLiteral("appearance/utc");

QDateTime dateTimeOf(qint64 msSinceEpoch, bool utc)
{
    return utc ? QDateTime::fromMSecsSinceEpoch(msSinceEpoch, QTimeZone::utc())
               : QDateTime::fromMSecsSinceEpoch(msSinceEpoch);
}

QString withZone(QString text, bool utc)
{
    if (utc)
        text += QStringLiteral(" UTC");
    return text;
}

} // namespace

DisplayPreferences::DisplayPreferences(QObject *parent)
    : QObject(parent)
{
}

DisplayPreferences::~DisplayPreferences() = default;

void DisplayPreferences::setTheme(ThemeChoice theme)
{
    if (theme == m_theme)
        return;
    m_theme = theme;
    Q_EMIT themeChanged(theme);
}

void DisplayPreferences::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    Q_EMIT utcChanged(utc);
}

void DisplayPreferences::load(const QSettings &settings)
{
    if (settings.contains(kThemeKey)) {
        const QString name = settings.value(kThemeKey).toString();
        ThemeChoice theme = m_theme;
        if (themeChoiceFromName(name, &theme))
            setTheme(theme);
        else
            qCWarning(lcUi).noquote() << "settings:" << kThemeKey << "is" << name
                                      << "(expected system, light or dark); keeping" << themeChoiceName(m_theme);
    }
    if (settings.contains(kUtcKey))
        setUtc(settings.value(kUtcKey).toBool());
}

void DisplayPreferences::save(QSettings &settings) const
{
    settings.setValue(kThemeKey, themeChoiceName(m_theme));
    settings.setValue(kUtcKey, m_utc);
}

QString DisplayPreferences::formatTimestamp(qint64 msSinceEpoch, QLocale::FormatType format) const
{
    return Sightline::formatTimestamp(msSinceEpoch, m_utc, format);
}

QString DisplayPreferences::formatTimeOfDay(qint64 msSinceEpoch, bool withMilliseconds) const
{
    return Sightline::formatTimeOfDay(msSinceEpoch, m_utc, withMilliseconds);
}

QString themeChoiceName(ThemeChoice theme)
{
    switch (theme) {
    case ThemeChoice::System:
        break;
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    }
    return QStringLiteral("system");
}

bool themeChoiceFromName(const QString &name, ThemeChoice *theme)
{
    for (ThemeChoice choice : {ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark}) {
        if (name == themeChoiceName(choice)) {
            *theme = choice;
            return true;
        }
    }
    return false;
}

QString timeOfDayPattern(bool withMilliseconds)
{
    return withMilliseconds ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss");
}

QString formatTimeOfDay(qint64 msSinceEpoch, bool utc, bool withMilliseconds)
{
    // The pattern, not the locale's time format: the locale's short format
    // drops the seconds, and its long one spells out the zone.
    return withZone(dateTimeOf(msSinceEpoch, utc).toString(timeOfDayPattern(withMilliseconds)), utc);
}

QString formatTimestamp(qint64 msSinceEpoch, bool utc, QLocale::FormatType format)
{
    const QDateTime dt = dateTimeOf(msSinceEpoch, utc);
    return withZone(QLocale().toString(dt.date(), format) + QLatin1Char(' ') + dt.toString(timeOfDayPattern()), utc);
}

} // namespace Sightline
