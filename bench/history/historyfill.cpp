#include "historyfill.h"

#include "server/admincommands.h"
#include "server/identity.h"
#include "server/sqlitestorage.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

#include <cmath>
#include <cstdio>

namespace Sightline::BenchHistory {

const QString kAccount = QStringLiteral("bench");
const QString kUser = QStringLiteral("bench");
const QString kSite = QStringLiteral("lab");
const QByteArray kPassword = QByteArrayLiteral("bench-password");

QString deviceName(int i)
{
    return QStringLiteral("jetson-%1").arg(i + 1, 2, 10, QLatin1Char('0'));
}

QString fieldName(int f)
{
    return QStringLiteral("metric_%1").arg(f, 2, 10, QLatin1Char('0'));
}

bool processUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return done();
}

namespace {

// Writes the fleet's points through SqliteStorage, oldest first, a few
// batches in flight, as ingest would have over the day.
bool fill(const QString &dataDir, int devices, int hours, int fields, qint64 endMs)
{
    for (int d = 0; d < devices; ++d) {
        QString error;
        if (!AdminCommands::addDevice(dataDir, kAccount, kSite, deviceName(d), false, &error)) {
            std::fprintf(stderr, "add-device failed: %s\n", qPrintable(error));
            return false;
        }
    }
    SqliteStorage storage(QDir(dataDir).filePath(QStringLiteral("telemetry.sqlite")));
    QString error;
    if (!storage.open(&error)) {
        std::fprintf(stderr, "cannot open the storage: %s\n", qPrintable(error));
        return false;
    }
    QStringList names;
    for (int f = 0; f < fields; ++f)
        names.append(fieldName(f));
    const qint64 seconds = qint64(hours) * 3600;
    const qint64 startMs = endMs - seconds * 1000;
    const QDateTime received = QDateTime::currentDateTimeUtc(); // inside retention
    quint64 nextId = storage.lastEventId() + 1;
    int inFlight = 0;
    bool failed = false;
    constexpr int kPointsPerBatch = 5000;
    QElapsedTimer timer;
    timer.start();
    WriteBatch batch;
    const auto send = [&] {
        ++inFlight;
        storage.write(batch, [&inFlight, &failed](const WriteResult &result) {
            --inFlight;
            if (!result.ok) {
                std::fprintf(stderr, "write failed: %s\n", qPrintable(result.error));
                failed = true;
            }
        });
        batch = WriteBatch();
        processUntil([&inFlight, &failed] { return inFlight < 4 || failed; }, 600000);
    };
    for (qint64 s = 0; s < seconds && !failed; ++s) {
        for (int d = 0; d < devices; ++d) {
            PointWrite write;
            write.device = DeviceRecord{kAccount, kSite, deviceName(d)};
            write.point.deviceId = write.device.deviceId;
            write.point.ts = QDateTime::fromMSecsSinceEpoch(startMs + s * 1000 + d, Qt::UTC);
            write.point.seq = s;
            for (int f = 0; f < fields; ++f)
                write.point.fields.insert(names.at(f), std::round((40 + 20 * std::sin(double(s) / (300 + f) + d)) * 10) / 10);
            write.event.id = nextId++;
            write.event.ts = received;
            write.event.type = QStringLiteral("telemetry");
            write.event.topic = write.device.topic();
            batch.points.append(write);
            if (batch.points.size() == kPointsPerBatch)
                send();
        }
        if (s % 3600 == 3599)
            std::fprintf(stderr, "filled %lld of %d hours (%.0f s)\n", (s + 1) / 3600, hours, timer.elapsed() / 1000.0);
    }
    if (!batch.points.isEmpty())
        send();
    processUntil([&inFlight] { return inFlight == 0; }, 600000);
    storage.close();
    std::fprintf(stderr, "filled %lld points in %.1f s\n", qint64(devices) * seconds, timer.elapsed() / 1000.0);
    return !failed;
}

} // namespace

qint64 prepareDataDir(const QString &dataDir, int devices, int hours, int fields)
{
    QDir().mkpath(dataDir);
    const QString stamp = QDir(dataDir).filePath(QStringLiteral("bench-end-ms"));
    if (QFile file(stamp); file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "reusing the points of %s\n", qPrintable(dataDir));
        return file.readAll().trimmed().toLongLong();
    }
    const qint64 endMs = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    if (auto error = AdminCommands::addUser(dataDir, kAccount, kUser, kPassword, {})) {
        std::fprintf(stderr, "add-user failed: %s\n", qPrintable(*error));
        return 0;
    }
    if (!fill(dataDir, devices, hours, fields, endMs))
        return 0;
    QFile out(stamp);
    if (out.open(QIODevice::WriteOnly))
        out.write(QByteArray::number(endMs));
    return endMs;
}

QUrl startServer(QProcess &server, const QString &serverPath, const QString &dataDir)
{
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(serverPath, {QStringLiteral("serve"), QStringLiteral("--data-dir"), dataDir, QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0")});
    QByteArray out;
    QUrl url;
    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
    processUntil([&] {
        server.waitForReadyRead(100);
        out += server.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch())
            url = QUrl(match.captured(1));
        return url.isValid() || server.state() == QProcess::NotRunning;
    }, 60000);
    if (!url.isValid())
        std::fprintf(stderr, "sightline-server did not start: %s\n", out.constData());
    return url;
}

} // namespace Sightline::BenchHistory
