#pragma once

#include "stream/sseevent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Sightline {

// The incremental event-stream parser (issue 2): bytes in, events out,
// following WHATWG HTML "9.2.6 Interpreting an event stream" to the letter.
//
// It owns the state between feed() calls: the partial line, the UTF-8 BOM
// check at the start of the stream, a CR that may be followed by the LF of a
// CRLF in the next chunk, the data / event type / last event ID buffers, the
// last event ID string and the reconnection time. Chunks may be split
// anywhere (inside a line, a CRLF or a multi-byte UTF-8 sequence): the output
// is the same for any split of the same bytes.
//
// It is pure: no QObject, no sockets, timers or reconnect policy; that is
// StreamClient's job. It does not throw.
//
// Decoding: bytes are decoded as the Encoding standard's "UTF-8 decode": one
// leading BOM is removed at the very start of the stream only, and each
// invalid sequence becomes one U+FFFD. End of stream: there is no finish()
// call because the standard discards an unfinished line and an undispatched
// event when the stream ends; just stop feeding (or call reset()).
//
// Size limit: an event is too large when its data buffer plus the line being
// read exceed maxEventSize() bytes (default 16 MiB); this also bounds a line
// that never ends. The parser then reports Error::EventTooLarge (through
// Handler::handleError and error()), discards the event under construction
// (its data and event type) and the rest of the overflowing line, skips every
// following line up to and including the next blank line without
// interpreting it, and resumes normal parsing after that blank line. The blank line that ends the
// skipped part behaves like one ending an event with no data: an `id:` seen before the overflow
// still becomes lastEventId(), nothing is dispatched. Memory therefore stays
// below about twice the limit whatever the input.
class SseParser
{
public:
    enum class Error {
        None,
        EventTooLarge, // see "Size limit" above
    };

    static constexpr qsizetype kDefaultMaxEventSize = 16 * 1024 * 1024;

    // Receives everything the parser produces, in stream order. Use it when
    // the order of retry fields and errors relative to events matters (for
    // example sightline-tail --stdin); otherwise the list-returning feed() is
    // simpler. It is also faster for many small events: no list is built and
    // each event can be freed before the next one is made (bench/parser).
    class Handler
    {
    public:
        virtual ~Handler();
        // An event was dispatched (a blank line ended an event with data).
        virtual void handleEvent(SseEvent &&event) = 0;
        // A valid `retry:` field (only ASCII digits, at least one) set the
        // reconnection time to `milliseconds` (saturated at the qint64 maximum).
        virtual void handleRetry(qint64 milliseconds);
        // A runaway event was discarded; `message` says what happened.
        virtual void handleError(Sightline::SseParser::Error error, const QString &message);
    };

    // Like Handler, but each event arrives as a view that is valid only
    // during handleEvent() (see SseEventView): no copy of the data when its
    // line lies inside the chunk being fed, no heap allocation per event once
    // the parser's reused buffers have grown. The fastest way to consume many
    // small events (bench/parser). handleEvent() must not call back into the
    // parser.
    class ViewHandler
    {
    public:
        virtual ~ViewHandler();
        virtual void handleEvent(const SseEventView &event) = 0;
        // As Handler::handleRetry() and Handler::handleError().
        virtual void handleRetry(qint64 milliseconds);
        virtual void handleError(Sightline::SseParser::Error error, const QString &message);
    };

    explicit SseParser(qsizetype maxEventSize = kDefaultMaxEventSize);

    // Parses `bytes` and returns the events completed by them, in order.
    // Retry fields update retryHint(); an error is left in error().
    QList<SseEvent> feed(QByteArrayView bytes);
    // Same parsing, but every event, valid retry field and error goes to
    // `handler` (not owned, used only during the call) in stream order.
    void feed(QByteArrayView bytes, Handler &handler);
    // Same parsing again, events as views (see ViewHandler). All three feed()
    // overloads run the same parser and may be mixed on one stream.
    void feed(QByteArrayView bytes, ViewHandler &handler);

    // The event source's last event ID string: set from the last event ID
    // buffer at every blank line, whether an event was dispatched or not.
    // This is the value to send as Last-Event-ID when reconnecting.
    QString lastEventId() const;
    // The reconnection time in milliseconds set by the latest valid `retry:`
    // field, or -1 if the stream has sent none.
    qint64 retryHint() const { return m_retryHint; }

    // The last error raised during the most recent feed() call, or None.
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }

    qsizetype maxEventSize() const { return m_maxEventSize; }
    // Takes effect from the next line; values below 1 are treated as 1.
    void setMaxEventSize(qsizetype bytes);

    // Forgets everything (partial line, buffers, lastEventId(), retryHint(),
    // error) and expects a new stream, BOM included. The size limit stays.
    void reset();

private:
    // feed(bytes, ViewHandler &) is the one parser core: the Handler and list
    // APIs turn its views into SseEvent values (takeEvent()).
    void consume(const char *p, const char *end, ViewHandler &handler);
    // consume()'s fast loop over the lines that lie wholly inside the chunk
    // while no partial line is kept and no runaway event skipped (every line
    // of a stream of small events but the one split by the chunk's end).
    // Returns where it stopped: `end` (an unfinished line is then kept in
    // m_line), or the line after one that set m_skipLf (a CR ending the
    // chunk) or m_skipping.
    const char *consumeWholeLines(const char *p, const char *end, ViewHandler &handler);
    // Keeps the unfinished line [p, end) in m_line for the next chunk, or
    // raises EventTooLarge when it would exceed the limit.
    void keepUnfinishedLine(const char *p, const char *end, bool nonAscii, ViewHandler &handler);
    // `nonAscii`: the line has a byte >= 0x80 (else no UTF-8 check is needed).
    // `owner`: the buffer `line` lies in, which appendData() may take over;
    // nullptr when `line` lies in the chunk being fed.
    void processLine(QByteArrayView line, bool nonAscii, QByteArray *owner, ViewHandler &handler);
    void appendData(QByteArrayView value, bool nonAscii, QByteArray *owner, ViewHandler &handler);
    // appendData() for every case but a first ASCII data line inside the chunk.
    void appendDataCopy(
        QByteArrayView value, bool nonAscii, QByteArray *owner, ViewHandler &handler);
    // A non-empty `event:` value that differs from the cached one.
    void cacheEventType(QByteArrayView value, bool nonAscii);
    void setRetry(QByteArrayView value, ViewHandler &handler);
    // Copies a data buffer that still points into the chunk into m_data.
    void materializeData();
    void dispatch(ViewHandler &handler);
    // The event being dispatched as an SseEvent; takes m_data over if it can.
    SseEvent takeEvent();
    const QString &idBufferString() const;
    void raiseTooLarge(ViewHandler &handler);
    qsizetype dataSize() const { return m_dataInChunk ? m_dataView.size() : m_data.size(); }
    bool wouldExceedLimit(qsizetype pendingLineBytes) const
    {
        return pendingLineBytes > m_maxEventSize - dataSize();
    }

    // Stream position state.
    QByteArray m_line; // an unfinished line carried over from the previous chunk
    bool m_lineNonAscii = false; // m_line has a byte >= 0x80
    qsizetype m_lastLongLine = 0; // size of the last long line, to reserve for the next
    char m_bomProbe[3] = {};
    int m_bomProbeSize = 0;
    bool m_atStreamStart = true; // the BOM check is not decided yet
    bool m_skipLf = false; // the last line ended with CR: a following LF belongs to it
    bool m_skipping = false; // after EventTooLarge: ignoring lines up to a blank one
    bool m_skippedLineHasBytes = false; // while skipping: the current line is not blank

    // The standard's buffers, all valid UTF-8 (invalid input already replaced).
    // The data buffer without its final LF: while it is a single valid line
    // inside the chunk being fed it is only m_dataView (m_dataInChunk), else
    // m_data. Before feed() returns it is always m_data (the chunk goes away).
    QByteArray m_data;
    QByteArrayView m_dataView;
    bool m_dataInChunk = false;
    bool m_hasData = false; // the data buffer is non-empty (at least one data field)
    bool m_hasEventType = false; // event type buffer: the type cache if set, else empty
    // An id value in a buffer that only grows: setting an id is a memcpy,
    // without the allocation or bookkeeping of assigning a QByteArray.
    struct IdSlot
    {
        QByteArray storage;
        qsizetype size = 0;
        QByteArrayView view() const { return { storage.constData(), size }; }
        void assign(QByteArrayView value, bool nonAscii);
        // assign() when the value is not ASCII or does not fit the storage.
        void assignOther(QByteArrayView value, bool nonAscii);
    };
    // Two slots: m_idSlots[m_idBufferSlot] is the last event ID buffer; the
    // other one holds the event source's last event ID string while it
    // differs from the buffer (between an id field and the next blank line).
    IdSlot m_idSlots[2];
    int m_idBufferSlot = 0;
    bool m_lastEventIdIsBuffer = true; // the last event ID string equals the buffer
    QByteArrayView idBuffer() const { return m_idSlots[m_idBufferSlot].view(); }
    // m_idBuffer as a QString, made when first asked for after a change.
    mutable QString m_idString;
    mutable bool m_idStringValid = true;
    qint64 m_retryHint = -1;

    // The last non-empty `event:` value: raw, repaired to valid UTF-8, decoded.
    QByteArray m_typeCacheRaw;
    QByteArray m_typeCacheUtf8;
    QString m_typeCache;

    // For sizing the list that feed(QByteArrayView) returns.
    qint64 m_bytesFed = 0;
    qint64 m_eventsDispatched = 0;

    qsizetype m_maxEventSize;
    Error m_error = Error::None;
    QString m_errorString;
};

} // namespace Sightline
