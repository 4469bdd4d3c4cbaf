#include "influxprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace Sightline::Test {

namespace {

struct HttpAnswer
{
    int status = 0; // 0: no HTTP answer (errorString says why)
    QByteArray body;
    QString errorString;
};

// One POST, waited for in a local event loop (the fixture is synchronous).
HttpAnswer post(const QUrl &url, const QByteArray &contentType, const QByteArray &body)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setTransferTimeout(InfluxProcess::kRequestTimeoutMs);
    QNetworkReply *reply = manager.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.errorString = reply->errorString();
    delete reply;
    return answer;
}

// TOML basic string.
QString quoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

} // namespace

InfluxProcess::InfluxProcess()
    : ExternalServer(QStringLiteral("influxd"), 2)
{
}

QString InfluxProcess::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

QString InfluxProcess::configPath() const
{
    return filePath(QStringLiteral("influxd.conf"));
}

QStringList InfluxProcess::arguments() const
{
    return { QStringLiteral("-config"), configPath() };
}

bool InfluxProcess::prepare(QString *error)
{
    const QString http = QStringLiteral("127.0.0.1:%1").arg(port());
    const QString rpc = QStringLiteral("127.0.0.1:%1").arg(rpcPort());
    // influxd 1.x ignores keys it does not know: upstream reads
    // reporting-disabled, Debian's build reporting-enabled; set both.
    const QString config = QStringLiteral(R"(reporting-disabled = true
reporting-enabled = false
bind-address = %1

[meta]
  dir = %2
  logging-enabled = false

[data]
  dir = %3
  wal-dir = %4
  wal-fsync-delay = "0s"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false
  log-enabled = false

[http]
  enabled = true
  bind-address = %5
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true

[[udp]]
  enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false
)")
                               .arg(quoted(rpc), quoted(filePath(QStringLiteral("meta"))),
                                   quoted(filePath(QStringLiteral("data"))),
                                   quoted(filePath(QStringLiteral("wal"))), quoted(http));
    QFile file(configPath());
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(config.toUtf8()) < 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(configPath(), file.errorString());
        return false;
    }
    return true;
}

bool InfluxProcess::isReady()
{
    // GET /ping answers 204 once the HTTP service and the stores are open.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    if (!socket.waitForConnected(kProbeTimeoutMs))
        return false;
    socket.write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    const QDeadlineTimer deadline(kProbeTimeoutMs);
    while (!answer.contains("\r\n") && socket.waitForReadyRead(int(deadline.remainingTime())))
        answer += socket.readAll();
    return answer.startsWith("HTTP/1.1 204");
}

QByteArray InfluxProcess::query(const QString &influxql, const QString &db)
{
    // Percent-encoded by hand: QUrlQuery leaves '+', which a form decoder
    // reads as a space.
    QByteArray form = "epoch=ns&q=" + QUrl::toPercentEncoding(influxql);
    if (!db.isEmpty())
        form += "&db=" + QUrl::toPercentEncoding(db);
    const HttpAnswer answer
        = post(QUrl(url() + QStringLiteral("/query")), "application/x-www-form-urlencoded", form);
    if (answer.status == 0) {
        setErrorString(QStringLiteral("influxd query failed: %1").arg(answer.errorString));
        return {};
    }
    return answer.body;
}

bool InfluxProcess::write(const QByteArray &lineProtocol, const QString &db)
{
    const QUrl writeUrl(url() + QStringLiteral("/write?precision=ns&db=")
        + QString::fromLatin1(QUrl::toPercentEncoding(db)));
    const HttpAnswer answer = post(writeUrl, "text/plain; charset=utf-8", lineProtocol);
    if (answer.status == 204)
        return true;
    setErrorString(answer.status == 0
            ? QStringLiteral("influxd write failed: %1").arg(answer.errorString)
            : QStringLiteral("influxd write failed: HTTP %1 %2")
                  .arg(answer.status)
                  .arg(QString::fromUtf8(answer.body)));
    return false;
}

} // namespace Sightline::Test
