#include "devicedirectory.h"

#include "apirequest.h"
#include "logging.h"

#include <QNetworkReply>

namespace Sightline {

DeviceDirectory::DeviceDirectory(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
}

DeviceDirectory::~DeviceDirectory()
{
    cancel();
}

void DeviceDirectory::load()
{
    cancel();
    const QUrl url = ApiRequest::endpoint(m_server, QStringLiteral("/api/v1/devices"));
    QNetworkReply *reply = ApiRequest::get(m_network, url, m_tokenSource ? m_tokenSource() : QString());
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { handleFinished(reply); });
}

void DeviceDirectory::cancel()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    ApiRequest::abandon(reply, this);
}

void DeviceDirectory::handleFinished(QNetworkReply *reply)
{
    if (m_reply != reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const ApiRequest::Answer answer = ApiRequest::read(reply);
    if (!answer.isOk()) {
        qCWarning(lcApp).noquote() << "device list not loaded:" << answer.errorString;
        emit failed(answer.errorString, answer.status);
        return;
    }
    const ParseResult<QList<DeviceInfo>> devices = DeviceInfo::listFromJson(answer.body);
    if (!devices.isOk()) {
        qCWarning(lcApp).noquote() << "device list unreadable:" << devices.error();
        emit failed(devices.error(), answer.status);
        return;
    }
    emit loaded(devices.value());
}

} // namespace Sightline
