#pragma once

#include "device/agentoptions.h"
#include "device/telemetryuploader.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace Sightline {

class JetsonSimulator;
class TegrastatsSource;

// The whole of `sightline-device` behind its command line (issue 7): it
// owns one TelemetryUploader per device and the points' source (one
// JetsonSimulator per device, or one TegrastatsSource), samples on a timer,
// plays the silent periods, decides when the run is over and with which
// exit status. It reports to a person through lineReported(): one line per
// problem (retry, drop, rejection, stop), per schedule change (overheating,
// silence) and, when verbose, per acknowledged batch. Each line starts with
// the device id, so scripts and tests can grep them.
class DeviceAgent : public QObject
{
    Q_OBJECT

public:
    explicit DeviceAgent(const AgentOptions &options, QObject *parent = nullptr);
    ~DeviceAgent() override;

    // "now" for the points' ts (tests may pin it).
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    void start();
    // Stops sampling and sending; reports what was left undelivered and
    // finishes with status 0 (Ctrl-C is the normal way to end a demo).
    void stop();

    int exitCode() const { return m_exitCode; }
    bool isFinished() const { return m_finished; }

signals:
    // One line for standard error, without a line break.
    void lineReported(const QString &line);
    void finished(int exitCode);

private:
    struct Device;

    void createDevice(const DeviceKeysFile::Device &entry, int index);
    void sample();
    void handleTegrastatsLine(const QString &line, qint64 number);
    void handleSourceFinished();
    void handleSourceFailed(const QString &message);
    void flushDropReports();
    void checkDone();
    void finish(int exitCode);
    void report(const QString &line);

    AgentOptions m_options;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::vector<std::unique_ptr<Device>> m_devices;
    std::unique_ptr<TegrastatsSource> m_source;
    std::function<QDateTime()> m_clock;
    QTimer m_sampleTimer;
    QTimer m_dropReportTimer;
    qint64 m_ticks = 0;
    bool m_sourceEnded = false;
    bool m_warnedUnknownTokens = false;
    bool m_finished = false;
    int m_exitCode = 0;
};

} // namespace Sightline
