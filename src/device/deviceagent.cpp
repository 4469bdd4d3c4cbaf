#include "device/deviceagent.h"

#include "device/jetsonsimulator.h"
#include "device/logging.h"
#include "device/tegrastatsparser.h"
#include "device/tegrastatssource.h"

#include <QNetworkAccessManager>

#include <cmath>

namespace Sightline {

namespace {

// FNV-1a: a per-device seed that depends on the id only (qHash is salted
// per process, which would break "same seed, same signals").
quint64 idHash(const QString &id)
{
    quint64 hash = 14695981039346656037ull;
    for (const char byte : id.toUtf8()) {
        hash ^= quint8(byte);
        hash *= 1099511628211ull;
    }
    return hash;
}

bool isInWindow(double every, double length, double t)
{
    return every > 0 && t >= every && std::fmod(t, every) < length;
}

QString pointCount(qint64 n)
{
    return n == 1 ? QStringLiteral("1 point") : QStringLiteral("%1 points").arg(n);
}

QString seconds(double ms)
{
    return QString::number(ms / 1000.0, 'f', 1) + QLatin1String(" s");
}

} // namespace

struct DeviceAgent::Device
{
    QString id;
    std::unique_ptr<JetsonSimulator> simulator;
    std::unique_ptr<TelemetryUploader> uploader;
    bool mayGoSilent = false;
    bool silent = false;
    bool overheating = false;
    qint64 generated = 0;
    qint64 unreportedDrops = 0;
    qint64 dropFirstSeq = -1;
    qint64 dropLastSeq = -1;
};

DeviceAgent::DeviceAgent(const AgentOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_network(std::make_unique<QNetworkAccessManager>())
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_sampleTimer.setInterval(int(std::lround(options.intervalSeconds * 1000)));
    connect(&m_sampleTimer, &QTimer::timeout, this, &DeviceAgent::sample);
    // Drops are summed and reported at most once a second per device: a
    // full buffer drops a point per sample, which must not flood the terminal.
    m_dropReportTimer.setInterval(1000);
    connect(&m_dropReportTimer, &QTimer::timeout, this, &DeviceAgent::flushDropReports);
    for (int i = 0; i < options.devices.size(); ++i)
        createDevice(options.devices.at(i), i);
}

DeviceAgent::~DeviceAgent()
{
    // Uploaders first: they may abort replies of the network manager.
    m_devices.clear();
}

void DeviceAgent::createDevice(const DeviceKeysFile::Device &entry, int index)
{
    Q_UNUSED(index);
    auto device = std::make_unique<Device>();
    Device *d = device.get();
    d->id = entry.deviceId;
    d->mayGoSilent = m_options.goesSilent(entry.deviceId);
    if (m_options.source == AgentOptions::Source::Simulator) {
        JetsonSimulator::Settings simulation;
        simulation.seed = m_options.seed * 0x9E3779B97F4A7C15ull ^ idHash(entry.deviceId);
        if (m_options.overheats(entry.deviceId)) {
            simulation.overheatEverySeconds = m_options.overheatEverySeconds;
            simulation.overheatForSeconds = m_options.overheatForSeconds;
        }
        d->simulator = std::make_unique<JetsonSimulator>(simulation);
    }

    TelemetryUploader::Settings delivery;
    delivery.serverUrl = m_options.server;
    delivery.deviceId = entry.deviceId;
    delivery.apiKey = entry.key;
    delivery.maxBatchPoints = m_options.batchSize;
    delivery.bufferCapacity = m_options.bufferCapacity;
    delivery.requestTimeoutMs = int(std::lround(m_options.timeoutSeconds * 1000));
    delivery.maxRetryDelayMs = int(std::lround(m_options.maxRetrySeconds * 1000));
    delivery.initialRetryDelayMs = std::min(DeliveryBackoff::kDefaultInitialDelayMs, delivery.maxRetryDelayMs);
    delivery.firstSeq = m_options.firstSeq;
    d->uploader = std::make_unique<TelemetryUploader>(m_network.get(), delivery);
    TelemetryUploader *uploader = d->uploader.get();

    connect(uploader, &TelemetryUploader::batchAcknowledged, this,
            [this, d](qint64 firstSeq, qint64 lastSeq, int points, int duplicates) {
                if (m_options.verbose) {
                    const QString seqs = firstSeq == lastSeq ? QString::number(firstSeq)
                                                             : QStringLiteral("%1..%2").arg(firstSeq).arg(lastSeq);
                    report(QStringLiteral("%1: acknowledged seq %2 (%3, %4 duplicates)")
                               .arg(d->id, seqs, pointCount(points)).arg(duplicates));
                }
                checkDone();
            });
    connect(uploader, &TelemetryUploader::retryScheduled, this,
            [this, d](int delayMs, const QString &reason, qint64 pending) {
                report(QStringLiteral("%1: %2: %3 waiting, retrying in %4")
                           .arg(d->id, reason, pointCount(pending), seconds(delayMs)));
            });
    connect(uploader, &TelemetryUploader::deliveryResumed, this, [this, d](int failures) {
        report(QStringLiteral("%1: delivering again after %2 failed attempts").arg(d->id).arg(failures));
    });
    connect(uploader, &TelemetryUploader::pointsDropped, this,
            [this, d](qint64 count, qint64 firstSeq, qint64 lastSeq, qint64) {
                if (d->unreportedDrops == 0)
                    d->dropFirstSeq = firstSeq;
                d->unreportedDrops += count;
                d->dropLastSeq = lastSeq;
                if (!m_dropReportTimer.isActive()) {
                    flushDropReports(); // the first drop is told at once
                    m_dropReportTimer.start();
                }
                checkDone();
            });
    connect(uploader, &TelemetryUploader::batchRejected, this,
            [this, d](int points, int, const QString &message) {
                report(QStringLiteral("%1: the server rejected a batch of %2 points (%3); resending them one by one")
                           .arg(d->id).arg(points).arg(message));
            });
    connect(uploader, &TelemetryUploader::pointRejected, this,
            [this, d](qint64 seq, int, const QString &message) {
                report(QStringLiteral("%1: the server rejected point seq %2 (%3); point dropped")
                           .arg(d->id).arg(seq).arg(message));
                checkDone();
            });
    connect(uploader, &TelemetryUploader::drained, this, &DeviceAgent::checkDone);
    connect(uploader, &TelemetryUploader::errorOccurred, this,
            [this, d](TelemetryUploader::Error error, const QString &message) {
                report(QStringLiteral("%1: %2; stopping").arg(d->id, message));
                finish(error == TelemetryUploader::Error::EndpointNotFound ? AgentOptions::ExitEndpointNotFound
                                                                           : AgentOptions::ExitKeyRejected);
            });
    m_devices.push_back(std::move(device));
}

void DeviceAgent::start()
{
    const QString interval = QString::number(m_options.intervalSeconds) + QLatin1String(" s");
    if (m_options.source == AgentOptions::Source::Simulator) {
        QStringList ids;
        for (const auto &device : m_devices)
            ids.append(device->id);
        report(QStringLiteral("sightline-device: simulating %1 (%2), one point every %3 each, to %4")
                   .arg(m_devices.size() == 1 ? QStringLiteral("1 device") : QStringLiteral("%1 devices").arg(m_devices.size()),
                        ids.join(QLatin1String(", ")), interval, m_devices.front()->uploader->endpoint().toString()));
        m_sampleTimer.start();
        sample(); // the first point at once
        return;
    }

    TegrastatsSource::Mode mode = TegrastatsSource::Mode::Program;
    QString what = QStringLiteral("tegrastats");
    if (m_options.source == AgentOptions::Source::TegrastatsFile) {
        mode = TegrastatsSource::Mode::File;
        what = m_options.tegrastatsFile;
    } else if (m_options.source == AgentOptions::Source::TegrastatsStdin) {
        mode = TegrastatsSource::Mode::StandardInput;
        what = QStringLiteral("standard input");
    }
    m_source = std::make_unique<TegrastatsSource>(mode, m_options.tegrastatsFile,
                                                  int(std::lround(m_options.intervalSeconds * 1000)));
    connect(m_source.get(), &TegrastatsSource::lineRead, this, &DeviceAgent::handleTegrastatsLine);
    connect(m_source.get(), &TegrastatsSource::finished, this, &DeviceAgent::handleSourceFinished);
    connect(m_source.get(), &TegrastatsSource::failed, this, &DeviceAgent::handleSourceFailed);
    report(QStringLiteral("sightline-device: sending tegrastats lines from %1 as %2 to %3")
               .arg(what, m_devices.front()->id, m_devices.front()->uploader->endpoint().toString()));
    m_source->start();
}

void DeviceAgent::stop()
{
    if (!m_finished)
        finish(AgentOptions::ExitOk);
}

void DeviceAgent::sample()
{
    ++m_ticks;
    const double dt = m_options.intervalSeconds;
    const double t = double(m_ticks - 1) * dt; // real seconds; the first sample is at t = 0
    const QDateTime now = m_clock();
    bool anyLeft = false;
    for (const auto &device : m_devices) {
        Device *d = device.get();
        if (m_options.count > 0 && d->generated >= m_options.count)
            continue;
        anyLeft = true;

        const bool silent = d->mayGoSilent && isInWindow(m_options.silentEverySeconds, m_options.silentForSeconds, t);
        if (silent != d->silent) {
            d->silent = silent;
            d->uploader->setPaused(silent);
            report(silent ? QStringLiteral("%1: going silent for %2 s (simulated outage)").arg(d->id).arg(m_options.silentForSeconds)
                          : QStringLiteral("%1: back after a silent period").arg(d->id));
        }
        // Time passes for a silent device too; it just says nothing.
        const DevicePoint::Fields fields = d->simulator->step(dt * m_options.speed);
        if (d->simulator->isOverheating() != d->overheating) {
            d->overheating = !d->overheating;
            report(d->overheating ? QStringLiteral("%1: overheating episode starts (GPU at full load, fan stalled)").arg(d->id)
                                  : QStringLiteral("%1: overheating episode over, cooling down").arg(d->id));
        }
        if (silent)
            continue;
        d->uploader->submit(now, fields);
        ++d->generated;
    }
    if (!anyLeft)
        m_sampleTimer.stop();
}

void DeviceAgent::handleTegrastatsLine(const QString &line, qint64 number)
{
    Device *d = m_devices.front().get();
    const TegrastatsParser::Result parsed = TegrastatsParser::parseLine(line);
    if (!parsed.isValid()) {
        report(QStringLiteral("tegrastats line %1: %2; skipped").arg(number).arg(parsed.error));
        return;
    }
    if (!parsed.warnings.isEmpty()) {
        if (!m_warnedUnknownTokens) {
            m_warnedUnknownTokens = true;
            report(QStringLiteral("tegrastats line %1: %2 (later warnings like this one go to the sightline.device log)")
                       .arg(number).arg(parsed.warnings.join(QLatin1String("; "))));
        } else {
            qCDebug(lcDevice).noquote() << "tegrastats line" << number << parsed.warnings.join(QLatin1String("; "));
        }
    }
    if (m_options.count > 0 && d->generated >= m_options.count)
        return;
    d->uploader->submit(m_clock(), parsed.fields);
    ++d->generated;
    if (m_options.count > 0 && d->generated >= m_options.count)
        handleSourceFinished();
}

void DeviceAgent::handleSourceFinished()
{
    if (m_sourceEnded)
        return;
    m_sourceEnded = true;
    if (m_source)
        m_source->stop();
    qCDebug(lcDevice) << "tegrastats input ended after" << m_devices.front()->generated << "points";
    checkDone();
}

void DeviceAgent::handleSourceFailed(const QString &message)
{
    report(QStringLiteral("tegrastats: %1").arg(message));
    finish(AgentOptions::ExitInputFailed);
}

void DeviceAgent::flushDropReports()
{
    bool any = false;
    for (const auto &device : m_devices) {
        Device *d = device.get();
        if (d->unreportedDrops == 0)
            continue;
        any = true;
        report(QStringLiteral("%1: buffer full (%2 points): dropped %3 oldest points (seq %4..%5), %6 dropped in total")
                   .arg(d->id)
                   .arg(d->uploader->settings().bufferCapacity)
                   .arg(d->unreportedDrops)
                   .arg(d->dropFirstSeq)
                   .arg(d->dropLastSeq)
                   .arg(d->uploader->droppedCount()));
        d->unreportedDrops = 0;
    }
    if (!any)
        m_dropReportTimer.stop();
}

void DeviceAgent::checkDone()
{
    if (m_finished)
        return;
    const bool simulated = m_options.source == AgentOptions::Source::Simulator;
    if (simulated && m_options.count == 0)
        return; // runs until stopped
    if (!simulated && !m_sourceEnded)
        return;
    for (const auto &device : m_devices) {
        if (simulated && device->generated < m_options.count)
            return;
        if (device->uploader->pendingCount() > 0)
            return;
    }
    qint64 lost = 0;
    for (const auto &device : m_devices)
        lost += device->uploader->droppedCount() + device->uploader->rejectedCount();
    finish(lost > 0 ? AgentOptions::ExitPointsLost : AgentOptions::ExitOk);
}

void DeviceAgent::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_exitCode = exitCode;
    m_sampleTimer.stop();
    if (m_source)
        m_source->stop();
    flushDropReports();
    m_dropReportTimer.stop();
    for (const auto &device : m_devices) {
        TelemetryUploader *u = device->uploader.get();
        u->stop();
        QString line = QStringLiteral("%1: %2 points acknowledged (%3 duplicates), %4 dropped, %5 rejected")
                           .arg(device->id)
                           .arg(u->acknowledgedCount())
                           .arg(u->duplicateCount())
                           .arg(u->droppedCount())
                           .arg(u->rejectedCount());
        if (u->pendingCount() > 0)
            line += QStringLiteral(", %1 not delivered").arg(u->pendingCount());
        report(line);
    }
    // Queued: finish() may run inside start(), before the event loop.
    QTimer::singleShot(0, this, [this] { emit finished(m_exitCode); });
}

void DeviceAgent::report(const QString &line)
{
    qCDebug(lcDevice).noquote() << line;
    emit lineReported(line);
}

} // namespace Sightline
