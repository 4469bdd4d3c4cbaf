#pragma once

#include "externalserver.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

namespace Sightline::Test {

// A real redis-server (from PATH) on 127.0.0.1 on a free port, for tests of
// the Redis event log. Persistence is such that every acknowledged write
// survives a restart, even after kill(): append-only file, fsync on every
// write, no RDB snapshots, all in its own temp dir.
//
//   RedisProcess redis;
//   QVERIFY2(redis.start(), qPrintable(redis.errorString()));
//   ... connect to redis.url() ...
//   QCOMPARE(redis.command({"GET", "key"}), QByteArray("$5\r\nvalue\r\n"));
//   QVERIFY2(redis.restart(), qPrintable(redis.errorString())); // same port, data kept
class RedisProcess : public ExternalServer
{
public:
    static constexpr int kCommandTimeoutMs = 5000;

    RedisProcess();

    // redis://127.0.0.1:PORT
    QString url() const override;

    // Runs one command on a fresh connection and returns the raw RESP reply
    // (e.g. "+OK\r\n", "$5\r\nvalue\r\n", "$-1\r\n", "-ERR ...\r\n"), or an
    // empty array when the server cannot be reached (errorString() says why).
    QByteArray command(const QByteArrayList &arguments);

protected:
    QStringList arguments() const override;
    bool isReady() override;
};

} // namespace Sightline::Test
