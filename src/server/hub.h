#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

#include "server/storagetypes.h"

namespace Sightline {

class Clock;
class Storage;

// The in-process publish interface (issue 3) that the stream endpoint serves.
// It hands out event ids (decimal, strictly increasing in publish order,
// never reused: it starts above Storage::lastEventId()), appends every event
// to the storage's event log, and emits eventPublished once the event is
// stored. Events are emitted in id order: storage answers writes in the
// order they were made, and every id is handed out together with its write.
//
// With a shared log (Storage::isShared(), Redis, issue 8) the log hands out
// the ids instead: prepared events carry id 0, and the hub publishes what
// the log's follower delivers (every instance's events, in log order) rather
// than what this instance wrote.
//
// Does not own the storage or the clock (both must outlive it).
class Hub : public QObject
{
    Q_OBJECT

public:
    Hub(Storage *storage, const Clock *clock, QObject *parent = nullptr);

    // Continues the id sequence after `lastId` (call after storage opened).
    void setLastEventId(quint64 lastId) { m_nextId = lastId + 1; }

    // Publishes one event on a topic "account:<a>/site:<s>/device:<d>";
    // returns the id it got (empty with a shared log, where the id comes
    // later). It is emitted once stored; when storage fails it is logged and
    // dropped (eventDropped).
    QString publish(const QString &topic, const QString &type, const QJsonObject &data);

    // For IngestService: an event with its id and publish time, to be
    // stored together with its point; announce it once the write committed.
    StoredEvent prepareEvent(const DeviceRecord &device, const QString &type, const QJsonObject &data);
    void announce(const StoredEvent &event);
    // A prepared event that was not stored and will never be announced (its
    // point was a duplicate). When its id is still the last one handed out,
    // the next prepareEvent()/publish() gets it again, so a re-posted point
    // leaves no gap in the ids; otherwise the id stays unused (a gap).
    void withdraw(const StoredEvent &event);

    // Range read of the log for stream resume: events after query.afterId.
    void readEvents(const EventQuery &query, std::function<void(const EventPage &)> done);

    // Whether the log is shared with other instances (see above).
    bool isShared() const { return m_shared; }
    // Asks the log for its newest id, which with a shared log may be ahead
    // of lastIssuedId(); done(false, ...) when the log cannot say.
    void fetchLastEventId(std::function<void(bool ok, quint64 id)> done);

    // The last id handed out ("0" before any).
    quint64 lastIssuedId() const { return m_nextId - 1; }
    quint64 publishedCount() const { return m_published; }

    // Splits "account:a/site:s/device:d"; false when the topic is malformed.
    static bool parseTopic(const QString &topic, DeviceRecord *device);

Q_SIGNALS:
    // A stored event, in strictly increasing id order.
    void eventPublished(const Sightline::StoredEvent &event);
    // An event that could not be stored (it is not part of the log).
    void eventDropped(const Sightline::StoredEvent &event, const QString &reason);

private:
    void handleFollowed(const QList<Sightline::StoredEvent> &events);

    Storage *m_storage;   // not owned
    const Clock *m_clock; // not owned
    quint64 m_nextId = 1;
    quint64 m_published = 0;
    bool m_shared = false;
};

} // namespace Sightline
