#pragma once

#include <QDateTime>
#include <QStringList>
#include <QUrl>

#include <optional>

class QCommandLineParser;

namespace Sightline {

// The network-mode command line of sightline-tail (API.md "Command-line
// clients"), checked: a value, or a sentence for exit code 2.
struct TailOptions
{
    enum class Format { Jsonl, Text };

    QUrl server;
    QString token; // --token: a fixed access token (no refresh)
    QString username; // --user: sign in (password from SIGHTLINE_PASSWORD or a prompt)
    QString password; // filled by the caller, never from the command line
    QStringList devices;
    QString site;
    QStringList types;
    QString lastEventId;
    QDateTime since; // invalid when not given
    qint64 maxEvents = -1; // -1: no limit
    int durationSeconds = -1; // -1: no limit
    Format format = Format::Jsonl;
    bool useKeychain = true; // false: keep the refresh token in memory (tests)

    // Adds the network-mode options to a parser (next to --stdin).
    static void addTo(QCommandLineParser &parser);
    // Reads and checks them. Only call when --stdin is not set.
    static std::optional<TailOptions> read(const QCommandLineParser &parser, QString *error);

    // GET /api/v1/telemetry/stream with the filters as its query.
    QUrl streamUrl() const;
};

} // namespace Sightline
