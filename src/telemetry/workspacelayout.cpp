#include "telemetry/workspacelayout.h"

#include "telemetry/events.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QPair>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Sightline {

namespace {

const QLatin1String kVersionKey("version");
const QLatin1String kNameKey("name");
const QLatin1String kTimeKey("time");
const QLatin1String kPanelsKey("panels");
const QLatin1String kIdKey("id");
const QLatin1String kTypeKey("type");
const QLatin1String kTitleKey("title");
const QLatin1String kDevicesKey("devices");
const QLatin1String kFieldsKey("fields");
const QLatin1String kLiveKey("live");
const QLatin1String kWindowMinutesKey("windowMinutes");
const QLatin1String kFromKey("from");
const QLatin1String kToKey("to");

// A scalar as JSON writes it (Qt's escaping and number format).
QByteArray scalarJson(const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2); // without the [ ]
}

// A value as the error messages quote it: short, and saying what it is.
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        // As JSON writes it: 1772359200000, not 1.77236e+12.
        return QString::fromUtf8(scalarJson(value));
    case QJsonValue::String:
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    case QJsonValue::Array:
        return WorkspaceLayout::tr("an array");
    case QJsonValue::Object:
        return WorkspaceLayout::tr("an object");
    case QJsonValue::Undefined:
        break;
    }
    return WorkspaceLayout::tr("nothing");
}

// A JSON number that is a whole number in int range (JSON has no integer type:
// 1 and 1.0 are the same number).
std::optional<int> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (d != std::floor(d) || d < std::numeric_limits<int>::min() || d > std::numeric_limits<int>::max())
        return std::nullopt;
    return static_cast<int>(d);
}

QString knownTypeNames()
{
    QStringList names;
    for (PanelType type : allPanelTypes())
        names << panelTypeName(type);
    return names.join(QStringLiteral(", "));
}

// "panels[2]" or "panels[2] ("p3")": where a panel's problem is, 0-based as
// in a JSON path, with its id when it has one.
QString panelPlace(int index, const QString &id)
{
    const QString place = QStringLiteral("panels[%1]").arg(index);
    return id.isEmpty() ? place : place + QStringLiteral(" (\"%1\")").arg(id);
}

// "devices" / "fields": absent, or a list of names and * globs.
ParseResult<std::optional<QStringList>> readNameList(const QJsonObject &object, QLatin1String key)
{
    using Result = ParseResult<std::optional<QStringList>>;
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return Result::success(std::nullopt);
    if (!value.isArray())
        return Result::failure(WorkspaceLayout::tr("\"%1\" must be a list of names or * globs, got %2")
                                       .arg(key, describe(value)));
    const QJsonArray array = value.toArray();
    QStringList names;
    names.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        if (!item.isString() || item.toString().isEmpty())
            return Result::failure(
                    WorkspaceLayout::tr("\"%1\" must be a list of non-empty names or * globs; item %2 is %3")
                            .arg(key)
                            .arg(i)
                            .arg(describe(item)));
        names << item.toString();
    }
    return Result::success(names);
}

// One entry of "panels". A missing id is left empty here and assigned once
// every panel's own id is known (see fromJson).
ParseResult<PanelSpec> readPanel(const QJsonValue &value, int index)
{
    using Result = ParseResult<PanelSpec>;
    if (!value.isObject())
        return Result::failure(WorkspaceLayout::tr("%1 must be an object like {\"type\": \"chart\"}, got %2")
                                       .arg(panelPlace(index, QString()), describe(value)));
    const QJsonObject object = value.toObject();
    PanelSpec panel;

    const QJsonValue id = object.value(kIdKey);
    if (!id.isUndefined()) {
        if (!id.isString() || id.toString().isEmpty())
            return Result::failure(WorkspaceLayout::tr("%1: \"id\" must be a non-empty string, got %2")
                                           .arg(panelPlace(index, QString()), describe(id)));
        panel.id = id.toString();
    }
    const QString place = panelPlace(index, panel.id);

    const QJsonValue type = object.value(kTypeKey);
    if (type.isUndefined())
        return Result::failure(WorkspaceLayout::tr("%1: missing \"type\"; the panel types are %2")
                                       .arg(place, knownTypeNames()));
    const ParseResult<PanelType> parsedType = parsePanelType(type.isString() ? type.toString() : describe(type));
    if (!parsedType.isOk())
        return Result::failure(place + QStringLiteral(": ") + parsedType.error());
    panel.type = parsedType.value();

    const QJsonValue title = object.value(kTitleKey);
    if (!title.isUndefined()) {
        if (!title.isString())
            return Result::failure(WorkspaceLayout::tr("%1: \"title\" must be a string, got %2")
                                           .arg(place, describe(title)));
        panel.title = title.toString();
    }

    for (QLatin1String key : {kDevicesKey, kFieldsKey}) {
        const auto list = readNameList(object, key);
        if (!list.isOk())
            return Result::failure(place + QStringLiteral(": ") + list.error());
        (key == kDevicesKey ? panel.devices : panel.fields) = list.value();
    }

    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString &key = it.key();
        if (key != kIdKey && key != kTypeKey && key != kTitleKey && key != kDevicesKey && key != kFieldsKey)
            panel.extra.insert(key, it.value());
    }
    return Result::success(panel);
}

ParseResult<QDateTime> readTimestamp(const QJsonObject &object, QLatin1String key)
{
    using Result = ParseResult<QDateTime>;
    const QJsonValue value = object.value(key);
    // The project's one RFC 3339 reader (events.h): date, "T", time, optional
    // fraction, then Z or an offset; a time without either is refused
    // because it would mean a different instant on every machine.
    const ParseResult<qint64> ms = value.isString() ? parseTimestamp(value.toString())
                                                    : ParseResult<qint64>::failure(QString());
    if (!ms.isOk())
        return Result::failure(
                WorkspaceLayout::tr("\"time\": \"%1\" must be an RFC 3339 timestamp with an offset or Z "
                                    "(like \"2026-03-01T10:00:00Z\"), got %2")
                        .arg(key, describe(value)));
    return Result::success(QDateTime::fromMSecsSinceEpoch(ms.value(), QTimeZone::utc()));
}

// A missing "time" means live with the default window (see fromJson). Keys of
// the time object other than the contract's are ignored, and the members of
// the mode not in use are not read (a live time's "from" is not checked).
ParseResult<LayoutTime> readTime(const QJsonValue &value)
{
    using Result = ParseResult<LayoutTime>;
    LayoutTime time;
    if (value.isUndefined())
        return Result::success(time);
    if (!value.isObject())
        return Result::failure(
                WorkspaceLayout::tr("\"time\" must be an object like {\"live\": true, \"windowMinutes\": 15}, got %1")
                        .arg(describe(value)));
    const QJsonObject object = value.toObject();

    const QJsonValue live = object.value(kLiveKey);
    if (!live.isBool())
        return Result::failure(WorkspaceLayout::tr("\"time\": \"live\" must be true or false, got %1")
                                       .arg(describe(live)));
    time.live = live.toBool();

    if (time.live) {
        // A live time without a window gets the default one.
        const QJsonValue window = object.value(kWindowMinutesKey);
        if (!window.isUndefined()) {
            const std::optional<int> minutes = wholeNumber(window);
            if (!minutes || *minutes < LayoutTime::kMinWindowMinutes || *minutes > LayoutTime::kMaxWindowMinutes)
                return Result::failure(
                        WorkspaceLayout::tr("\"time\": \"windowMinutes\" must be a whole number from %1 to %2, got %3")
                                .arg(LayoutTime::kMinWindowMinutes)
                                .arg(LayoutTime::kMaxWindowMinutes)
                                .arg(describe(window)));
            time.windowMinutes = *minutes;
        }
        return Result::success(time);
    }

    if (!object.contains(kFromKey) || !object.contains(kToKey))
        return Result::failure(WorkspaceLayout::tr(
                "\"time\": a range that is not live needs \"from\" and \"to\" (RFC 3339 timestamps)"));
    const ParseResult<QDateTime> from = readTimestamp(object, kFromKey);
    if (!from.isOk())
        return Result::failure(from.error());
    const ParseResult<QDateTime> to = readTimestamp(object, kToKey);
    if (!to.isOk())
        return Result::failure(to.error());
    if (from.value() >= to.value())
        return Result::failure(WorkspaceLayout::tr("\"time\": \"from\" (%1) must be before \"to\" (%2)")
                                       .arg(object.value(kFromKey).toString(), object.value(kToKey).toString()));
    time.from = from.value();
    time.to = to.value();
    return Result::success(time);
}

// "line 3, column 5 (byte 42)": where a JSON syntax error is, for a person
// with the file open in an editor.
QString jsonErrorPlace(const QByteArray &json, int offset)
{
    const int clamped = std::clamp(offset, 0, static_cast<int>(json.size()));
    const QByteArray before = json.left(clamped);
    const int line = static_cast<int>(before.count('\n')) + 1;
    const int column = clamped - static_cast<int>(before.lastIndexOf('\n'));
    return WorkspaceLayout::tr("line %1, column %2 (byte %3)").arg(line).arg(column).arg(offset);
}

// The writer. QJsonDocument::toJson() sorts every object's keys, which would
// put "devices" before "id" and "version" last; a person reading or sharing
// the file should see the contract's keys first, in the contract's order. So
// objects are written here with the key order given, and Qt's own writer is
// used for every scalar (its escaping and number format).

using Members = QList<QPair<QString, QJsonValue>>;

void writeValue(QByteArray &out, const QJsonValue &value, int depth);

void indent(QByteArray &out, int depth)
{
    out.append(depth * 4, ' ');
}

void writeMembers(QByteArray &out, const Members &members, int depth)
{
    if (members.isEmpty()) {
        out += "{}";
        return;
    }
    out += "{\n";
    for (qsizetype i = 0; i < members.size(); ++i) {
        indent(out, depth + 1);
        out += scalarJson(members.at(i).first);
        out += ": ";
        writeValue(out, members.at(i).second, depth + 1);
        out += i + 1 < members.size() ? ",\n" : "\n";
    }
    indent(out, depth);
    out += '}';
}

Members sortedMembers(const QJsonObject &object)
{
    Members members;
    for (auto it = object.begin(); it != object.end(); ++it)
        members.append({it.key(), it.value()});
    return members;
}

void writeValue(QByteArray &out, const QJsonValue &value, int depth)
{
    if (value.isObject()) {
        writeMembers(out, sortedMembers(value.toObject()), depth);
        return;
    }
    if (!value.isArray()) {
        out += scalarJson(value);
        return;
    }
    // A list of names reads best on one line: "devices": ["*"]. An array
    // holding objects or arrays gets one line per item.
    const QJsonArray array = value.toArray();
    const bool flat = std::none_of(array.begin(), array.end(), [](const QJsonValue &item) {
        return item.isArray() || item.isObject();
    });
    if (flat) {
        out += '[';
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out += ", ";
            out += scalarJson(array.at(i));
        }
        out += ']';
        return;
    }
    out += "[\n";
    for (qsizetype i = 0; i < array.size(); ++i) {
        indent(out, depth + 1);
        writeValue(out, array.at(i), depth + 1);
        out += i + 1 < array.size() ? ",\n" : "\n";
    }
    indent(out, depth);
    out += ']';
}

// The extra keys after the contract's, skipping any that shadow a contract
// key (the contract's member wins; fromJson never puts one there).
void appendExtra(Members &members, const QJsonObject &extra, std::initializer_list<QLatin1String> known)
{
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            members.append({it.key(), it.value()});
    }
}

void writePanel(QByteArray &out, const PanelSpec &panel, int depth)
{
    Members members;
    members.append({kIdKey, panel.id});
    members.append({kTypeKey, panelTypeName(panel.type)});
    if (!panel.title.isEmpty())
        members.append({kTitleKey, panel.title});
    if (panel.devices)
        members.append({kDevicesKey, QJsonArray::fromStringList(*panel.devices)});
    if (panel.fields)
        members.append({kFieldsKey, QJsonArray::fromStringList(*panel.fields)});
    appendExtra(members, panel.extra, {kIdKey, kTypeKey, kTitleKey, kDevicesKey, kFieldsKey});
    writeMembers(out, members, depth);
}

Members timeMembers(const LayoutTime &time)
{
    if (time.live)
        return {{kLiveKey, true}, {kWindowMinutesKey, time.windowMinutes}};
    // Written in UTC with milliseconds, the form the server writes; a file's
    // own offset is not kept (the instant is).
    return {{kLiveKey, false},
            {kFromKey, formatTimestamp(time.from.toMSecsSinceEpoch())},
            {kToKey, formatTimestamp(time.to.toMSecsSinceEpoch())}};
}

} // namespace

const QList<PanelType> &allPanelTypes()
{
    static const QList<PanelType> types{PanelType::Chart, PanelType::Stat, PanelType::Fleet, PanelType::Timeline,
                                        PanelType::Alerts};
    return types;
}

QString panelTypeName(PanelType type)
{
    switch (type) {
    case PanelType::Chart:
        return QStringLiteral("chart");
    case PanelType::Stat:
        return QStringLiteral("stat");
    case PanelType::Fleet:
        return QStringLiteral("fleet");
    case PanelType::Timeline:
        return QStringLiteral("timeline");
    case PanelType::Alerts:
        return QStringLiteral("alerts");
    }
    return QString();
}

ParseResult<PanelType> parsePanelType(const QString &name)
{
    for (PanelType type : allPanelTypes()) {
        if (panelTypeName(type) == name)
            return ParseResult<PanelType>::success(type);
    }
    return ParseResult<PanelType>::failure(
            WorkspaceLayout::tr("unknown panel type \"%1\"; the panel types are %2").arg(name, knownTypeNames()));
}

bool operator==(const PanelSpec &a, const PanelSpec &b)
{
    return a.id == b.id && a.type == b.type && a.title == b.title && a.devices == b.devices
            && a.fields == b.fields && a.extra == b.extra;
}

bool operator!=(const PanelSpec &a, const PanelSpec &b)
{
    return !(a == b);
}

bool operator==(const LayoutTime &a, const LayoutTime &b)
{
    if (a.live != b.live)
        return false;
    return a.live ? a.windowMinutes == b.windowMinutes : a.from == b.from && a.to == b.to;
}

bool operator!=(const LayoutTime &a, const LayoutTime &b)
{
    return !(a == b);
}

bool operator==(const WorkspaceLayout &a, const WorkspaceLayout &b)
{
    return a.version == b.version && a.name == b.name && a.time == b.time && a.panels == b.panels
            && a.extra == b.extra;
}

bool operator!=(const WorkspaceLayout &a, const WorkspaceLayout &b)
{
    return !(a == b);
}

ParseResult<WorkspaceLayout> WorkspaceLayout::fromJson(const QByteArray &json)
{
    using Result = ParseResult<WorkspaceLayout>;

    // Editors on Windows may start a UTF-8 file with a byte order mark, which
    // JSON does not allow; it carries no meaning, so it is skipped.
    const QByteArray bom("\xEF\xBB\xBF");
    const QByteArray text = json.startsWith(bom) ? json.mid(bom.size()) : json;

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Result::failure(tr("not valid JSON: %1 at %2")
                                       .arg(parseError.errorString(), jsonErrorPlace(text, parseError.offset)));
    if (!document.isObject())
        return Result::failure(tr("a layout must be a JSON object like {\"version\": 1, \"panels\": [...]}, got %1")
                                       .arg(document.isArray() ? tr("an array") : describe(QJsonValue())));
    const QJsonObject object = document.object();

    // The version first: a file of another version gets that message, not
    // whatever else it does differently.
    const QJsonValue version = object.value(kVersionKey);
    if (version.isUndefined())
        return Result::failure(tr("missing \"version\"; Sightline reads version %1").arg(kVersion));
    const std::optional<int> versionNumber = wholeNumber(version);
    if (!versionNumber)
        return Result::failure(tr("\"version\" must be a whole number, got %1").arg(describe(version)));
    if (*versionNumber != kVersion)
        return Result::failure(tr("version %1 is not supported; Sightline reads version %2")
                                       .arg(*versionNumber)
                                       .arg(kVersion));

    WorkspaceLayout layout;
    layout.version = *versionNumber;

    // A missing name reads as empty: a layout saved in the library is named
    // by its file, and an imported one without a name by the file's name.
    const QJsonValue name = object.value(kNameKey);
    if (!name.isUndefined()) {
        if (!name.isString())
            return Result::failure(tr("\"name\" must be a string, got %1").arg(describe(name)));
        layout.name = name.toString();
    }

    const ParseResult<LayoutTime> time = readTime(object.value(kTimeKey));
    if (!time.isOk())
        return Result::failure(time.error());
    layout.time = time.value();

    // "panels" is required (an empty list is a valid, empty workspace): a
    // JSON file that happens to have "version": 1 is not taken for a layout.
    const QJsonValue panels = object.value(kPanelsKey);
    if (!panels.isArray())
        return Result::failure(tr("\"panels\" must be a list of panels, got %1").arg(describe(panels)));
    const QJsonArray panelArray = panels.toArray();
    QHash<QString, int> indexById;
    QList<int> withoutId;
    for (qsizetype i = 0; i < panelArray.size(); ++i) {
        const int index = static_cast<int>(i);
        ParseResult<PanelSpec> panel = readPanel(panelArray.at(i), index);
        if (!panel.isOk())
            return Result::failure(panel.error());
        const QString &id = panel.value().id;
        if (id.isEmpty()) {
            withoutId << index;
        } else if (const auto seen = indexById.constFind(id); seen != indexById.constEnd()) {
            return Result::failure(tr("%1: the id \"%2\" is used twice (also by panels[%3])")
                                           .arg(panelPlace(index, QString()), id)
                                           .arg(seen.value()));
        } else {
            indexById.insert(id, index);
        }
        layout.panels << panel.value();
    }
    // A panel without an id gets the next free "p<N>" after every id the file
    // gives, so the ids a file names are never taken by another panel.
    for (int index : withoutId)
        layout.panels[index].id = layout.uniquePanelId();

    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString &key = it.key();
        if (key != kVersionKey && key != kNameKey && key != kTimeKey && key != kPanelsKey)
            layout.extra.insert(key, it.value());
    }
    return Result::success(layout);
}

QByteArray WorkspaceLayout::toJson() const
{
    QByteArray out = "{\n";
    bool first = true;
    const auto beginMember = [&](const QString &key) {
        if (!first)
            out += ",\n";
        first = false;
        indent(out, 1);
        out += scalarJson(key) + ": ";
    };
    beginMember(kVersionKey);
    out += scalarJson(version);
    beginMember(kNameKey);
    out += scalarJson(name);
    beginMember(kTimeKey);
    writeMembers(out, timeMembers(time), 1);
    beginMember(kPanelsKey);
    if (panels.isEmpty()) {
        out += "[]";
    } else {
        out += "[\n";
        for (qsizetype i = 0; i < panels.size(); ++i) {
            indent(out, 2);
            writePanel(out, panels.at(i), 2);
            out += i + 1 < panels.size() ? ",\n" : "\n";
        }
        indent(out, 1);
        out += ']';
    }
    Members rest;
    appendExtra(rest, extra, {kVersionKey, kNameKey, kTimeKey, kPanelsKey});
    for (const auto &member : rest) {
        beginMember(member.first);
        writeValue(out, member.second, 1);
    }
    out += "\n}\n";
    return out;
}

QString WorkspaceLayout::uniquePanelId() const
{
    static const QRegularExpression numbered(QStringLiteral("^p(\\d{1,18})$"));
    qint64 highest = 0;
    for (const PanelSpec &panel : panels) {
        const QRegularExpressionMatch match = numbered.match(panel.id);
        if (match.hasMatch())
            highest = std::max(highest, match.captured(1).toLongLong());
    }
    return QStringLiteral("p%1").arg(highest + 1);
}

int WorkspaceLayout::indexOfPanel(const QString &id) const
{
    for (qsizetype i = 0; i < panels.size(); ++i) {
        if (panels.at(i).id == id)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace Sightline
