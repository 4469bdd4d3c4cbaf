#pragma once

#include "telemetry/events.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// Loads recent history of devices (API.md GET /api/v1/telemetry/history,
// issue 6 item 4) and hands each device's page over as one signal; merging
// it with live data is SeriesStore's job. At most one request per device is
// in flight: a new load of the same device replaces the old one.
//
// Uses the given QNetworkAccessManager (not owned) and asks the token
// source for the access token at each request. Never logs a token.
class HistoryLoader : public QObject
{
    Q_OBJECT

public:
    using TokenSource = std::function<QString()>;

    // network: not owned, must outlive the loader.
    explicit HistoryLoader(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~HistoryLoader() override;

    void setServer(const QUrl &server) { m_server = server; }
    void setTokenSource(TokenSource source) { m_tokenSource = std::move(source); }
    // The most points asked for per device (the contract's default is 10000).
    void setLimit(int points) { m_limit = points; }

    // Asks for deviceId's points with device time in [sinceMs, untilMs).
    void load(const QString &deviceId, qint64 sinceMs, qint64 untilMs);
    // Drops every request in flight (no signal for them).
    void cancelAll();
    int pendingCount() const { return int(m_replies.size()); }
    bool isLoading(const QString &deviceId) const { return m_replies.contains(deviceId); }

signals:
    void loaded(const QString &deviceId, const Sightline::HistoryPage &page);
    // httpStatus 0: no answer; 401: the token was refused.
    void failed(const QString &deviceId, const QString &reason, int httpStatus);
    void pendingCountChanged(int pending);

private:
    void handleFinished(const QString &deviceId, QNetworkReply *reply);

    QNetworkAccessManager *m_network; // not owned
    QUrl m_server;
    TokenSource m_tokenSource;
    int m_limit = 10000;
    QHash<QString, QPointer<QNetworkReply>> m_replies;
};

} // namespace Sightline
