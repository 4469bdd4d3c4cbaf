#pragma once

#include "telemetry/events.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// Loads the devices the signed-in user may see (API.md GET /api/v1/devices)
// for the device tree. One request at a time: a new load() replaces the one
// in flight. Uses the given QNetworkAccessManager (not owned).
class DeviceDirectory : public QObject
{
    Q_OBJECT

public:
    using TokenSource = std::function<QString()>;

    // network: not owned, must outlive the directory.
    explicit DeviceDirectory(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~DeviceDirectory() override;

    void setServer(const QUrl &server) { m_server = server; }
    void setTokenSource(TokenSource source) { m_tokenSource = std::move(source); }

    void load();
    void cancel();
    bool isLoading() const { return !m_reply.isNull(); }

signals:
    void loaded(const QList<Sightline::DeviceInfo> &devices);
    // httpStatus 0: no answer; 401: the token was refused.
    void failed(const QString &reason, int httpStatus);

private:
    void handleFinished(QNetworkReply *reply);

    QNetworkAccessManager *m_network; // not owned
    QUrl m_server;
    TokenSource m_tokenSource;
    QPointer<QNetworkReply> m_reply;
};

} // namespace Sightline
