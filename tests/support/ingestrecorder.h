#pragma once

#include "misbehavingserver.h"

#include <QJsonArray>
#include <QList>
#include <QSet>

#include <functional>

namespace Sightline::Test {

// Plays POST /api/v1/telemetry on a MisbehavingServer for device-side tests
// (issue 7): records every point of every request, stores each (seq) once
// like the real server's de-duplication and answers 202 {"accepted",
// "duplicates", "ids"}, unless a scripted answer is queued or a default
// answer set. It installs itself as the server's handler.
//
//   MisbehavingServer server;
//   IngestRecorder ingest(server);
//   ingest.queue([](const QJsonArray &) { return ServerScript::jsonError(503, "storage_unavailable"); });
//   ... later: ingest.storedOrder == the seqs, each once, in arrival order
class IngestRecorder
{
public:
    using Answer = std::function<ServerScript(const QJsonArray &points)>;

    // server: not owned; must outlive the recorder's use.
    explicit IngestRecorder(MisbehavingServer &server);

    // The answer to the next request (queued answers go first, in order).
    void queue(Answer answer) { m_answers.append(std::move(answer)); }
    // The answer when nothing is queued (default: accept()).
    void setDefault(Answer answer) { m_default = std::move(answer); }

    // Stores the points; returns how many were already stored.
    int store(const QJsonArray &points);
    // store() and a 202 answer with the duplicates count.
    ServerScript accept(const QJsonArray &points);

    QList<QJsonArray> requests; // bodies, in arrival order
    QList<QByteArray> apiKeys; // x-api-key of each request
    QList<qint64> receivedSeqs; // every seq of every request, resends included
    QSet<QString> storedKeys; // "deviceId/seq"
    QList<qint64> storedOrder; // first arrival of each (deviceId, seq)
    QList<QJsonObject> storedPoints; // the same points, whole

private:
    ServerScript handle(const ReceivedRequest &request);

    QList<Answer> m_answers;
    Answer m_default;
};

} // namespace Sightline::Test
