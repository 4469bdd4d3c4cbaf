#include "server/hub.h"

#include "server/clock.h"
#include "server/logging.h"
#include "server/storage.h"

namespace Sightline {

Hub::Hub(Storage *storage, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_clock(clock)
    , m_shared(storage->isShared())
{
    qRegisterMetaType<Sightline::StoredEvent>();
    if (m_shared)
        connect(m_storage, &Storage::eventsFollowed, this, &Hub::handleFollowed);
}

void Hub::handleFollowed(const QList<StoredEvent> &events)
{
    for (const StoredEvent &event : events) {
        if (event.id < m_nextId)
            continue; // seen already
        m_nextId = event.id + 1;
        ++m_published;
        emit eventPublished(event);
    }
}

void Hub::fetchLastEventId(std::function<void(bool ok, quint64 id)> done)
{
    m_storage->fetchLastEventId(std::move(done));
}

bool Hub::parseTopic(const QString &topic, DeviceRecord *device)
{
    const QStringList parts = topic.split(QLatin1Char('/'));
    if (parts.size() != 3 || !parts.at(0).startsWith(QStringLiteral("account:"))
        || !parts.at(1).startsWith(QStringLiteral("site:")) || !parts.at(2).startsWith(QStringLiteral("device:")))
        return false;
    device->accountId = parts.at(0).mid(8);
    device->siteId = parts.at(1).mid(5);
    device->deviceId = parts.at(2).mid(7);
    return !device->accountId.isEmpty() && !device->siteId.isEmpty() && !device->deviceId.isEmpty();
}

StoredEvent Hub::prepareEvent(const DeviceRecord &device, const QString &type, const QJsonObject &data)
{
    StoredEvent event;
    event.id = m_shared ? 0 : m_nextId++;
    event.ts = m_clock->now();
    event.topic = device.topic();
    event.type = type;
    event.data = data;
    event.accountId = device.accountId;
    event.siteId = device.siteId;
    event.deviceId = device.deviceId;
    return event;
}

void Hub::announce(const StoredEvent &event)
{
    if (m_shared)
        return; // the follower brings it, in the log's order
    ++m_published;
    emit eventPublished(event);
}

void Hub::withdraw(const StoredEvent &event)
{
    if (event.id != 0 && event.id == m_nextId - 1)
        --m_nextId;
}

QString Hub::publish(const QString &topic, const QString &type, const QJsonObject &data)
{
    DeviceRecord device;
    if (!parseTopic(topic, &device)) {
        qCWarning(lcServerHub) << "refusing to publish on a malformed topic" << topic;
        return QString();
    }
    const StoredEvent event = prepareEvent(device, type, data);
    WriteBatch batch;
    batch.events.append(event);
    m_storage->write(batch, [this, event](const WriteResult &result) {
        if (result.ok) {
            announce(event);
        } else {
            qCWarning(lcServerHub) << "event" << event.id << "of type" << event.type
                                   << "not stored, dropped:" << result.error;
            emit eventDropped(event, result.error);
        }
    });
    return m_shared ? QString() : event.idString();
}

void Hub::readEvents(const EventQuery &query, std::function<void(const EventPage &)> done)
{
    m_storage->readEvents(query, std::move(done));
}

} // namespace Sightline
