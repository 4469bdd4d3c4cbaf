#pragma once

#include "telemetry/parseresult.h"
#include "telemetry/workspacelayout.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace Sightline {

// The named layouts of the workspace (issue 14), one file per layout in one
// folder: the app passes QStandardPaths::AppDataLocation + "/layouts", tests
// a temporary folder. A layout's name is its file's name: "<name>.json" with
// the characters a file name cannot hold (and a leading dot, and '%' itself)
// percent-encoded as UTF-8, so every name maps to exactly one file and back
// ("a/b" <-> "a%2Fb.json", ".hidden" <-> "%2Ehidden.json"). Files in the
// folder whose names this mapping does not produce are not listed.
//
// Owns nothing but the folder path: every call reads or writes the disk, so
// two windows of the app see each other's changes. Writes are atomic
// (QSaveFile): a crash never leaves half a layout. Names compare exactly
// (case-sensitive, like the files on Linux).
//
// Errors are values: a sentence naming the problem, ready to show.
class LayoutLibrary
{
    Q_DECLARE_TR_FUNCTIONS(LayoutLibrary)

public:
    // The outcome of an operation that gives back no value.
    class Status
    {
    public:
        static Status success() { return Status(QString()); }
        static Status failure(QString error) { return Status(std::move(error)); }
        bool isOk() const { return m_error.isEmpty(); }
        const QString &error() const { return m_error; }

    private:
        explicit Status(QString error) : m_error(std::move(error)) {}
        QString m_error;
    };

    // A layout file larger than this is refused unread (a layout is a few
    // KB; this catches opening the wrong file).
    static constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;

    explicit LayoutLibrary(const QString &folder);

    QString folder() const { return m_folder; }
    // The saved layouts' names, sorted case-insensitively.
    QStringList names() const;
    bool contains(const QString &name) const;
    // Where the layout of that name is (or would be) stored.
    QString filePath(const QString &name) const;

    // The saved layout, named `name` whatever its file says inside.
    ParseResult<WorkspaceLayout> load(const QString &name) const;
    // Writes the layout under layout.name (replacing one of that name),
    // creating the folder when needed. An empty name is refused.
    Status save(const WorkspaceLayout &layout) const;
    // Renames the file and the "name" inside; refused when newName is taken.
    Status rename(const QString &oldName, const QString &newName) const;
    Status remove(const QString &name) const;
    // Reads and checks a layout file and saves it under its own name, or the
    // file's base name when it has none; "Name (2)", "Name (3)", ... when
    // that is taken. Gives the name it was saved under. A bad file saves
    // nothing.
    ParseResult<QString> importFile(const QString &path) const;
    // Writes the saved layout `name` to path.
    Status exportTo(const QString &name, const QString &path) const;

    // Reads and checks a layout file anywhere (`sightline --layout FILE`);
    // errors start with the file's name ("thermals.json: version 2 is not
    // supported; ..."). The layout's name is what the file says (maybe empty).
    static ParseResult<WorkspaceLayout> loadFile(const QString &path);
    // Writes a layout to path atomically; errors start with the file's name.
    static Status saveFile(const WorkspaceLayout &layout, const QString &path);

    // "<encoded name>.json", and back (nullopt for a file name the encoding
    // does not produce).
    static QString fileNameForName(const QString &name);
    static std::optional<QString> nameForFileName(const QString &fileName);

    // The first start's layout: "Default", live 15 min, a fleet table with
    // the temperature field, CPU load and input power, and a chart of that
    // field for every device.
    static WorkspaceLayout defaultLayout(const QString &hottestTemperatureField);
    // Among the fields whose name contains "temp", the one with the highest
    // latest value (the lower name on a tie); "gpu_temp_c" when none is known.
    static QString hottestTemperatureField(const QHash<QString, double> &latestValueByField);

private:
    // Empty when the name can be saved, else why not.
    static QString nameProblem(const QString &name);

    QString m_folder;
};

} // namespace Sightline
