#include "ingestrecorder.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Sightline::Test {

IngestRecorder::IngestRecorder(MisbehavingServer &server)
{
    server.setHandler([this](const ReceivedRequest &request) { return handle(request); });
}

int IngestRecorder::store(const QJsonArray &points)
{
    int duplicates = 0;
    for (const QJsonValue &value : points) {
        const QJsonObject point = value.toObject();
        const qint64 seq = qint64(point.value(QStringLiteral("seq")).toDouble());
        const QString key = point.value(QStringLiteral("deviceId")).toString() + QLatin1Char('/') + QString::number(seq);
        if (storedKeys.contains(key)) {
            ++duplicates;
            continue;
        }
        storedKeys.insert(key);
        storedOrder.append(seq);
        storedPoints.append(point);
    }
    return duplicates;
}

ServerScript IngestRecorder::accept(const QJsonArray &points)
{
    const int duplicates = store(points);
    const QJsonObject body{{QStringLiteral("accepted"), points.size()},
                           {QStringLiteral("duplicates"), duplicates},
                           {QStringLiteral("ids"), QJsonArray()}};
    return ServerScript::response(202, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact));
}

ServerScript IngestRecorder::handle(const ReceivedRequest &request)
{
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    // A single point is a batch of one (API.md "POST /api/v1/telemetry").
    const QJsonArray points = document.isArray() ? document.array() : QJsonArray{document.object()};
    requests.append(points);
    apiKeys.append(request.header("x-api-key"));
    for (const QJsonValue &point : points)
        receivedSeqs.append(qint64(point.toObject().value(QStringLiteral("seq")).toDouble()));
    if (!m_answers.isEmpty())
        return m_answers.takeFirst()(points);
    if (m_default)
        return m_default(points);
    return accept(points);
}

} // namespace Sightline::Test
