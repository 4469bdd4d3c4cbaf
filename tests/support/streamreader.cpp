#include "streamreader.h"

#include <QEventLoop>
#include <QHostAddress>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>

namespace Sightline::Test {

void StreamReader::open(quint16 port, const QByteArray &token, const QByteArray &query,
                        const QByteArray &lastEventId, const QByteArray &extraRequestBytes)
{
    QObject::connect(&m_socket, &QIODevice::readyRead, &m_socket, [this] { read(); });
    QObject::connect(&m_socket, &QAbstractSocket::disconnected, &m_socket, [this] { m_closed = true; });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray request = "GET /api/v1/telemetry/stream" + (query.isEmpty() ? QByteArray() : "?" + query)
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    if (!token.isNull())
        request += "Authorization: Bearer " + token + "\r\n";
    if (!lastEventId.isNull())
        request += "Last-Event-ID: " + lastEventId + "\r\n";
    request += "\r\n" + extraRequestBytes;
    m_socket.write(request);
}

QList<quint64> StreamReader::ids() const
{
    QList<quint64> out;
    for (const SseEvent &event : m_events) {
        if (event.type != QLatin1String("system"))
            out.append(QJsonDocument::fromJson(event.data).object().value(QStringLiteral("id")).toString().toULongLong());
    }
    return out;
}

qsizetype StreamReader::idCount() const
{
    return std::count_if(m_events.cbegin(), m_events.cend(),
                         [](const SseEvent &event) { return event.type != QLatin1String("system"); });
}

QList<QJsonObject> StreamReader::eventsOfType(const QString &type) const
{
    QList<QJsonObject> out;
    for (const SseEvent &event : m_events) {
        if (event.type == type)
            out.append(QJsonDocument::fromJson(event.data).object());
    }
    return out;
}

bool StreamReader::hasSystemEvent(const QString &kind) const
{
    for (const QJsonObject &event : systemEvents()) {
        if (event.value(QStringLiteral("data")).toObject().value(QStringLiteral("kind")).toString() == kind)
            return true;
    }
    return false;
}

bool StreamReader::waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    const auto check = [&] {
        if (done())
            loop.quit();
    };
    QObject::connect(&m_socket, &QIODevice::readyRead, &loop, check, Qt::QueuedConnection);
    QObject::connect(&m_socket, &QAbstractSocket::disconnected, &loop, check, Qt::QueuedConnection);
    // Conditions that change without a read (server-side publishing in
    // this process) are checked again now and then.
    QTimer recheck;
    QObject::connect(&recheck, &QTimer::timeout, &loop, check);
    recheck.start(20);
    timeout.start(timeoutMs);
    loop.exec();
    return done();
}

void StreamReader::read()
{
    const QByteArray bytes = m_socket.readAll();
    if (m_status == 0) {
        m_head += bytes;
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = m_head.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                m_headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        m_status = statusLine.value(1).toInt();
        feed(m_head.mid(end + 4));
        m_head.clear();
        return;
    }
    feed(bytes);
}

void StreamReader::feed(const QByteArray &bytes)
{
    m_body += bytes;
    m_events += m_parser.feed(bytes);
}

} // namespace Sightline::Test
