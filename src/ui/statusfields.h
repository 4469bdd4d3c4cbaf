#pragma once

#include <QWidget>

class QLabel;

namespace Sightline {

// The status bar's fields: server, user, events/s, the age of the last
// event and the measured latency from device timestamp to screen.
class StatusFields : public QWidget
{
    Q_OBJECT

public:
    explicit StatusFields(QWidget *parent = nullptr);
    ~StatusFields() override;

    void setServer(const QString &server);
    void setUser(const QString &user);
    void setEventsPerSecond(double rate);
    // ageMs < 0: no event yet.
    void setLastEventAge(qint64 ageMs);
    // ms < 0: not measured yet.
    void setLatency(qint64 ms);

    QString serverText() const;
    QString userText() const;
    QString rateText() const;
    QString ageText() const;
    QString latencyText() const;

private:
    QLabel *addField(const QString &toolTip);

    QLabel *m_server = nullptr;
    QLabel *m_user = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_age = nullptr;
    QLabel *m_latency = nullptr;
};

} // namespace Sightline
