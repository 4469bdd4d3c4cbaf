#pragma once

#include "telemetry/events.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// Loads the alerts that are firing when the dashboard signs in (API.md
// GET /api/v1/alerts, issue 6): the stream only carries alerts published
// after it connects. The answer lists alert events; the loader keeps, per
// (device, rule), the newest one and hands over those still firing, each
// with its event id so the table can drop the same event when the stream
// delivers it too.
//
// Uses the given QNetworkAccessManager (not owned) and asks the token
// source for the access token at each request. Never logs a token.
class AlertsLoader : public QObject
{
    Q_OBJECT

public:
    using TokenSource = std::function<QString()>;

    struct FiringAlert
    {
        QString eventId;
        AlertEvent alert;
    };

    // network: not owned, must outlive the loader.
    explicit AlertsLoader(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~AlertsLoader() override;

    void setServer(const QUrl &server) { m_server = server; }
    void setTokenSource(TokenSource source) { m_tokenSource = std::move(source); }

    // Asks for the alerts; a load in flight is replaced.
    void load();
    void cancel();
    bool isLoading() const { return !m_reply.isNull(); }

    // The alerts of an answer's "alerts" array still firing, oldest first,
    // or an error for an answer that does not follow the contract.
    static ParseResult<QList<FiringAlert>> firingAlertsIn(const QJsonObject &body);

signals:
    void loaded(const QList<Sightline::AlertsLoader::FiringAlert> &alerts);
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
