#include "telemetry/workspacelayout.h"

#include "telemetry/events.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTest>
#include <QTimeZone>

using namespace Sightline;

namespace {

// The example file of API.md "Workspace layouts", as written there.
const QByteArray kContractExample = R"({"version": 1, "name": "Thermals",
 "time": {"live": true, "windowMinutes": 15},
 "panels": [
   {"id": "p1", "type": "chart", "title": "Temperatures", "devices": ["*"], "fields": ["gpu_temp_c", "cpu_temp_c"]},
   {"id": "p2", "type": "stat", "devices": ["jetson-01"], "fields": ["power_vdd_in_mw"]},
   {"id": "p3", "type": "fleet", "fields": ["gpu_temp_c", "cpu_util_pct", "power_vdd_in_mw"]},
   {"id": "p4", "type": "timeline", "devices": ["*"]},
   {"id": "p5", "type": "alerts"}
 ]})";

PanelSpec panel(const QString &id, PanelType type, const QString &title = QString(),
                std::optional<QStringList> devices = std::nullopt, std::optional<QStringList> fields = std::nullopt)
{
    PanelSpec spec;
    spec.id = id;
    spec.type = type;
    spec.title = title;
    spec.devices = std::move(devices);
    spec.fields = std::move(fields);
    return spec;
}

QDateTime utc(const QString &text)
{
    return QDateTime::fromString(text, Qt::ISODateWithMs).toTimeZone(QTimeZone::utc());
}

// A layout with every panel type, keys of the app's own at both levels and
// an absolute time range.
WorkspaceLayout everythingLayout()
{
    WorkspaceLayout layout;
    layout.name = QStringLiteral("Night shift \"B\" / Halle 3 – Temperatur");
    layout.time.live = false;
    layout.time.from = utc(QStringLiteral("2026-03-01T10:00:00.250Z"));
    layout.time.to = utc(QStringLiteral("2026-03-01T22:30:00Z"));

    PanelSpec chart = panel(QStringLiteral("p1"), PanelType::Chart, QStringLiteral("Temperatures"),
                            QStringList{QStringLiteral("*")},
                            QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c")});
    chart.extra.insert(QStringLiteral("smallMultiples"), true);
    chart.extra.insert(QStringLiteral("colors"),
                       QJsonObject{{QStringLiteral("gpu_temp_c"), QStringLiteral("#e4572e")},
                                   {QStringLiteral("cpu_temp_c"), QStringLiteral("#17bebb")}});
    chart.extra.insert(QStringLiteral("yRange"), QJsonArray{20, 95.5});
    chart.extra.insert(QStringLiteral("markers"),
                       QJsonArray{QJsonObject{{QStringLiteral("at"), 80}, {QStringLiteral("label"), QStringLiteral("hot")}}});

    PanelSpec stat = panel(QStringLiteral("p2"), PanelType::Stat, QString(), QStringList{QStringLiteral("jetson-01")},
                           QStringList{QStringLiteral("power_vdd_in_mw")});
    stat.extra.insert(QStringLiteral("decimals"), QJsonValue::Null);
    PanelSpec fleet = panel(QStringLiteral("fleet-main"), PanelType::Fleet, QStringLiteral("Fleet"), std::nullopt,
                            QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_util_pct")});
    fleet.extra.insert(QStringLiteral("sortColumn"), 2);
    PanelSpec timeline = panel(QStringLiteral("p4"), PanelType::Timeline, QString(), QStringList{});
    PanelSpec alerts = panel(QStringLiteral("p5"), PanelType::Alerts, QStringLiteral("Alarme ⚠"));

    layout.panels = {chart, stat, fleet, timeline, alerts};
    layout.extra.insert(QStringLiteral("dockState"), QStringLiteral("AAAA/wAAAAD9AAAAAQ=="));
    layout.extra.insert(QStringLiteral("window"), QJsonObject{{QStringLiteral("width"), 1440},
                                                             {QStringLiteral("maximized"), false}});
    return layout;
}

} // namespace

class tst_WorkspaceLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contractExampleParses();
    void roundTrip_data();
    void roundTrip();
    void fileTextRoundTrip_data();
    void fileTextRoundTrip();
    void writesContractKeysFirst();
    void unknownKeysKept();
    void refused_data();
    void refused();
    void notValidJsonSaysWhere_data();
    void notValidJsonSaysWhere();
    void defaults_data();
    void defaults();
    void missingIdsGetFreeIds();
    void timestampsWithOffsets();
    void byteOrderMarkSkipped();
    void panelTypeNames();
    void uniquePanelId_data();
    void uniquePanelId();
    void indexOfPanel();
};

void tst_WorkspaceLayout::contractExampleParses()
{
    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(kContractExample);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    const WorkspaceLayout &layout = parsed.value();

    QCOMPARE(layout.version, 1);
    QCOMPARE(layout.name, QStringLiteral("Thermals"));
    QVERIFY(layout.time.live);
    QCOMPARE(layout.time.windowMinutes, 15);
    QVERIFY(layout.extra.isEmpty());

    const QList<PanelSpec> expected{
        panel(QStringLiteral("p1"), PanelType::Chart, QStringLiteral("Temperatures"), QStringList{QStringLiteral("*")},
              QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c")}),
        panel(QStringLiteral("p2"), PanelType::Stat, QString(), QStringList{QStringLiteral("jetson-01")},
              QStringList{QStringLiteral("power_vdd_in_mw")}),
        panel(QStringLiteral("p3"), PanelType::Fleet, QString(), std::nullopt,
              QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_util_pct"),
                          QStringLiteral("power_vdd_in_mw")}),
        panel(QStringLiteral("p4"), PanelType::Timeline, QString(), QStringList{QStringLiteral("*")}),
        panel(QStringLiteral("p5"), PanelType::Alerts),
    };
    QCOMPARE(layout.panels.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QVERIFY2(layout.panels.at(i) == expected.at(i), qPrintable(QStringLiteral("panel %1").arg(i)));
    // Absent devices/fields mean "all" and are not the same as a list.
    QVERIFY(!layout.panels.at(2).devices.has_value());
    QVERIFY(!layout.panels.at(4).fields.has_value());
}

void tst_WorkspaceLayout::roundTrip_data()
{
    QTest::addColumn<WorkspaceLayout>("layout");

    QTest::newRow("every panel type, extra keys, absolute range") << everythingLayout();

    WorkspaceLayout empty;
    QTest::newRow("no name and no panels") << empty;

    WorkspaceLayout day;
    day.name = QStringLiteral("Day");
    day.time.windowMinutes = 1440;
    day.panels = {panel(QStringLiteral("p1"), PanelType::Chart)};
    QTest::newRow("live 24 h, a chart of everything") << day;

    WorkspaceLayout emptyLists;
    emptyLists.name = QStringLiteral("Lists");
    emptyLists.time.windowMinutes = 1;
    emptyLists.panels = {panel(QStringLiteral("p7"), PanelType::Stat, QString(), QStringList{}, QStringList{})};
    QTest::newRow("empty device and field lists") << emptyLists;
}

void tst_WorkspaceLayout::roundTrip()
{
    QFETCH(WorkspaceLayout, layout);

    const QByteArray written = layout.toJson();
    const ParseResult<WorkspaceLayout> read = WorkspaceLayout::fromJson(written);
    QVERIFY2(read.isOk(), qPrintable(read.error() + QLatin1Char('\n') + QString::fromUtf8(written)));
    QVERIFY2(read.value() == layout, written.constData());
    QCOMPARE(read.value().toJson(), written);
}

void tst_WorkspaceLayout::fileTextRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("the contract's example") << kContractExample;
    QTest::newRow("compact, keys in another order, offsets in the range")
            << QByteArray(R"({"panels":[{"fields":["a"],"type":"chart","x":{"b":1,"a":[1,{"c":null}]}}],)"
                          R"("time":{"to":"2026-01-01T03:00:00.5+02:00","live":false,"from":"2026-01-01T00:00:00Z"},)"
                          R"("zeta":[],"alpha":{},"version":1})");
}

void tst_WorkspaceLayout::fileTextRoundTrip()
{
    QFETCH(QByteArray, json);

    const ParseResult<WorkspaceLayout> first = WorkspaceLayout::fromJson(json);
    QVERIFY2(first.isOk(), qPrintable(first.error()));
    const QByteArray written = first.value().toJson();
    const ParseResult<WorkspaceLayout> second = WorkspaceLayout::fromJson(written);
    QVERIFY2(second.isOk(), qPrintable(second.error()));
    QVERIFY(second.value() == first.value());
    QCOMPARE(second.value().toJson(), written);
}

void tst_WorkspaceLayout::writesContractKeysFirst()
{
    WorkspaceLayout layout;
    layout.name = QStringLiteral("Thermals");
    PanelSpec chart = panel(QStringLiteral("p1"), PanelType::Chart, QStringLiteral("Temperatures"),
                            QStringList{QStringLiteral("*")}, QStringList{QStringLiteral("gpu_temp_c")});
    chart.extra.insert(QStringLiteral("colors"), QJsonObject{{QStringLiteral("gpu_temp_c"), QStringLiteral("#e4572e")}});
    layout.panels = {chart, panel(QStringLiteral("p2"), PanelType::Alerts)};
    layout.extra.insert(QStringLiteral("dockState"), QStringLiteral("AAAA"));

    const QByteArray expected = R"({
    "version": 1,
    "name": "Thermals",
    "time": {
        "live": true,
        "windowMinutes": 15
    },
    "panels": [
        {
            "id": "p1",
            "type": "chart",
            "title": "Temperatures",
            "devices": ["*"],
            "fields": ["gpu_temp_c"],
            "colors": {
                "gpu_temp_c": "#e4572e"
            }
        },
        {
            "id": "p2",
            "type": "alerts"
        }
    ],
    "dockState": "AAAA"
}
)";
    QCOMPARE(layout.toJson(), expected);
}

void tst_WorkspaceLayout::unknownKeysKept()
{
    const QByteArray json = R"({"version": 1, "panels": [
        {"id": "p1", "type": "chart", "smallMultiples": true, "colors": {"gpu_temp_c": "#fff"}, "widths": [1, 2.5]}],
        "dockState": "AAAA/w==", "theme": {"dark": true}})";
    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(json);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    const PanelSpec &chart = parsed.value().panels.at(0);
    QCOMPARE(chart.extra.keys(), (QStringList{QStringLiteral("colors"), QStringLiteral("smallMultiples"),
                                             QStringLiteral("widths")}));
    QCOMPARE(chart.extra.value(QStringLiteral("smallMultiples")), QJsonValue(true));
    QCOMPARE(chart.extra.value(QStringLiteral("widths")), QJsonValue(QJsonArray{1, 2.5}));
    QCOMPARE(parsed.value().extra.keys(), (QStringList{QStringLiteral("dockState"), QStringLiteral("theme")}));

    const ParseResult<WorkspaceLayout> again = WorkspaceLayout::fromJson(parsed.value().toJson());
    QVERIFY2(again.isOk(), qPrintable(again.error()));
    QCOMPARE(again.value().panels.at(0).extra, chart.extra);
    QCOMPARE(again.value().extra, parsed.value().extra);
}

void tst_WorkspaceLayout::refused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");

    const QString types = QStringLiteral("the panel types are chart, stat, fleet, timeline, alerts");
    // Wraps panels (and a time) into an otherwise good file.
    const auto withPanels = [](const char *panels) -> QByteArray {
        return QByteArray(R"({"version": 1, "panels": [)") + panels + "]}";
    };
    const auto withTime = [](const char *time) -> QByteArray {
        return QByteArray(R"({"version": 1, "panels": [], "time": )") + time + "}";
    };

    QTest::newRow("an array, not an object")
            << QByteArray("[]")
            << QStringLiteral("a layout must be a JSON object like {\"version\": 1, \"panels\": [...]}, got an array");
    QTest::newRow("no version") << QByteArray(R"({"panels": []})")
                                << QStringLiteral("missing \"version\"; Sightline reads version 1");
    QTest::newRow("version as a string") << QByteArray(R"({"version": "1", "panels": []})")
                                         << QStringLiteral("\"version\" must be a whole number, got \"1\"");
    QTest::newRow("version with a fraction") << QByteArray(R"({"version": 1.5, "panels": []})")
                                             << QStringLiteral("\"version\" must be a whole number, got 1.5");
    QTest::newRow("version 2") << QByteArray(R"({"version": 2, "panels": [{"type": "graph"}]})")
                               << QStringLiteral("version 2 is not supported; Sightline reads version 1");
    QTest::newRow("version 0") << QByteArray(R"({"version": 0, "panels": []})")
                               << QStringLiteral("version 0 is not supported; Sightline reads version 1");
    QTest::newRow("name as a number") << QByteArray(R"({"version": 1, "name": 7, "panels": []})")
                                      << QStringLiteral("\"name\" must be a string, got 7");
    QTest::newRow("no panels") << QByteArray(R"({"version": 1})")
                               << QStringLiteral("\"panels\" must be a list of panels, got nothing");
    QTest::newRow("panels as an object") << QByteArray(R"({"version": 1, "panels": {"p1": {"type": "chart"}}})")
                                         << QStringLiteral("\"panels\" must be a list of panels, got an object");
    QTest::newRow("a panel that is a string")
            << withPanels(R"({"type": "chart"}, "stat")")
            << QStringLiteral("panels[1] must be an object like {\"type\": \"chart\"}, got \"stat\"");
    QTest::newRow("a panel without type") << withPanels(R"({"id": "p1", "title": "T"})")
                                          << QStringLiteral("panels[0] (\"p1\"): missing \"type\"; ") + types;
    QTest::newRow("an unknown panel type") << withPanels(R"({"id": "p1", "type": "chart"}, {"id": "p2", "type": "graph"})")
                                           << QStringLiteral("panels[1] (\"p2\"): unknown panel type \"graph\"; ") + types;
    QTest::newRow("a panel type in capitals") << withPanels(R"({"type": "Chart"})")
                                              << QStringLiteral("panels[0]: unknown panel type \"Chart\"; ") + types;
    QTest::newRow("a panel type that is a number") << withPanels(R"({"type": 3})")
                                                   << QStringLiteral("panels[0]: unknown panel type \"3\"; ") + types;
    QTest::newRow("two panels with one id")
            << withPanels(R"({"id": "p1", "type": "chart"}, {"id": "p2", "type": "stat"}, {"id": "p1", "type": "alerts"})")
            << QStringLiteral("panels[2]: the id \"p1\" is used twice (also by panels[0])");
    QTest::newRow("an empty id") << withPanels(R"({"id": "", "type": "chart"})")
                                 << QStringLiteral("panels[0]: \"id\" must be a non-empty string, got \"\"");
    QTest::newRow("a numeric id") << withPanels(R"({"id": 1, "type": "chart"})")
                                  << QStringLiteral("panels[0]: \"id\" must be a non-empty string, got 1");
    QTest::newRow("devices as a string")
            << withPanels(R"({"id": "p1", "type": "chart", "devices": "*"})")
            << QStringLiteral("panels[0] (\"p1\"): \"devices\" must be a list of names or * globs, got \"*\"");
    QTest::newRow("a number among the devices")
            << withPanels(R"({"id": "p1", "type": "chart", "devices": ["a", 5]})")
            << QStringLiteral("panels[0] (\"p1\"): \"devices\" must be a list of non-empty names or * globs; item 1 is 5");
    QTest::newRow("an empty field name")
            << withPanels(R"({"id": "p1", "type": "stat", "fields": [""]})")
            << QStringLiteral("panels[0] (\"p1\"): \"fields\" must be a list of non-empty names or * globs; item 0 is \"\"");
    QTest::newRow("fields as null")
            << withPanels(R"({"id": "p1", "type": "stat", "fields": null})")
            << QStringLiteral("panels[0] (\"p1\"): \"fields\" must be a list of names or * globs, got null");
    QTest::newRow("a title that is not a string")
            << withPanels(R"({"id": "p1", "type": "chart", "title": ["a"]})")
            << QStringLiteral("panels[0] (\"p1\"): \"title\" must be a string, got an array");
    QTest::newRow("time as a number")
            << withTime("15")
            << QStringLiteral("\"time\" must be an object like {\"live\": true, \"windowMinutes\": 15}, got 15");
    QTest::newRow("time without live") << withTime(R"({"windowMinutes": 15})")
                                       << QStringLiteral("\"time\": \"live\" must be true or false, got nothing");
    QTest::newRow("live as a string") << withTime(R"({"live": "true", "windowMinutes": 15})")
                                      << QStringLiteral("\"time\": \"live\" must be true or false, got \"true\"");
    const QString window = QStringLiteral("\"time\": \"windowMinutes\" must be a whole number from 1 to 1440, got ");
    QTest::newRow("window of 0 minutes") << withTime(R"({"live": true, "windowMinutes": 0})") << window + QStringLiteral("0");
    QTest::newRow("window over 24 hours") << withTime(R"({"live": true, "windowMinutes": 1441})")
                                          << window + QStringLiteral("1441");
    QTest::newRow("window with a fraction") << withTime(R"({"live": true, "windowMinutes": 2.5})")
                                            << window + QStringLiteral("2.5");
    QTest::newRow("window as a string") << withTime(R"({"live": true, "windowMinutes": "15"})")
                                        << window + QStringLiteral("\"15\"");
    QTest::newRow("range without to") << withTime(R"({"live": false, "from": "2026-03-01T10:00:00Z"})")
                                      << QStringLiteral("\"time\": a range that is not live needs \"from\" and \"to\" "
                                                        "(RFC 3339 timestamps)");
    const QString rfc = QStringLiteral("must be an RFC 3339 timestamp with an offset or Z (like \"2026-03-01T10:00:00Z\"), got ");
    QTest::newRow("from without seconds")
            << withTime(R"({"live": false, "from": "2026-03-01T10:00", "to": "2026-03-01T11:00:00Z"})")
            << QStringLiteral("\"time\": \"from\" ") + rfc + QStringLiteral("\"2026-03-01T10:00\"");
    QTest::newRow("from without an offset")
            << withTime(R"({"live": false, "from": "2026-03-01T10:00:00", "to": "2026-03-01T11:00:00Z"})")
            << QStringLiteral("\"time\": \"from\" ") + rfc + QStringLiteral("\"2026-03-01T10:00:00\"");
    QTest::newRow("from as words") << withTime(R"({"live": false, "from": "yesterday", "to": "2026-03-01T11:00:00Z"})")
                                   << QStringLiteral("\"time\": \"from\" ") + rfc + QStringLiteral("\"yesterday\"");
    QTest::newRow("an impossible date")
            << withTime(R"({"live": false, "from": "2026-02-30T10:00:00Z", "to": "2026-03-01T11:00:00Z"})")
            << QStringLiteral("\"time\": \"from\" ") + rfc + QStringLiteral("\"2026-02-30T10:00:00Z\"");
    QTest::newRow("to as a number") << withTime(R"({"live": false, "from": "2026-03-01T10:00:00Z", "to": 1772359200000})")
                                    << QStringLiteral("\"time\": \"to\" ") + rfc + QStringLiteral("1772359200000");
    QTest::newRow("from equal to to")
            << withTime(R"({"live": false, "from": "2026-03-01T10:00:00Z", "to": "2026-03-01T12:00:00+02:00"})")
            << QStringLiteral("\"time\": \"from\" (2026-03-01T10:00:00Z) must be before \"to\" (2026-03-01T12:00:00+02:00)");
    QTest::newRow("from after to")
            << withTime(R"({"live": false, "from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"})")
            << QStringLiteral("\"time\": \"from\" (2026-03-02T00:00:00Z) must be before \"to\" (2026-03-01T00:00:00Z)");
}

void tst_WorkspaceLayout::refused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);

    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(json);
    QVERIFY(!parsed.isOk());
    QCOMPARE(parsed.error(), message);
}

void tst_WorkspaceLayout::notValidJsonSaysWhere_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("place");

    QTest::newRow("empty file") << QByteArray() << QStringLiteral("line 1, column 1 (byte 0)");
    QTest::newRow("cut off") << QByteArray("{\"version\": 1,") << QStringLiteral("line 1, column 15 (byte 14)");
    QTest::newRow("trailing comma before the closing brace")
            << QByteArray("{\n  \"version\": 1,\n  \"panels\": [],\n}") << QStringLiteral("line 4, column 2 (byte 35)");
    QTest::newRow("single quotes") << QByteArray("{'version': 1}") << QStringLiteral("line 1, column 3 (byte 2)");
}

void tst_WorkspaceLayout::notValidJsonSaysWhere()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, place);

    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(json);
    QVERIFY(!parsed.isOk());
    QJsonParseError qtError;
    QJsonDocument::fromJson(json, &qtError);
    QCOMPARE(parsed.error(), QStringLiteral("not valid JSON: %1 at %2").arg(qtError.errorString(), place));
}

void tst_WorkspaceLayout::defaults_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("windowMinutes");

    QTest::newRow("no name, no time") << QByteArray(R"({"version": 1, "panels": []})") << QString() << 15;
    QTest::newRow("live time without a window")
            << QByteArray(R"({"version": 1, "name": "N", "time": {"live": true}, "panels": []})")
            << QStringLiteral("N") << 15;
    QTest::newRow("version written as 1.0")
            << QByteArray(R"({"version": 1.0, "time": {"live": true, "windowMinutes": 60}, "panels": []})")
            << QString() << 60;
    QTest::newRow("live time keeps no range")
            << QByteArray(R"({"version": 1, "time": {"live": true, "windowMinutes": 5, "from": "junk"}, "panels": []})")
            << QString() << 5;
}

void tst_WorkspaceLayout::defaults()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, name);
    QFETCH(int, windowMinutes);

    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(json);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    QCOMPARE(parsed.value().name, name);
    QVERIFY(parsed.value().time.live);
    QCOMPARE(parsed.value().time.windowMinutes, windowMinutes);
    QVERIFY(parsed.value().panels.isEmpty());
    QVERIFY(parsed.value().extra.isEmpty());
}

void tst_WorkspaceLayout::missingIdsGetFreeIds()
{
    const QByteArray json = R"({"version": 1, "panels": [
        {"type": "chart"}, {"id": "p3", "type": "stat"}, {"type": "alerts"}, {"id": "fleet", "type": "fleet"}]})";
    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(json);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    QStringList ids;
    for (const PanelSpec &spec : parsed.value().panels)
        ids << spec.id;
    // The ids the file gives are kept; the others come after the highest p<N>.
    QCOMPARE(ids, (QStringList{QStringLiteral("p4"), QStringLiteral("p3"), QStringLiteral("p5"), QStringLiteral("fleet")}));
}

void tst_WorkspaceLayout::timestampsWithOffsets()
{
    const QByteArray json = R"({"version": 1, "panels": [],
        "time": {"live": false, "from": "2026-03-01T12:00:00+02:00", "to": "2026-03-01t10:30:00.125z"}})";
    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson(json);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    const LayoutTime &time = parsed.value().time;
    QVERIFY(!time.live);
    QCOMPARE(time.from, utc(QStringLiteral("2026-03-01T10:00:00Z")));
    QCOMPARE(time.to, utc(QStringLiteral("2026-03-01T10:30:00.125Z")));
    // Written back as the instants, in UTC, by the project's one formatter.
    const QByteArray written = parsed.value().toJson();
    const QString from = QStringLiteral("\"from\": \"%1\"").arg(formatTimestamp(time.from.toMSecsSinceEpoch()));
    const QString to = QStringLiteral("\"to\": \"%1\"").arg(formatTimestamp(time.to.toMSecsSinceEpoch()));
    QVERIFY2(written.contains(from.toUtf8()), written.constData());
    QVERIFY2(written.contains(to.toUtf8()), written.constData());
    QVERIFY(formatTimestamp(time.from.toMSecsSinceEpoch()).startsWith(QLatin1String("2026-03-01T10:00:00.000")));
}

void tst_WorkspaceLayout::byteOrderMarkSkipped()
{
    const ParseResult<WorkspaceLayout> parsed = WorkspaceLayout::fromJson("\xEF\xBB\xBF" + kContractExample);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    QCOMPARE(parsed.value().panels.size(), 5);
}

void tst_WorkspaceLayout::panelTypeNames()
{
    const QStringList expected{QStringLiteral("chart"), QStringLiteral("stat"), QStringLiteral("fleet"),
                               QStringLiteral("timeline"), QStringLiteral("alerts")};
    QCOMPARE(allPanelTypes().size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const PanelType type = allPanelTypes().at(i);
        QCOMPARE(panelTypeName(type), expected.at(i));
        const ParseResult<PanelType> parsed = parsePanelType(expected.at(i));
        QVERIFY(parsed.isOk());
        QCOMPARE(parsed.value(), type);
    }
    QVERIFY(!parsePanelType(QStringLiteral("table")).isOk());
}

void tst_WorkspaceLayout::uniquePanelId_data()
{
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<QString>("expected");

    QTest::newRow("no panels") << QStringList() << QStringLiteral("p1");
    QTest::newRow("p1 and p2") << QStringList{QStringLiteral("p1"), QStringLiteral("p2")} << QStringLiteral("p3");
    QTest::newRow("after the highest, not in a gap")
            << QStringList{QStringLiteral("p1"), QStringLiteral("p7")} << QStringLiteral("p8");
    QTest::newRow("other ids do not count")
            << QStringList{QStringLiteral("fleet"), QStringLiteral("p2x"), QStringLiteral("P9")} << QStringLiteral("p1");
    QTest::newRow("a leading zero") << QStringList{QStringLiteral("p09")} << QStringLiteral("p10");
}

void tst_WorkspaceLayout::uniquePanelId()
{
    QFETCH(QStringList, ids);
    QFETCH(QString, expected);

    WorkspaceLayout layout;
    for (const QString &id : ids)
        layout.panels << panel(id, PanelType::Chart);
    const QString id = layout.uniquePanelId();
    QCOMPARE(id, expected);
    QCOMPARE(layout.indexOfPanel(id), -1);
}

void tst_WorkspaceLayout::indexOfPanel()
{
    const WorkspaceLayout layout = everythingLayout();
    QCOMPARE(layout.indexOfPanel(QStringLiteral("p1")), 0);
    QCOMPARE(layout.indexOfPanel(QStringLiteral("fleet-main")), 2);
    QCOMPARE(layout.indexOfPanel(QStringLiteral("p5")), 4);
    QCOMPARE(layout.indexOfPanel(QStringLiteral("p3")), -1);
    QCOMPARE(layout.indexOfPanel(QString()), -1);
}

QTEST_APPLESS_MAIN(tst_WorkspaceLayout)
#include "tst_workspacelayout.moc"
