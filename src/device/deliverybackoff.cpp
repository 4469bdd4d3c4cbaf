#include "device/deliverybackoff.h"

#include <QLocale>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Sightline {

DeliveryBackoff::DeliveryBackoff(RandomSource random)
{
    setRandomSource(std::move(random));
}

void DeliveryBackoff::setRandomSource(RandomSource random)
{
    if (random)
        m_random = std::move(random);
    else
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

void DeliveryBackoff::setInitialDelay(int ms)
{
    m_initialMs = std::max(1, ms);
}

void DeliveryBackoff::setMaxDelay(int ms)
{
    m_maxMs = std::max(1, ms);
}

int DeliveryBackoff::upperBoundFor(int failures) const
{
    const int k = std::max(1, failures);
    // 2^(k-1) grows past any cap quickly; stop doubling once there.
    double upper = m_initialMs;
    for (int i = 1; i < k && upper < m_maxMs; ++i)
        upper *= 2;
    return int(std::min<double>(upper, m_maxMs));
}

int DeliveryBackoff::nextDelay(int minimumMs)
{
    ++m_failures;
    const int upper = upperBoundFor(m_failures);
    const int lower = upper / 2;
    const double r = std::clamp(m_random(), 0.0, 1.0);
    const int delay = lower + int(std::lround(r * (upper - lower)));
    return std::max(delay, minimumMs);
}

std::optional<int> DeliveryBackoff::parseRetryAfter(const QByteArray &value, const QDateTime &now)
{
    const QByteArray text = value.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qint64 seconds = text.toLongLong(&isNumber);
    if (isNumber) {
        if (seconds < 0)
            return std::nullopt;
        return int(std::min<qint64>(seconds * 1000, kMaxRetryAfterMs));
    }
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    // Qt's RFC2822Date reading refuses the "GMT" zone name HTTP uses, so
    // read the fixed English layout with the C locale.
    QDateTime date = QLocale::c().toDateTime(QString::fromLatin1(text),
                                             QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    date.setTimeSpec(Qt::UTC);
    if (!date.isValid())
        return std::nullopt;
    const qint64 ms = now.msecsTo(date);
    return int(std::clamp<qint64>(ms, 0, kMaxRetryAfterMs));
}

} // namespace Sightline
