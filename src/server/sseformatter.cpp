#include "server/sseformatter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include "server/rfc3339.h"
#include "server/storagetypes.h"

namespace Sightline {

namespace {

// A field value must not contain CR or LF: either would end the line
// (WHATWG "9.2.6 Interpreting an event stream": lines end at CRLF, LF or CR).
void appendWithoutLineBreaks(QByteArray &out, QByteArrayView value, char replacement)
{
    for (const char c : value) {
        if (c == '\r' || c == '\n') {
            if (replacement)
                out.append(replacement);
        } else {
            out.append(c);
        }
    }
}

} // namespace

QByteArray SseFormatter::retryField(int milliseconds)
{
    return QByteArrayLiteral("retry: ") + QByteArray::number(milliseconds) + QByteArrayLiteral("\n\n");
}

QByteArray SseFormatter::comment(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size() + 3);
    out.append(": ");
    appendWithoutLineBreaks(out, text, ' ');
    out.append('\n');
    return out;
}

QByteArray SseFormatter::event(QByteArrayView id, QByteArrayView type, QByteArrayView data)
{
    QByteArray out;
    out.reserve(id.size() + type.size() + data.size() + 24);
    if (!id.isEmpty()) {
        out.append("id: ");
        appendWithoutLineBreaks(out, id, 0);
        out.append('\n');
    }
    out.append("event: ");
    appendWithoutLineBreaks(out, type, 0);
    out.append('\n');
    // One data line per line of the payload; compact JSON never has a raw
    // line break, so events normally get exactly one.
    qsizetype start = 0;
    const qsizetype size = data.size();
    while (true) {
        qsizetype end = start;
        while (end < size && data.at(end) != '\n' && data.at(end) != '\r')
            ++end;
        out.append("data: ");
        out.append(data.sliced(start, end - start));
        out.append('\n');
        if (end >= size)
            break;
        start = end + 1;
        if (data.at(end) == '\r' && start < size && data.at(start) == '\n')
            ++start; // CRLF is one line break
        if (start == size) {
            out.append("data: \n"); // the payload ended with a line break
            break;
        }
    }
    out.append('\n');
    return out;
}

QByteArray SseFormatter::storedEvent(const StoredEvent &event)
{
    const QByteArray json = QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
    return SseFormatter::event(QByteArray::number(event.id), event.type.toUtf8(), json);
}

QByteArray SseFormatter::systemEvent(const QString &kind, const QString &message, const QDateTime &ts)
{
    const QJsonObject object{
        {QStringLiteral("id"), QJsonValue::Null},
        {QStringLiteral("ts"), formatRfc3339Utc(ts)},
        {QStringLiteral("topic"), QJsonValue::Null},
        {QStringLiteral("type"), QStringLiteral("system")},
        {QStringLiteral("data"),
         QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("message"), message}}},
    };
    return event({}, "system", QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace Sightline
