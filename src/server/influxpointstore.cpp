#include "server/influxpointstore.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <algorithm>
#include <limits>

#include "server/influxlineprotocol.h"
#include "server/logging.h"

namespace Sightline {

namespace {

// InfluxDB 1.x keeps times as int64 ns, minus two reserved values at each
// end (models.MinNanoTime, models.MaxNanoTime).
constexpr qint64 kMinNs = std::numeric_limits<qint64>::min() + 2;
constexpr qint64 kMaxNs = std::numeric_limits<qint64>::max() - 1;
constexpr qint64 kNsPerMs = 1000000;

// InfluxDB drops points older than the retention policy with this 400
// ("partial write: points beyond retention policy dropped=N"): they would
// have expired anyway, so the write counts as done.
const QLatin1String kBeyondRetention("partial write: points beyond retention policy");

// Why we aborted a reply ourselves (failureText() reports it).
const char kAbortReasonProperty[] = "sightlineAbortReason";

// The body of a finished reply (none when it was aborted).
QByteArray answerBody(QNetworkReply *reply)
{
    return reply->isOpen() ? reply->readAll() : QByteArray();
}

QByteArray percentEncoded(const QString &text)
{
    // Also '+', which a query-string decoder would read as a space.
    return QUrl::toPercentEncoding(text);
}

qint64 clampedNs(const QDateTime &time, qint64 fallback)
{
    if (!time.isValid())
        return fallback;
    const qint64 ms = time.toMSecsSinceEpoch();
    if (ms <= kMinNs / kNsPerMs)
        return kMinNs;
    if (ms >= kMaxNs / kNsPerMs)
        return kMaxNs;
    return ms * kNsPerMs;
}

// The error InfluxDB put in an answer: {"error": ...} for a failed request,
// a statement's "error" in {"results": [...]} for a failed statement.
QString answerError(const QJsonObject &answer)
{
    if (answer.contains(QLatin1String("error")))
        return answer.value(QLatin1String("error")).toString();
    const QJsonArray results = answer.value(QLatin1String("results")).toArray();
    for (const QJsonValue &result : results) {
        const QJsonObject object = result.toObject();
        if (object.contains(QLatin1String("error")))
            return object.value(QLatin1String("error")).toString();
    }
    return {};
}

QString answerError(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject())
        return answerError(document.object());
    return QString::fromUtf8(body.trimmed().left(300));
}

// Fills `result` from the answer to the history SELECT (rows newest first);
// returns InfluxDB's error, if any.
QString decodeHistory(const QJsonObject &answer, const HistoryQuery &query, HistoryResult *result)
{
    if (const QString error = answerError(answer); !error.isEmpty())
        return error;
    const QJsonObject statement = answer.value(QLatin1String("results")).toArray().at(0).toObject();
    bool partial = statement.value(QLatin1String("partial")).toBool();
    const QJsonArray series = statement.value(QLatin1String("series")).toArray();
    for (const QJsonValue &seriesValue : series) {
        const QJsonObject object = seriesValue.toObject();
        partial = partial || object.value(QLatin1String("partial")).toBool();
        QStringList columns;
        for (const QJsonValue &column : object.value(QLatin1String("columns")).toArray())
            columns.append(column.toString());
        const qsizetype timeColumn = columns.indexOf(QLatin1String("time"));
        if (timeColumn < 0)
            return QStringLiteral("the answer has no time column");
        const QJsonArray rows = object.value(QLatin1String("values")).toArray();
        for (const QJsonValue &rowValue : rows) {
            if (result->points.size() >= query.limit) {
                result->truncated = true;
                break;
            }
            const QJsonArray row = rowValue.toArray();
            HistoryPoint point;
            point.ts = QDateTime::fromMSecsSinceEpoch(row.at(timeColumn).toInteger(), Qt::UTC);
            QJsonObject fields;
            for (qsizetype i = 0; i < columns.size() && i < row.size(); ++i) {
                const QJsonValue value = row.at(i);
                if (i == timeColumn || !value.isDouble())
                    continue; // null: the point has no such field
                if (columns.at(i) == InfluxLineProtocol::seqField()) {
                    point.seq = value.toInteger();
                    continue;
                }
                const QString name = InfluxLineProtocol::fieldName(columns.at(i));
                if (!name.isEmpty())
                    fields.insert(name, value.toDouble());
            }
            // As SqliteWorker::readHistory: the point stays even when it has
            // none of the selected fields.
            if (!query.fields.isEmpty()) {
                QJsonObject selected;
                for (const QString &name : query.fields) {
                    if (fields.contains(name))
                        selected.insert(name, fields.value(name));
                }
                fields = selected;
            }
            point.fields = fields;
            result->points.append(point);
        }
    }
    // A max-row-limit of the server cut the answer short.
    if (partial)
        result->truncated = true;
    std::reverse(result->points.begin(), result->points.end());
    return {};
}

// Fills `result` from the answer to the bucket SELECT (newest bucket
// first): columns "count_<key>", "min_<key>", "max_<key>", "mean_<key>",
// "last_<key>" (the wildcard functions) or the same names as aliases.
QString decodeBuckets(const QJsonObject &answer, const HistoryQuery &query, HistoryResult *result)
{
    if (const QString error = answerError(answer); !error.isEmpty())
        return error;
    const QJsonObject statement = answer.value(QLatin1String("results")).toArray().at(0).toObject();
    bool partial = statement.value(QLatin1String("partial")).toBool();
    const QJsonArray series = statement.value(QLatin1String("series")).toArray();
    enum class Aggregate { Count, Min, Max, Mean, Last };
    struct Column
    {
        Aggregate aggregate;
        QString field; // empty for "@seq" and keys of other writers
    };
    for (const QJsonValue &seriesValue : series) {
        const QJsonObject object = seriesValue.toObject();
        partial = partial || object.value(QLatin1String("partial")).toBool();
        const QJsonArray columnNames = object.value(QLatin1String("columns")).toArray();
        qsizetype timeColumn = -1;
        QList<std::optional<Column>> columns;
        for (qsizetype i = 0; i < columnNames.size(); ++i) {
            const QString name = columnNames.at(i).toString();
            if (name == QLatin1String("time"))
                timeColumn = i;
            const qsizetype split = name.indexOf(QLatin1Char('_'));
            static const QList<std::pair<QLatin1String, Aggregate>> prefixes{
                {QLatin1String("count"), Aggregate::Count}, {QLatin1String("min"), Aggregate::Min},
                {QLatin1String("max"), Aggregate::Max}, {QLatin1String("mean"), Aggregate::Mean},
                {QLatin1String("last"), Aggregate::Last}};
            std::optional<Column> column;
            for (const auto &[prefix, aggregate] : prefixes) {
                if (split > 0 && QStringView(name).first(split) == prefix)
                    column = Column{aggregate, InfluxLineProtocol::fieldName(name.mid(split + 1))};
            }
            columns.append(column);
        }
        if (timeColumn < 0)
            return QStringLiteral("the answer has no time column");
        const QJsonArray rows = object.value(QLatin1String("values")).toArray();
        for (const QJsonValue &rowValue : rows) {
            if (result->buckets.size() >= query.limit) {
                result->truncated = true;
                break;
            }
            const QJsonArray row = rowValue.toArray();
            HistoryStepBucket bucket;
            bucket.startMs = row.at(timeColumn).toInteger();
            QMap<QString, FieldAggregate> fields;
            for (qsizetype i = 0; i < columns.size() && i < row.size(); ++i) {
                const QJsonValue value = row.at(i);
                if (!columns.at(i) || !value.isDouble())
                    continue; // null: no point of the bucket has that field
                const Column &column = *columns.at(i);
                if (column.aggregate == Aggregate::Count) {
                    // InfluxQL counts per field: the points of the bucket
                    // are as many as the most common field (and "@seq") has.
                    bucket.count = std::max(bucket.count, value.toInteger());
                    continue;
                }
                if (column.field.isEmpty() || (!query.fields.isEmpty() && !query.fields.contains(column.field)))
                    continue;
                FieldAggregate &field = fields[column.field];
                field.name = column.field;
                switch (column.aggregate) {
                case Aggregate::Min: field.min = value.toDouble(); break;
                case Aggregate::Max: field.max = value.toDouble(); break;
                case Aggregate::Mean: field.mean = value.toDouble(); break;
                case Aggregate::Last: field.last = value.toDouble(); break;
                case Aggregate::Count: break;
                }
            }
            if (bucket.count == 0)
                continue; // fill(none) leaves no empty bucket; this one is not ours
            bucket.fields = fields.values();
            result->buckets.append(bucket);
        }
    }
    std::reverse(result->buckets.begin(), result->buckets.end());
    if (partial)
        result->truncated = true;
    return {};
}

} // namespace

InfluxPointStore::InfluxPointStore(const QUrl &url, int retentionHours, QObject *parent)
    : PointStore(parent)
    , m_retentionHours(std::max(1, retentionHours)) // InfluxDB's minimum duration is 1h
    , m_network(new QNetworkAccessManager(this))
{
    const QUrlQuery query(url);
    m_database = query.queryItemValue(QStringLiteral("db"), QUrl::FullyDecoded);
    if (m_database.isEmpty())
        m_database = defaultDatabaseName();
    m_baseUrl = url.adjusted(
        QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    m_displayUrl = m_baseUrl.toDisplayString();
    if (!url.userName().isEmpty()) {
        const QString credentials = url.userName(QUrl::FullyDecoded) + QLatin1Char(':')
            + url.password(QUrl::FullyDecoded);
        m_authorization = "Basic " + credentials.toUtf8().toBase64();
    }

    const bool schemeOk
        = url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
    if (!url.isValid()) {
        // QUrl's words without their "; source was ...", which may hold a
        // password.
        m_urlError = QStringLiteral("the InfluxDB URL is not valid: %1")
                         .arg(url.errorString().section(QLatin1String("; source was"), 0, 0));
    } else if (!schemeOk || url.host().isEmpty()) {
        m_urlError = QStringLiteral("\"%1\" is not an InfluxDB URL "
                                    "(http(s)://[USER:PASSWORD@]HOST[:PORT][/PREFIX][?db=NAME])")
                         .arg(url.toDisplayString(QUrl::RemovePassword));
    } else {
        for (const auto &[key, value] : query.queryItems()) {
            if (key != QLatin1String("db")) {
                m_urlError
                    = QStringLiteral("the InfluxDB URL \"%1\" has an unknown parameter \"%2\" "
                                     "(only db=NAME)")
                          .arg(url.toDisplayString(QUrl::RemovePassword), key);
                break;
            }
        }
    }

    m_probeTimer.setInterval(kProbeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &InfluxPointStore::probe);
}

InfluxPointStore::~InfluxPointStore()
{
    close();
}

bool InfluxPointStore::open(QString *error)
{
    if (m_open)
        return true;
    if (!m_urlError.isEmpty()) {
        if (error)
            *error = m_urlError;
        m_status = m_urlError;
        return false;
    }
    m_open = true;
    m_status = QStringLiteral("InfluxDB at %1 was not checked yet").arg(m_displayUrl);
    startSetup();
    waitFor([this] { return !m_setupReply; }, kOpenTimeoutMs);
    if (m_setupReply) {
        // Finishes the setup with that reason; the probe goes on from there.
        abortReply(m_setupReply,
            QStringLiteral("InfluxDB at %1 is unreachable: no answer within %2 s")
                .arg(m_displayUrl)
                .arg(kOpenTimeoutMs / 1000));
    }
    if (m_setUp) {
        qCInfo(lcServerStore).noquote()
            << QStringLiteral("storing points in InfluxDB at %1, database \"%2\", retention %3 h")
                   .arg(m_displayUrl, m_database)
                   .arg(m_retentionHours);
    } else {
        // Not fatal (issue 8): ingest fails until InfluxDB is there, and the
        // probe sets it up as soon as it is.
        qCWarning(lcServerStore).noquote()
            << m_status << QStringLiteral("(points are stored once it is reachable)");
        m_reportedDown = true;
    }
    return true;
}

void InfluxPointStore::close()
{
    if (!m_open)
        return;
    m_probeTimer.stop();
    // The POSTs in flight are answered and the writes already requested go
    // out first (bounded), then whatever is still waiting is answered with
    // an error.
    waitFor(
        [this] { return m_queue.empty() && m_posts.isEmpty() && !m_setupReply; }, kCloseTimeoutMs);
    m_open = false;
    m_probeTimer.stop(); // a failure while draining may have started it
    const QList<QNetworkReply *> replies = m_network->findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        if (reply->isRunning())
            abortReply(
                reply, QStringLiteral("the InfluxDB point store closed before InfluxDB answered"));
    }
    failQueuedWrites(
        QStringLiteral("the InfluxDB point store closed before the points were stored"));
    for (const std::shared_ptr<PendingRead> &read : m_reads) {
        if (!read->finished) {
            read->finished = true;
            read->result.error = QStringLiteral("the InfluxDB point store closed");
        }
    }
    deliverReads();
    m_healthy = false;
    m_status = QStringLiteral("closed");
}

void InfluxPointStore::writePoints(const QList<PointWrite> &points, WriteCallback done)
{
    if (!m_open) {
        done(false, QStringLiteral("the InfluxDB point store is not open"));
        return;
    }
    auto write = std::make_unique<PendingWrite>();
    write->pointCount = int(points.size());
    write->done = std::move(done);
    for (const PointWrite &point : points) {
        QString error;
        const QByteArray line = InfluxLineProtocol::encodePoint(point, &error);
        if (line.isEmpty()) {
            write->error = QStringLiteral("InfluxDB cannot store the point of device %1 at %2: %3")
                               .arg(point.device.deviceId,
                                   point.point.ts.toString(Qt::ISODateWithMs), error);
            write->lines.clear();
            break;
        }
        write->lines += line + '\n';
    }
    // A write that needs no POST (no points, or one InfluxDB cannot take)
    // is answered in its turn, from the next event-loop turn on.
    write->finished = write->pointCount == 0 || !write->error.isEmpty();
    if (!write->finished)
        m_queue.push_back(write.get());
    m_writes.push_back(std::move(write));
    scheduleSend();
}

void InfluxPointStore::readHistory(const HistoryQuery &query, HistoryCallback done)
{
    auto read = std::make_shared<PendingRead>();
    read->query = query;
    read->done = std::move(done);
    m_reads.push_back(read);
    if (!m_open) {
        read->result.error = QStringLiteral("the InfluxDB point store is not open");
        read->finished = true;
        deliverReads();
        return;
    }
    const QString source = QStringLiteral("%1.%2 WHERE \"account\"::tag = %3 AND \"device\"::tag = %4"
                                          " AND time >= %5 AND time < %6")
                               .arg(InfluxLineProtocol::quoteIdentifier(retentionPolicyName()),
                                   InfluxLineProtocol::quoteIdentifier(InfluxLineProtocol::measurement()),
                                   InfluxLineProtocol::quoteString(query.accountId),
                                   InfluxLineProtocol::quoteString(query.deviceId))
                               .arg(clampedNs(query.since, kMinNs))
                               .arg(clampedNs(query.until, kMaxNs));
    if (query.stepSeconds > 0) {
        // API.md "History for long ranges": InfluxDB aligns GROUP BY time to
        // the epoch, as the contract does; fill(none) leaves out empty
        // buckets. count(*) always covers every field, so a bucket's point
        // count does not depend on the fields asked for (as with SQLite).
        QStringList selected{QStringLiteral("count(*)")};
        if (query.fields.isEmpty()) {
            selected << QStringLiteral("min(*)") << QStringLiteral("max(*)") << QStringLiteral("mean(*)")
                     << QStringLiteral("last(*)");
        } else {
            for (const QString &field : query.fields) {
                const QString key = InfluxLineProtocol::storedFieldKey(field);
                for (const QString &function : {QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("mean"),
                                                QStringLiteral("last")}) {
                    selected << QStringLiteral("%1(%2) AS %3")
                                    .arg(function, InfluxLineProtocol::quoteIdentifier(key),
                                        InfluxLineProtocol::quoteIdentifier(function + QLatin1Char('_') + key));
                }
            }
        }
        const QString statement = QStringLiteral("SELECT %1 FROM %2 GROUP BY time(%3s) fill(none) ORDER BY time DESC LIMIT %4")
                                      .arg(selected.join(QStringLiteral(", ")), source)
                                      .arg(query.stepSeconds)
                                      .arg(qint64(std::max(0, query.limit)) + 1);
        const QByteArray parameters
            = "db=" + percentEncoded(m_database) + "&epoch=ms&q=" + percentEncoded(statement);
        QNetworkReply *reply
            = m_network->get(makeRequest(endpoint(QStringLiteral("/query"), parameters)));
        connect(reply, &QNetworkReply::finished, this,
            [this, reply, read] { handleHistoryAnswer(reply, read); });
        return;
    }
    // The newest `limit` points of the range (one more tells whether there
    // are more), returned oldest first. *::field: the tags are known, and a
    // device field named like a tag ("site") stays a field. ::tag in WHERE
    // for the same reason: a plain "account" would mean such a field.
    const QString statement
        = QStringLiteral(
            "SELECT *::field FROM %1.%2 WHERE \"account\"::tag = %3 AND \"device\"::tag = %4"
            " AND time >= %5 AND time < %6 ORDER BY time DESC LIMIT %7")
              .arg(InfluxLineProtocol::quoteIdentifier(retentionPolicyName()),
                  InfluxLineProtocol::quoteIdentifier(InfluxLineProtocol::measurement()),
                  InfluxLineProtocol::quoteString(query.accountId),
                  InfluxLineProtocol::quoteString(query.deviceId))
              .arg(clampedNs(query.since, kMinNs))
              .arg(clampedNs(query.until, kMaxNs))
              .arg(qint64(std::max(0, query.limit)) + 1);
    const QByteArray parameters
        = "db=" + percentEncoded(m_database) + "&epoch=ms&q=" + percentEncoded(statement);
    QNetworkReply *reply
        = m_network->get(makeRequest(endpoint(QStringLiteral("/query"), parameters)));
    connect(reply, &QNetworkReply::finished, this,
        [this, reply, read] { handleHistoryAnswer(reply, read); });
}

void InfluxPointStore::purge(const QDateTime &)
{
    // The retention policy expires points (open()).
}

QUrl InfluxPointStore::endpoint(const QString &path, const QByteArray &encodedQuery) const
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path);
    if (!encodedQuery.isEmpty())
        url.setQuery(QString::fromLatin1(encodedQuery), QUrl::StrictMode);
    return url;
}

QNetworkRequest InfluxPointStore::makeRequest(const QUrl &url) const
{
    QNetworkRequest request(url);
    request.setTransferTimeout(kTransferTimeoutMs);
    if (!m_authorization.isEmpty())
        request.setRawHeader("Authorization", m_authorization);
    return request;
}

QNetworkReply *InfluxPointStore::postStatement(const QString &influxql)
{
    QNetworkRequest request = makeRequest(endpoint(QStringLiteral("/query"), {}));
    request.setHeader(
        QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    return m_network->post(
        request, "db=" + percentEncoded(m_database) + "&q=" + percentEncoded(influxql));
}

QString InfluxPointStore::failureText(
    QNetworkReply *reply, const QString &action, const QString &influxError) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        if (reply->error() == QNetworkReply::OperationCanceledError) {
            const QString abortReason = reply->property(kAbortReasonProperty).toString();
            if (!abortReason.isEmpty())
                return abortReason;
            // setTransferTimeout() aborts with this error.
            return QStringLiteral("InfluxDB at %1 is unreachable: no answer within %2 s")
                .arg(m_displayUrl)
                .arg(kTransferTimeoutMs / 1000);
        }
        return QStringLiteral("InfluxDB at %1 is unreachable: %2")
            .arg(m_displayUrl, reply->errorString());
    }
    if (status / 100 == 2)
        return QStringLiteral("InfluxDB at %1 could not %2: %3")
            .arg(m_displayUrl, action, influxError);
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    return QStringLiteral("InfluxDB at %1 could not %2: %3 %4: %5")
        .arg(m_displayUrl, action, QString::number(status), reason, influxError);
}

void InfluxPointStore::abortReply(QNetworkReply *reply, const QString &reason)
{
    reply->setProperty(kAbortReasonProperty, reason);
    reply->abort();
}

void InfluxPointStore::startSetup()
{
    if (!m_open || m_setupReply)
        return;
    // First look, then create or alter only what differs: a restart with the
    // same retention writes nothing, and a user allowed to write but not to
    // create databases works with a database prepared for it.
    m_setupReply = postStatement(QStringLiteral("SHOW RETENTION POLICIES ON %1")
                                     .arg(InfluxLineProtocol::quoteIdentifier(m_database)));
    connect(m_setupReply, &QNetworkReply::finished, this,
        [this, reply = m_setupReply] { handleRetentionPolicies(reply); });
}

void InfluxPointStore::handleRetentionPolicies(QNetworkReply *reply)
{
    reply->deleteLater();
    m_setupReply = nullptr;
    const QString action = QStringLiteral("list the retention policies of \"%1\"").arg(m_database);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject answer = QJsonDocument::fromJson(answerBody(reply)).object();
    const QString error = answerError(answer);
    if (status != 200) {
        finishSetup(failureText(reply, action, error));
        return;
    }

    const QString duration = QStringLiteral("%1h").arg(m_retentionHours);
    const QString database = InfluxLineProtocol::quoteIdentifier(m_database);
    const QString policy = InfluxLineProtocol::quoteIdentifier(retentionPolicyName());
    QString statement;
    if (error.startsWith(QLatin1String("database not found"))) {
        statement = QStringLiteral("CREATE DATABASE %1 WITH DURATION %2 REPLICATION 1 NAME %3")
                        .arg(database, duration, policy);
    } else if (!error.isEmpty()) {
        finishSetup(failureText(reply, action, error));
        return;
    } else {
        bool exists = false;
        bool matches = false;
        const QJsonObject series = answer.value(QLatin1String("results"))
                                       .toArray()
                                       .at(0)
                                       .toObject()
                                       .value(QLatin1String("series"))
                                       .toArray()
                                       .at(0)
                                       .toObject();
        QStringList columns;
        for (const QJsonValue &column : series.value(QLatin1String("columns")).toArray())
            columns.append(column.toString());
        const qsizetype nameColumn = columns.indexOf(QLatin1String("name"));
        const qsizetype durationColumn = columns.indexOf(QLatin1String("duration"));
        const qsizetype defaultColumn = columns.indexOf(QLatin1String("default"));
        for (const QJsonValue &rowValue : series.value(QLatin1String("values")).toArray()) {
            const QJsonArray row = rowValue.toArray();
            if (row.at(nameColumn).toString() != retentionPolicyName())
                continue;
            exists = true;
            // SHOW prints durations as Go does: 48h0m0s.
            matches = row.at(durationColumn).toString() == duration + QStringLiteral("0m0s")
                && row.at(defaultColumn).toBool();
        }
        if (matches) {
            finishSetup({});
            return;
        }
        statement = QStringLiteral("%1 RETENTION POLICY %2 ON %3 DURATION %4 REPLICATION 1 DEFAULT")
                        .arg(exists ? QStringLiteral("ALTER") : QStringLiteral("CREATE"), policy,
                            database, duration);
    }
    qCInfo(lcServerStore).noquote() << "InfluxDB:" << statement;
    m_setupReply = postStatement(statement);
    connect(m_setupReply, &QNetworkReply::finished, this,
        [this, reply = m_setupReply] { handleSetupStatement(reply); });
}

void InfluxPointStore::handleSetupStatement(QNetworkReply *reply)
{
    reply->deleteLater();
    m_setupReply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString error = answerError(answerBody(reply));
    if (status != 200 || !error.isEmpty()) {
        finishSetup(failureText(reply,
            QStringLiteral("create the database \"%1\" and its retention policy").arg(m_database),
            error));
        return;
    }
    finishSetup({});
}

void InfluxPointStore::finishSetup(const QString &error)
{
    if (error.isEmpty()) {
        m_setUp = true;
        markHealthy();
    } else {
        m_setUp = false;
        markUnhealthy(error);
        // The writes waiting for it fail now, not after the next probe.
        failQueuedWrites(error);
    }
    wakeWaiter();
    scheduleSend();
}

void InfluxPointStore::probe()
{
    if (!m_open || m_healthy) {
        m_probeTimer.stop();
        return;
    }
    // POSTs in flight do not hold the probe back: after a failure their
    // answers do not make the store healthy (handlePostFinished()).
    if (m_probeReply || m_setupReply)
        return;
    m_probeReply = m_network->get(makeRequest(endpoint(QStringLiteral("/ping"), {})));
    connect(m_probeReply, &QNetworkReply::finished, this, [this, reply = m_probeReply] {
        reply->deleteLater();
        m_probeReply = nullptr;
        if (!m_open)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 204) {
            if (m_setUp)
                markHealthy();
            else
                startSetup(); // healthy once the database is there
            return;
        }
        // Still down: the status says the latest reason, the log keeps the
        // first one (markUnhealthy()).
        m_status
            = failureText(reply, QStringLiteral("answer /ping"), answerError(answerBody(reply)));
    });
}

void InfluxPointStore::scheduleSend()
{
    if (m_sendScheduled)
        return;
    // The next event-loop turn: writes requested in this one share a POST.
    m_sendScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_sendScheduled = false;
            deliverWrites();
            sendPosts();
        },
        Qt::QueuedConnection);
}

void InfluxPointStore::sendPosts()
{
    if (!m_open || m_setupReply || m_queue.empty())
        return;
    if (!m_setUp) {
        startSetup(); // sends the queue when it is done
        return;
    }
    while (!m_queue.empty() && m_posts.size() < kMaxPostsInFlight) {
        if (!m_posts.isEmpty()) {
            int waiting = 0;
            for (const PendingWrite *write : m_queue)
                waiting += write->pointCount;
            if (waiting < m_minPointsForAnotherPost)
                return;
        }
        sendPost();
    }
}

void InfluxPointStore::sendPost()
{
    PostInFlight post;
    QByteArray body;
    int pointCount = 0;
    while (!m_queue.empty()) {
        PendingWrite *next = m_queue.front();
        if (!post.writes.isEmpty()
            && (next->alone || post.writes.constFirst()->alone
                || pointCount + next->pointCount > kMaxPointsPerPost
                || body.size() + next->lines.size() > kMaxBytesPerPost)) {
            break;
        }
        body += next->lines;
        pointCount += next->pointCount;
        post.writes.append(next);
        m_queue.pop_front();
    }

    const QByteArray parameters = "db=" + percentEncoded(m_database)
        + "&rp=" + percentEncoded(retentionPolicyName()) + "&precision=ns";
    QNetworkRequest request = makeRequest(endpoint(QStringLiteral("/write"), parameters));
    request.setHeader(
        QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain; charset=utf-8"));
    post.timer.start();
    QNetworkReply *reply = m_network->post(request, body);
    m_posts.insert(reply, post);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { handlePostFinished(reply); });
}

void InfluxPointStore::handlePostFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const PostInFlight post = m_posts.take(reply);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString influxError = status == 204 ? QString() : answerError(answerBody(reply));

    if (status == 204 || (status == 400 && influxError.startsWith(kBeyondRetention))) {
        emit commitTimed(double(post.timer.nsecsElapsed()) / 1e9);
        // After a failed POST only the check makes the store healthy again:
        // this one may have left before that failure.
        if (m_setUp)
            markHealthy();
        for (PendingWrite *write : post.writes)
            write->finished = true;
    } else if (status == 400 && post.writes.size() > 1) {
        // Some point of the group was refused (the others are stored: a
        // "partial write"). Each write goes again on its own, before the
        // writes still waiting, so only the one with the bad point fails;
        // writing a point twice is harmless.
        qCDebug(lcServerStore).noquote() << "InfluxDB refused a group of" << post.writes.size()
                                         << "writes, retrying each alone:" << influxError;
        for (auto it = post.writes.crbegin(); it != post.writes.crend(); ++it) {
            (*it)->alone = true;
            m_queue.push_front(*it);
        }
    } else {
        const QString error = failureText(reply, QStringLiteral("store the points"), influxError);
        if (status == 400) {
            // About these points, not about InfluxDB: health stays.
            if (error != m_lastRejection)
                qCWarning(lcServerStore).noquote() << error;
            m_lastRejection = error;
        } else {
            m_setUp = false; // checked again before the next POST
            markUnhealthy(error);
        }
        for (PendingWrite *write : post.writes) {
            write->finished = true;
            write->error = error;
        }
    }
    deliverWrites();
    wakeWaiter();
    scheduleSend();
}

void InfluxPointStore::deliverWrites()
{
    // A write answered before an earlier one waits for it.
    while (!m_writes.empty() && m_writes.front()->finished) {
        const std::unique_ptr<PendingWrite> write = std::move(m_writes.front());
        m_writes.pop_front();
        write->done(write->error.isEmpty(), write->error);
    }
}

void InfluxPointStore::handleHistoryAnswer(
    QNetworkReply *reply, const std::shared_ptr<PendingRead> &read)
{
    reply->deleteLater();
    if (read->finished)
        return; // answered by close()
    const QString action = QStringLiteral("read the history");
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = answerBody(reply);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (status != 200) {
        read->result.error = failureText(reply, action, answerError(body));
        if (status == 0 && m_open)
            markUnhealthy(read->result.error);
    } else if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        read->result.error = failureText(reply, action,
            QStringLiteral("the answer is not JSON (%1)").arg(parseError.errorString()));
    } else if (const QString error = read->query.stepSeconds > 0
                   ? decodeBuckets(document.object(), read->query, &read->result)
                   : decodeHistory(document.object(), read->query, &read->result);
               !error.isEmpty()) {
        read->result = HistoryResult();
        read->result.error = failureText(reply, action, error);
    } else {
        read->result.ok = true;
    }
    read->finished = true;
    deliverReads();
}

void InfluxPointStore::deliverReads()
{
    while (!m_reads.empty() && m_reads.front()->finished) {
        const std::shared_ptr<PendingRead> read = m_reads.front();
        m_reads.pop_front();
        read->done(read->result);
    }
}

void InfluxPointStore::failQueuedWrites(const QString &error)
{
    const std::deque<PendingWrite *> queue = std::exchange(m_queue, {});
    for (PendingWrite *write : queue) {
        write->finished = true;
        write->error = error;
    }
    deliverWrites();
}

void InfluxPointStore::markUnhealthy(const QString &reason)
{
    if (m_healthy) {
        qCWarning(lcServerStore).noquote() << reason;
        m_reportedDown = true;
    }
    m_healthy = false;
    m_status = reason;
    if (m_open && !m_probeTimer.isActive())
        m_probeTimer.start();
}

void InfluxPointStore::markHealthy()
{
    if (m_reportedDown) {
        qCInfo(lcServerStore).noquote()
            << QStringLiteral("InfluxDB at %1 is reachable again").arg(m_displayUrl);
        m_reportedDown = false;
    }
    m_healthy = true;
    m_status = QStringLiteral("ok");
    m_probeTimer.stop();
}

void InfluxPointStore::waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    if (condition())
        return;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    m_waitLoop = &loop;
    m_waitCondition = condition;
    loop.exec();
    m_waitLoop = nullptr;
    m_waitCondition = nullptr;
}

void InfluxPointStore::wakeWaiter()
{
    if (m_waitLoop && m_waitCondition())
        m_waitLoop->quit();
}

} // namespace Sightline
