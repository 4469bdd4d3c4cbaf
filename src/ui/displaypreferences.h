#pragma once

#include "ui/theme.h"

#include <QLocale>
#include <QObject>

class QSettings;

namespace Sightline {

// How the dashboard shows things, as the user chose in the Settings menu:
// the theme and whether times read in UTC or local time. It only holds and
// stores the choice; app/sightline applies the theme (applyTheme) and
// panels that show times read isUtc() and follow utcChanged().
class DisplayPreferences : public QObject
{
    Q_OBJECT

public:
    explicit DisplayPreferences(QObject *parent = nullptr);
    ~DisplayPreferences() override;

    ThemeChoice theme() const { return m_theme; }
    void setTheme(ThemeChoice theme);
    bool isUtc() const { return m_utc; }
    void setUtc(bool utc);

    // Keys "appearance/theme" ("system", "light" or "dark") and
    // "appearance/utc". A missing key keeps the current value; an unknown
    // theme name is logged (naming the value) and keeps it too.
    void load(const QSettings &settings);
    void save(QSettings &settings) const;

    // The timestamp helpers below with this object's time zone.
    QString formatTimestamp(qint64 msSinceEpoch, QLocale::FormatType format = QLocale::ShortFormat) const;
    QString formatTimeOfDay(qint64 msSinceEpoch, bool withMilliseconds = false) const;

Q_SIGNALS:
    // Emitted only when the value changes (also from load()).
    void themeChanged(Sightline::ThemeChoice theme);
    void utcChanged(bool utc);

private:
    ThemeChoice m_theme = ThemeChoice::System;
    bool m_utc = false;
};

// The name stored in settings ("system", "light", "dark") and back; false
// for a name that is none of them.
QString themeChoiceName(ThemeChoice theme);
bool themeChoiceFromName(const QString &name, ThemeChoice *theme);

// One way to show a moment on every panel. The time of day reads
// "14:05:09" (24-hour, as the chart axes; "14:05:09.250" with
// milliseconds); a timestamp puts the date in the default QLocale's format
// of that type before it. With utc both end in " UTC", so a UTC time is
// never mistaken for a local one.
QString formatTimeOfDay(qint64 msSinceEpoch, bool utc, bool withMilliseconds = false);
QString formatTimestamp(qint64 msSinceEpoch, bool utc, QLocale::FormatType format = QLocale::ShortFormat);
// The QDateTime pattern of the time of day ("HH:mm:ss" or "HH:mm:ss.zzz"),
// for axes and exports that format themselves.
QString timeOfDayPattern(bool withMilliseconds = false);

} // namespace Sightline
