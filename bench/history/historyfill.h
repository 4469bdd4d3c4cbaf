#pragma once

#include <QString>
#include <QUrl>

#include <functional>

class QProcess;

// A day of a fleet's history in a data dir, and the real sightline-server
// on it: shared by the benchmarks that need one (bench/history,
// bench/ui's day view). See bench/history/README.md.
namespace Sightline::BenchHistory {

// The account, user and site the filled data dir holds.
extern const QString kAccount;
extern const QString kUser;
extern const QString kSite;
extern const QByteArray kPassword;

// jetson-01, jetson-02, ... (i from 0).
QString deviceName(int i);
// metric_00, metric_01, ... (f from 0): the fields of every filled point.
QString fieldName(int f);

// Runs the event loop until done() or timeoutMs; returns done().
bool processUntil(const std::function<bool()> &done, int timeoutMs);

// The end (ms since the epoch) of the day in dataDir: read from its
// bench-end-ms file when an earlier run filled it, else the user and the
// devices are added and devices x hours x 3600 points of `fields` fields at
// 1 Hz, ending now, are written through SqliteStorage (minutes for a day of
// 50 devices). 0 on failure (the reason on standard error).
qint64 prepareDataDir(const QString &dataDir, int devices, int hours, int fields);

// Starts `serverPath serve` on dataDir at a free port of 127.0.0.1; its
// base URL, or an invalid one when it did not start within a minute.
QUrl startServer(QProcess &server, const QString &serverPath, const QString &dataDir);

} // namespace Sightline::BenchHistory
