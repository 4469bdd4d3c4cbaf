#pragma once

#include "telemetry/parseresult.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The layout file of the sightline workspace (API.md "Workspace layouts",
// issue 14) as value types: which panels the workspace shows, what each one
// shows, and the time range. Reading is strict: a file that breaks the
// contract is refused with one sentence naming the problem (and the panel),
// so the app can show it and keep the layout it has. Keys the contract does
// not name (the app's dock arrangement, a chart's colours) are kept verbatim
// in `extra` and written back, so a file round-trips.
//
// Pure value code: no widgets, no files (LayoutLibrary does the files).

namespace Sightline {

enum class PanelType { Chart, Stat, Fleet, Timeline, Alerts };

// Every panel type, in the contract's order.
const QList<PanelType> &allPanelTypes();
// "chart", "stat", "fleet", "timeline", "alerts": the names in the file.
QString panelTypeName(PanelType type);
// The type a file names, or a sentence listing the known names.
ParseResult<PanelType> parsePanelType(const QString &name);

struct PanelSpec
{
    QString id;                       // unique within the layout ("p1")
    PanelType type = PanelType::Chart;
    QString title;                    // empty: the app picks one
    std::optional<QStringList> devices; // names or * globs; absent = all devices
    std::optional<QStringList> fields;  // names or * globs; absent = all fields
    QJsonObject extra;                // every other key of the panel, verbatim
};
bool operator==(const PanelSpec &a, const PanelSpec &b);
bool operator!=(const PanelSpec &a, const PanelSpec &b);

// {"live": true, "windowMinutes": N} or {"live": false, "from": .., "to": ..}.
// Only the members of the mode in use are part of the value: a live time
// ignores from/to, an absolute one ignores windowMinutes (operator== too).
struct LayoutTime
{
    static constexpr int kMinWindowMinutes = 1;
    static constexpr int kMaxWindowMinutes = 24 * 60;
    static constexpr int kDefaultWindowMinutes = 15;

    bool live = true;
    int windowMinutes = kDefaultWindowMinutes; // 1..1440, when live
    QDateTime from;                            // when not live; from < to
    QDateTime to;
};
bool operator==(const LayoutTime &a, const LayoutTime &b);
bool operator!=(const LayoutTime &a, const LayoutTime &b);

struct WorkspaceLayout
{
    static constexpr int kVersion = 1;

    int version = kVersion;
    QString name;    // empty when the file has none (LayoutLibrary names it)
    LayoutTime time;
    QList<PanelSpec> panels;
    QJsonObject extra; // every other top-level key, verbatim (e.g. "dockState")

    // Reads a layout file's bytes: the layout, or one sentence naming the
    // first problem ("panels[2] (\"p3\"): unknown panel type \"graph\"; ...").
    static ParseResult<WorkspaceLayout> fromJson(const QByteArray &json);
    // Indented JSON with the contract's keys first in a fixed order, then the
    // extra keys sorted; fromJson(toJson()) gives this layout back and
    // toJson() of that is the same bytes.
    QByteArray toJson() const;

    // "p<N>" with N one more than the highest N among the ids of that form,
    // so a removed panel's id is not handed to a new one.
    QString uniquePanelId() const;
    // The index in panels of the panel with that id, or -1.
    int indexOfPanel(const QString &id) const;

    Q_DECLARE_TR_FUNCTIONS(WorkspaceLayout)
};
bool operator==(const WorkspaceLayout &a, const WorkspaceLayout &b);
bool operator!=(const WorkspaceLayout &a, const WorkspaceLayout &b);

} // namespace Sightline
