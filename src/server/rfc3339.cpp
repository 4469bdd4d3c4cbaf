#include "server/rfc3339.h"

#include <QTimeZone>

#include <cstdio>

namespace Sightline {

namespace {

// Reads exactly `count` ASCII digits at `pos`; -1 when any is not a digit.
int readDigits(QStringView text, qsizetype pos, int count)
{
    if (pos + count > text.size())
        return -1;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text.at(pos + i);
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value;
}

} // namespace

std::optional<QDateTime> parseRfc3339(QStringView text)
{
    // date-fullyear "-" date-month "-" date-mday
    const int year = readDigits(text, 0, 4);
    if (year < 0 || text.size() < 20 || text.at(4) != u'-')
        return std::nullopt;
    const int month = readDigits(text, 5, 2);
    if (month < 0 || text.at(7) != u'-')
        return std::nullopt;
    const int day = readDigits(text, 8, 2);
    if (day < 0)
        return std::nullopt;
    // RFC 3339 5.6 allows a lower-case t and z (ABNF strings are case-insensitive).
    if (text.at(10) != u'T' && text.at(10) != u't')
        return std::nullopt;
    // partial-time: HH:MM:SS
    const int hour = readDigits(text, 11, 2);
    if (hour < 0 || text.at(13) != u':')
        return std::nullopt;
    const int minute = readDigits(text, 14, 2);
    if (minute < 0 || text.at(16) != u':')
        return std::nullopt;
    const int second = readDigits(text, 17, 2);
    if (second < 0)
        return std::nullopt;

    qsizetype pos = 19;
    int millis = 0;
    if (pos < text.size() && text.at(pos) == u'.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text.at(pos) >= u'0' && text.at(pos) <= u'9') {
            if (digits < 3)
                millis = millis * 10 + (text.at(pos).unicode() - u'0');
            ++digits;
            ++pos;
        }
        if (digits == 0)
            return std::nullopt;
        for (int i = digits; i < 3; ++i)
            millis *= 10;
    }

    // time-offset: "Z" / ("+" / "-") HH ":" MM
    if (pos >= text.size())
        return std::nullopt;
    int offsetSeconds = 0;
    const QChar sign = text.at(pos);
    if (sign == u'Z' || sign == u'z') {
        ++pos;
    } else if (sign == u'+' || sign == u'-') {
        const int offHour = readDigits(text, pos + 1, 2);
        if (offHour < 0 || pos + 3 >= text.size() || text.at(pos + 3) != u':')
            return std::nullopt;
        const int offMinute = readDigits(text, pos + 4, 2);
        if (offMinute < 0 || offHour > 23 || offMinute > 59)
            return std::nullopt;
        offsetSeconds = (offHour * 3600 + offMinute * 60) * (sign == u'-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size())
        return std::nullopt;

    const QDate date(year, month, day);
    if (!date.isValid() || hour > 23 || minute > 59 || second > 59)
        return std::nullopt;
    const QTime time(hour, minute, second, millis);
    const QDateTime local(date, time, QTimeZone(offsetSeconds));
    if (!local.isValid())
        return std::nullopt;
    return local.toUTC();
}

QString formatRfc3339Utc(const QDateTime &time)
{
    // By hand: QDateTime::toString(format) goes through the calendar and
    // locale machinery, and this runs for every published event.
    const QDateTime utc = time.toUTC();
    const QDate date = utc.date();
    const QTime clock = utc.time();
    char buffer[32];
    const int length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year(),
                                     date.month(), date.day(), clock.hour(), clock.minute(), clock.second(),
                                     clock.msec());
    return QString::fromLatin1(buffer, length);
}

} // namespace Sightline
