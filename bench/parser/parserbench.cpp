// SseParser throughput benchmark (issue 2, item 6). Not a test: run it by
// hand or through bench/parser/run.sh, which also runs the same input files
// through the npm package eventsource-parser and prints the ratio.
//
// Two inputs, both generated deterministically:
//   telemetry  N events shaped like the server's (id, event: telemetry, one
//              line of about 200 bytes of JSON), a `: ping` comment now and then
//   large      M events whose data is one 1 MiB line of JSON
// Each input is fed to one SseParser in chunks of --chunk bytes (default
// 64 KiB, like socket reads), through one of the parser's three APIs (--api):
// the list-returning feed() that StreamClient uses, the Handler (one SseEvent
// at a time) or the ViewHandler (one SseEventView at a time, no copies). Reported: the median of
// --repeat runs, MB/s (10^6 bytes of input per second) and events/s, from the CPU time of the
// parsing thread (the reference machine is shared, so wall time is printed but noisy).
#include "stream/sseparser.h"

#include <QByteArray>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

using Sightline::SseEvent;
using Sightline::SseParser;

namespace {

struct Input
{
    QString name;
    QByteArray bytes;
    qsizetype events = 0;
};

// Small deterministic generator (xorshift) so every run parses the same bytes.
class Sequence
{
public:
    quint32 next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return m_state;
    }

private:
    quint32 m_state = 2463534242u;
};

Input makeTelemetryInput(qsizetype count)
{
    Input input { QStringLiteral("telemetry"), {}, count };
    input.bytes.reserve(count * 290);
    input.bytes.append("retry: 10000\n\n");
    Sequence random;
    const QByteArray devices[] = { "jetson-01", "jetson-02", "jetson-03", "jetson-04" };
    for (qsizetype i = 1; i <= count; ++i) {
        const QByteArray id = QByteArray::number(i);
        const QByteArray &device = devices[i % 4];
        const int ms = int(i % 1000);
        const QByteArray msText = QByteArray::number(ms).rightJustified(3, '0');
        const QByteArray data = "{\"id\":\"" + id + "\",\"ts\":\"2026-11-22T10:00:00." + msText
            + "Z\",\"topic\":\"account:demo/site:lab/device:" + device
            + "\",\"type\":\"telemetry\",\"data\":{\"deviceId\":\"" + device + "\",\"seq\":" + id
            + ",\"fields\":{\"cpu_temp_c\":" + QByteArray::number(40 + random.next() % 200 / 10.0)
            + ",\"gpu_util_pct\":" + QByteArray::number(random.next() % 100)
            + ",\"power_mw\":" + QByteArray::number(4000 + random.next() % 3000) + "}}}";
        input.bytes.append("id: " + id + "\nevent: telemetry\ndata: " + data + "\n\n");
        if (i % 1000 == 0)
            input.bytes.append(": ping\n\n");
    }
    return input;
}

Input makeLargeInput(qsizetype count)
{
    constexpr qsizetype kDataSize = 1024 * 1024;
    Input input { QStringLiteral("large"), {}, count };
    input.bytes.reserve(count * (kDataSize + 64));
    Sequence random;
    static constexpr char kAlphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (qsizetype i = 1; i <= count; ++i) {
        const QByteArray head = "{\"id\":\"" + QByteArray::number(i) + "\",\"blob\":\"";
        const QByteArray tail = "\"}";
        QByteArray blob(kDataSize - head.size() - tail.size(), Qt::Uninitialized);
        for (char &c : blob)
            c = kAlphabet[random.next() % 64];
        input.bytes.append("id: " + QByteArray::number(i) + "\nevent: telemetry\ndata: ");
        input.bytes.append(head + blob + tail);
        input.bytes.append("\n\n");
    }
    return input;
}

double threadCpuSeconds()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

struct Run
{
    double seconds = 0; // CPU time of this thread: the machine is shared
    double wallSeconds = 0;
    qsizetype events = 0;
    qsizetype dataBytes = 0;
};

// Consumes events one by one as the parser dispatches them.
class CountingHandler final : public SseParser::Handler
{
public:
    explicit CountingHandler(Run *run)
        : m_run(run)
    {
    }
    void handleEvent(SseEvent &&event) override
    {
        ++m_run->events;
        m_run->dataBytes += event.data.size();
    }

private:
    Run *m_run;
};

// The same through views, valid only during the call (what a consumer that
// parses the JSON in place would use).
class CountingViewHandler final : public SseParser::ViewHandler
{
public:
    explicit CountingViewHandler(Run *run)
        : m_run(run)
    {
    }
    void handleEvent(const Sightline::SseEventView &event) override
    {
        ++m_run->events;
        m_run->dataBytes += event.data.size();
    }

private:
    Run *m_run;
};

enum class Api { List, Handler, View };

Q_NEVER_INLINE Run parseOnce(const Input &input, qsizetype chunk, Api api)
{
    SseParser parser;
    Run run;
    CountingHandler handler(&run);
    CountingViewHandler viewHandler(&run);
    const double cpuStart = threadCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    for (qsizetype at = 0; at < input.bytes.size(); at += chunk) {
        const QByteArrayView bytes
            = QByteArrayView(input.bytes).sliced(at, qMin(chunk, input.bytes.size() - at));
        if (api == Api::Handler) {
            parser.feed(bytes, handler);
            continue;
        }
        if (api == Api::View) {
            parser.feed(bytes, viewHandler);
            continue;
        }
        const QList<SseEvent> events = parser.feed(bytes);
        run.events += events.size();
        for (const SseEvent &event : events)
            run.dataBytes += event.data.size();
    }
    const auto stop = std::chrono::steady_clock::now();
    run.seconds = threadCpuSeconds() - cpuStart;
    run.wallSeconds = std::chrono::duration<double>(stop - start).count();
    return run;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("SseParser throughput benchmark."));
    cli.addHelpOption();
    const QCommandLineOption eventsOption(QStringLiteral("events"),
        QStringLiteral("Telemetry events (default 1000000)."), QStringLiteral("n"),
        QStringLiteral("1000000"));
    const QCommandLineOption largeOption(QStringLiteral("large-events"),
        QStringLiteral("1 MiB events (default 64)."), QStringLiteral("n"), QStringLiteral("64"));
    const QCommandLineOption chunkOption(QStringLiteral("chunk"),
        QStringLiteral("Bytes per feed() (default 65536)."), QStringLiteral("bytes"),
        QStringLiteral("65536"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"),
        QStringLiteral("Runs per input (default 5)."), QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption apiOption(QStringLiteral("api"),
        QStringLiteral("list: QList<SseEvent> feed(bytes) (default); handler: "
                       "feed(bytes, Handler &), events consumed one by one; view: "
                       "feed(bytes, ViewHandler &), events seen as views."),
        QStringLiteral("list|handler|view"), QStringLiteral("list"));
    const QCommandLineOption writeOption(QStringLiteral("write-inputs"),
        QStringLiteral("Also write the inputs to <dir>/telemetry.sse and large.sse."),
        QStringLiteral("dir"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
        QStringLiteral("Print one JSON line per input instead "
                       "of text."));
    cli.addOptions({ eventsOption, largeOption, chunkOption, repeatOption, apiOption, writeOption,
        jsonOption });
    cli.process(app);

    const qsizetype chunk = qMax(1ll, cli.value(chunkOption).toLongLong());
    const int repeat = qMax(1, cli.value(repeatOption).toInt());
    const bool json = cli.isSet(jsonOption);
    const QString api = cli.value(apiOption);
    if (api != QLatin1String("list") && api != QLatin1String("handler")
        && api != QLatin1String("view")) {
        QTextStream(stderr) << "--api must be list, handler or view\n";
        return 2;
    }
    const Api which = api == QLatin1String("handler") ? Api::Handler
        : api == QLatin1String("view")                ? Api::View
                                                      : Api::List;
    QTextStream out(stdout);

    const std::vector<Input> inputs { makeTelemetryInput(cli.value(eventsOption).toLongLong()),
        makeLargeInput(cli.value(largeOption).toLongLong()) };

    if (cli.isSet(writeOption)) {
        const QDir dir(cli.value(writeOption));
        if (!dir.mkpath(QStringLiteral("."))) {
            QTextStream(stderr) << "cannot create " << dir.path() << '\n';
            return 1;
        }
        for (const Input &input : inputs) {
            QFile file(dir.filePath(input.name + QStringLiteral(".sse")));
            if (!file.open(QIODevice::WriteOnly) || file.write(input.bytes) != input.bytes.size()) {
                QTextStream(stderr) << "cannot write " << file.fileName() << '\n';
                return 1;
            }
        }
    }

    for (const Input &input : inputs) {
        if (input.events == 0)
            continue;
        std::vector<Run> runs;
        for (int i = 0; i < repeat; ++i)
            runs.push_back(parseOnce(input, chunk, which));
        for (const Run &run : runs) {
            if (run.events != input.events) {
                QTextStream(stderr) << input.name << ": parsed " << run.events
                                    << " events, expected " << input.events << '\n';
                return 1;
            }
        }
        // Medians of CPU time and of wall time, each over all runs.
        std::vector<double> cpu;
        std::vector<double> wall;
        for (const Run &run : runs) {
            cpu.push_back(run.seconds);
            wall.push_back(run.wallSeconds);
        }
        std::sort(cpu.begin(), cpu.end());
        std::sort(wall.begin(), wall.end());
        const double cpuMedian = cpu[cpu.size() / 2];
        const double wallMedian = wall[wall.size() / 2];
        const double mb = double(input.bytes.size()) / 1e6;
        const QString line = json
            ? QStringLiteral("{\"parser\":\"SseParser (%8 API)\",\"input\":\"%1\",\"bytes\":%2,"
                             "\"events\":%3,\"chunk\":%4,\"runs\":%5,"
                             "\"cpuSeconds\":%6,\"wallSeconds\":%7}")
                  .arg(input.name)
                  .arg(input.bytes.size())
                  .arg(input.events)
                  .arg(chunk)
                  .arg(repeat)
                  .arg(cpuMedian, 0, 'f', 6)
                  .arg(wallMedian, 0, 'f', 6)
                  .arg(api)
            : QStringLiteral("%9 API, %1: %2 events, %3 MB in %4-byte chunks, median of %5 runs: "
                             "%6 MB/s, %7 events/s (CPU time); %8 MB/s wall")
                  .arg(input.name)
                  .arg(input.events)
                  .arg(mb, 0, 'f', 1)
                  .arg(chunk)
                  .arg(repeat)
                  .arg(mb / cpuMedian, 0, 'f', 1)
                  .arg(double(input.events) / cpuMedian, 0, 'f', 0)
                  .arg(mb / wallMedian, 0, 'f', 1)
                  .arg(api);
        out << line << '\n';
        out.flush();
    }
    return 0;
}
