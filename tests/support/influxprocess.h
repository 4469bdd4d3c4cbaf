#pragma once

#include "externalserver.h"

#include <QByteArray>
#include <QString>

namespace Sightline::Test {

// A real influxd 1.x (from PATH; Debian's influxdb package) on 127.0.0.1,
// for tests of InfluxPointStore. Its config file (influxd.conf), meta, data
// and WAL live in its own temp dir; HTTP listens on port() and the RPC
// (backup) service on rpcPort(), both picked free. The WAL is fsynced on
// every write, so acknowledged points survive a restart, even after kill().
// Usage reporting, the _internal monitor database, UDP, Graphite, collectd,
// OpenTSDB, continuous queries and the HTTP access log are off; it logs at
// "warn" level into the temp dir.
//
//   InfluxProcess influx;
//   QVERIFY2(influx.start(), qPrintable(influx.errorString()));
//   ... point the store at influx.url() ...
//   const QByteArray json = influx.query("SELECT * FROM telemetry", "sightline");
class InfluxProcess : public ExternalServer
{
public:
    static constexpr int kRequestTimeoutMs = 10000;

    InfluxProcess();

    // http://127.0.0.1:PORT
    QString url() const override;
    quint16 rpcPort() const { return portAt(1); }

    // Runs InfluxQL through POST /query (q, db when not empty, epoch=ns: so
    // times come back as integer nanoseconds) and returns the JSON answer,
    // also for an InfluxDB error ({"error": ...} or a statement's "error").
    // Empty when the server cannot be reached (errorString() says why).
    QByteArray query(const QString &influxql, const QString &db = {});
    // Writes line protocol through POST /write?db=DB&precision=ns. True on
    // 204; otherwise errorString() has the status and InfluxDB's answer.
    bool write(const QByteArray &lineProtocol, const QString &db);

protected:
    QStringList arguments() const override;
    bool prepare(QString *error) override;
    bool isReady() override;

private:
    QString configPath() const;
};

} // namespace Sightline::Test
