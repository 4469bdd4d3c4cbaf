#pragma once

#include "tempdir.h"

#include "server/clock.h"
#include "server/hub.h"
#include "server/sqlitestorage.h"

#include <QString>
#include <QStringList>

class QSignalSpy;

namespace Sightline::Test {

// The setup of the telemetry service tests (AlertEngine, DeviceTracker,
// IngestService): a Hub over a real SQLite storage in a temporary directory,
// with a manual clock. Make one per test function (in init()), check open(),
// and drop it in cleanup(); the destructor closes the storage first.
class HubFixture
{
public:
    HubFixture();
    ~HubFixture();

    // Opens the storage; false with *error when it cannot.
    bool open(QString *error);

    SqliteStorage *storage() { return &m_storage; }
    ManualClock *clock() { return &m_clock; }
    Hub *hub() { return &m_hub; }
    // The storage's database file.
    QString databasePath() const;

    // data.<key> of every event a spy on Hub::eventPublished caught, in order.
    static QStringList dataValues(const QSignalSpy &spy, const QString &key);

private:
    TempDir m_dir;
    SqliteStorage m_storage;
    ManualClock m_clock;
    Hub m_hub;
};

} // namespace Sightline::Test
