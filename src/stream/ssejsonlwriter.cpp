#include "stream/ssejsonlwriter.h"

#include <utility>

namespace Sightline {

namespace {

// type, data and lastEventId as UTF-8.
void appendEvent(QByteArray &out, QByteArrayView type, QByteArrayView data, QByteArrayView lastEventId)
{
    out.append("{\"event\":");
    SseJsonlWriter::appendJsonString(out, type);
    out.append(",\"data\":");
    SseJsonlWriter::appendJsonString(out, data);
    out.append(",\"lastEventId\":");
    SseJsonlWriter::appendJsonString(out, lastEventId);
    out.append("}\n");
}

QByteArrayView bytesOf(QUtf8StringView text)
{
    return QByteArrayView(text.data(), text.size());
}

void appendRetry(QByteArray &out, qint64 milliseconds)
{
    out.append("{\"retry\":");
    out.append(QByteArray::number(milliseconds));
    out.append("}\n");
}

} // namespace

void SseJsonlWriter::handleEvent(const SseEventView &event)
{
    appendEvent(m_output, bytesOf(event.type), event.data, bytesOf(event.lastEventId));
}

void SseJsonlWriter::handleRetry(qint64 milliseconds)
{
    appendRetry(m_output, milliseconds);
}

void SseJsonlWriter::handleError(SseParser::Error error, const QString &message)
{
    Q_UNUSED(error);
    m_errors.append(message);
}

QByteArray SseJsonlWriter::takeOutput()
{
    return std::exchange(m_output, QByteArray());
}

QStringList SseJsonlWriter::takeErrors()
{
    return std::exchange(m_errors, QStringList());
}

QByteArray SseJsonlWriter::eventLine(const SseEvent &event)
{
    QByteArray line;
    appendEvent(line, event.type.toUtf8(), event.data, event.lastEventId.toUtf8());
    return line;
}

QByteArray SseJsonlWriter::retryLine(qint64 milliseconds)
{
    QByteArray line;
    appendRetry(line, milliseconds);
    return line;
}

void SseJsonlWriter::appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    // RFC 8259 section 7: escape the quote, the backslash and C0 controls;
    // everything else, UTF-8 included, may appear as is.
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + utf8.size() + 2);
    out.append('"');
    const char *p = utf8.data();
    const char *const end = p + utf8.size();
    const char *run = p;
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default: {
            const char escaped[] = { '\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF] };
            out.append(escaped, sizeof escaped);
        }
        }
    }
    out.append(run, p - run);
    out.append('"');
}

} // namespace Sightline
