#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace Sightline {

// Turns POSIX signals (SIGINT, SIGTERM) into a Qt signal on the main thread,
// with the self-pipe pattern from the Qt documentation ("Calling Qt
// Functions From Unix Signal Handlers"): the handler only write()s the signal
// number to a socketpair, which is async-signal-safe; a QSocketNotifier reads
// it in the event loop. One instance per process; the destructor restores
// the default handlers.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    // One of the watched signals arrived.
    void signalReceived(int signalNumber);

private:
    void handleActivated();

    QList<int> m_signalNumbers;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Sightline
