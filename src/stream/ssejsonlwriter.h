#pragma once

#include "stream/sseparser.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

namespace Sightline {

// Turns SseParser output into the JSON Lines of `sightline-tail --stdin`
// (API.md "Command-line clients"), keeping stream order:
//   {"event":"<type>","data":"<data>","lastEventId":"<id>"}   per dispatched event
//   {"retry":<ms>}                                             per valid retry field
// Compact JSON, keys in that order, one object per line. Pure: it only
// collects bytes; the caller decides where they go. Parser errors are kept as
// messages for the caller to print on standard error.
//
// Takes the parser's events as views (SseParser::ViewHandler): the UTF-8 of
// type, data and id goes straight into the line, no SseEvent (two heap
// allocations and a UTF-16 round trip) per event.
class SseJsonlWriter final : public SseParser::ViewHandler
{
public:
    void handleEvent(const SseEventView &event) override;
    void handleRetry(qint64 milliseconds) override;
    void handleError(SseParser::Error error, const QString &message) override;

    // The lines produced since the last call (each ends with LF).
    QByteArray takeOutput();
    // The error messages produced since the last call.
    QStringList takeErrors();

    static QByteArray eventLine(const SseEvent &event);
    static QByteArray retryLine(qint64 milliseconds);
    // Appends `utf8` (valid UTF-8) as a JSON string literal, quotes included.
    static void appendJsonString(QByteArray &out, QByteArrayView utf8);

private:
    QByteArray m_output;
    QStringList m_errors;
};

} // namespace Sightline
