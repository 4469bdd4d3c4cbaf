#pragma once

#include <QObject>

#include <memory>

class QSocketNotifier;

namespace Sightline {

// Turns SIGINT and SIGTERM into a Qt signal on the main thread (the
// self-pipe trick: the handler only writes a byte), so Ctrl-C ends
// sightline-device with its summary instead of mid-line. One instance per
// process.
class StopSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit StopSignalWatcher(QObject *parent = nullptr);
    ~StopSignalWatcher() override;

signals:
    // signalNumber: SIGINT or SIGTERM.
    void stopRequested(int signalNumber);

private:
    void readSignal();

    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace Sightline
