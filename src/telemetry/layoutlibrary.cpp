#include "telemetry/layoutlibrary.h"

#include "telemetry/fieldformat.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace Sightline {

namespace {

const QLatin1String kSuffix(".json");

// Most file systems allow 255 bytes per file name.
constexpr qsizetype kMaxFileNameBytes = 255;

// Bytes of a name that do not go into a file name as they are: the path
// separators, what Windows forbids (so a folder copied there still works),
// control characters, and '%' itself so that decoding is unambiguous.
bool needsEncoding(char byte)
{
    const auto u = static_cast<unsigned char>(byte);
    return u < 0x20 || u == 0x7f || std::strchr("/\\:*?\"<>|%", byte) != nullptr;
}

} // namespace

LayoutLibrary::LayoutLibrary(const QString &folder)
    : m_folder(folder)
{
}

QString LayoutLibrary::fileNameForName(const QString &name)
{
    const QByteArray utf8 = name.toUtf8();
    QByteArray encoded;
    encoded.reserve(utf8.size());
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char byte = utf8.at(i);
        // A leading dot would hide the file (and "." or ".." name folders);
        // a trailing dot or space is dropped by Windows.
        const bool edge = (i == 0 && byte == '.') || (i + 1 == utf8.size() && (byte == '.' || byte == ' '));
        if (edge || needsEncoding(byte)) {
            encoded += '%';
            encoded += QByteArray(1, byte).toHex().toUpper();
        } else {
            encoded += byte;
        }
    }
    return QString::fromUtf8(encoded) + kSuffix;
}

std::optional<QString> LayoutLibrary::nameForFileName(const QString &fileName)
{
    if (!fileName.endsWith(kSuffix) || fileName.size() == kSuffix.size())
        return std::nullopt;
    const QByteArray encoded = fileName.left(fileName.size() - kSuffix.size()).toUtf8();
    const QString name = QString::fromUtf8(QByteArray::fromPercentEncoding(encoded));
    // Only the files the encoding makes are layouts of the library: "50%.json"
    // copied in by hand has no name that maps back to it.
    if (fileNameForName(name) != fileName)
        return std::nullopt;
    return name;
}

QString LayoutLibrary::nameProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return tr("a layout needs a name");
    if (fileNameForName(name).toUtf8().size() > kMaxFileNameBytes)
        return tr("the name \"%1\" is too long for a file name").arg(name);
    return QString();
}

QString LayoutLibrary::filePath(const QString &name) const
{
    return QDir(m_folder).filePath(fileNameForName(name));
}

QStringList LayoutLibrary::names() const
{
    const QStringList files = QDir(m_folder).entryList({QStringLiteral("*.json")}, QDir::Files | QDir::CaseSensitive);
    QStringList result;
    for (const QString &file : files) {
        if (const std::optional<QString> name = nameForFileName(file))
            result << *name;
    }
    std::sort(result.begin(), result.end(), [](const QString &a, const QString &b) {
        const int folded = a.compare(b, Qt::CaseInsensitive);
        return folded != 0 ? folded < 0 : a < b;
    });
    return result;
}

bool LayoutLibrary::contains(const QString &name) const
{
    return !name.isEmpty() && QFileInfo(filePath(name)).isFile();
}

ParseResult<WorkspaceLayout> LayoutLibrary::load(const QString &name) const
{
    if (!contains(name))
        return ParseResult<WorkspaceLayout>::failure(tr("there is no saved layout named \"%1\"").arg(name));
    ParseResult<WorkspaceLayout> layout = loadFile(filePath(name));
    // The file's name is the layout's name: a file renamed by hand, or
    // written without a name, still reads under the name it is listed by.
    if (layout.isOk())
        layout.value().name = name;
    return layout;
}

LayoutLibrary::Status LayoutLibrary::save(const WorkspaceLayout &layout) const
{
    if (const QString problem = nameProblem(layout.name); !problem.isEmpty())
        return Status::failure(problem);
    if (!QDir().mkpath(m_folder))
        return Status::failure(tr("could not create the folder %1").arg(QDir::toNativeSeparators(m_folder)));
    return saveFile(layout, filePath(layout.name));
}

LayoutLibrary::Status LayoutLibrary::rename(const QString &oldName, const QString &newName) const
{
    if (!contains(oldName))
        return Status::failure(tr("there is no saved layout named \"%1\"").arg(oldName));
    if (newName == oldName)
        return Status::success();
    if (const QString problem = nameProblem(newName); !problem.isEmpty())
        return Status::failure(problem);
    if (contains(newName))
        return Status::failure(tr("a layout named \"%1\" already exists").arg(newName));

    ParseResult<WorkspaceLayout> layout = load(oldName);
    if (!layout.isOk())
        return Status::failure(layout.error());
    layout.value().name = newName;
    // Write the new file before removing the old one: a failure on the way
    // leaves the layout under one of its names, never under none.
    if (const Status saved = save(layout.value()); !saved.isOk())
        return saved;
    QFile oldFile(filePath(oldName));
    if (!oldFile.remove()) {
        const QString reason = oldFile.errorString();
        QFile::remove(filePath(newName));
        return Status::failure(tr("could not rename \"%1\": %2").arg(oldName, reason));
    }
    return Status::success();
}

LayoutLibrary::Status LayoutLibrary::remove(const QString &name) const
{
    if (!contains(name))
        return Status::failure(tr("there is no saved layout named \"%1\"").arg(name));
    QFile file(filePath(name));
    if (!file.remove())
        return Status::failure(tr("could not delete \"%1\": %2").arg(name, file.errorString()));
    return Status::success();
}

ParseResult<QString> LayoutLibrary::importFile(const QString &path) const
{
    ParseResult<WorkspaceLayout> layout = loadFile(path);
    if (!layout.isOk())
        return ParseResult<QString>::failure(layout.error());

    QString name = layout.value().name;
    if (name.trimmed().isEmpty())
        name = QFileInfo(path).completeBaseName();
    if (name.trimmed().isEmpty())
        name = tr("Imported layout");
    // An import never replaces a saved layout: the second "Thermals" becomes
    // "Thermals (2)".
    const QString base = name;
    for (int n = 2; contains(name); ++n)
        name = QStringLiteral("%1 (%2)").arg(base).arg(n);

    layout.value().name = name;
    if (const Status saved = save(layout.value()); !saved.isOk())
        return ParseResult<QString>::failure(saved.error());
    return ParseResult<QString>::success(name);
}

LayoutLibrary::Status LayoutLibrary::exportTo(const QString &name, const QString &path) const
{
    const ParseResult<WorkspaceLayout> layout = load(name);
    if (!layout.isOk())
        return Status::failure(layout.error());
    return saveFile(layout.value(), path);
}

ParseResult<WorkspaceLayout> LayoutLibrary::loadFile(const QString &path)
{
    using Result = ParseResult<WorkspaceLayout>;
    const QString fileName = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result::failure(tr("%1: could not be read: %2").arg(fileName, file.errorString()));
    if (file.size() > kMaxFileBytes)
        return Result::failure(tr("%1: %2 bytes is too large for a layout file (at most %3)")
                                       .arg(fileName)
                                       .arg(file.size())
                                       .arg(kMaxFileBytes));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Result::failure(tr("%1: could not be read: %2").arg(fileName, file.errorString()));
    const Result layout = WorkspaceLayout::fromJson(bytes);
    if (!layout.isOk())
        return Result::failure(fileName + QStringLiteral(": ") + layout.error());
    return layout;
}

LayoutLibrary::Status LayoutLibrary::saveFile(const WorkspaceLayout &layout, const QString &path)
{
    const QString fileName = QFileInfo(path).fileName();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(tr("%1: could not be written: %2").arg(fileName, file.errorString()));
    const QByteArray bytes = layout.toJson();
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Status::failure(tr("%1: could not be written: %2").arg(fileName, file.errorString()));
    return Status::success();
}

WorkspaceLayout LayoutLibrary::defaultLayout(const QString &hottestTemperatureField)
{
    WorkspaceLayout layout;
    // Not translated: the name is also the saved file's name and what
    // `sightline --layout Default` and the docs refer to.
    layout.name = QStringLiteral("Default");
    layout.time.live = true;
    layout.time.windowMinutes = LayoutTime::kDefaultWindowMinutes;

    QStringList fleetFields{hottestTemperatureField};
    for (const QString &field : {QStringLiteral("cpu_util_pct"), QStringLiteral("power_vdd_in_mw")}) {
        if (!fleetFields.contains(field))
            fleetFields << field;
    }
    PanelSpec fleet;
    fleet.id = QStringLiteral("p1");
    fleet.type = PanelType::Fleet;
    fleet.fields = fleetFields;

    PanelSpec chart;
    chart.id = QStringLiteral("p2");
    chart.type = PanelType::Chart;
    chart.title = fieldLabel(hottestTemperatureField);
    chart.devices = QStringList{QStringLiteral("*")};
    chart.fields = QStringList{hottestTemperatureField};

    layout.panels = {fleet, chart};
    return layout;
}

QString LayoutLibrary::hottestTemperatureField(const QHash<QString, double> &latestValueByField)
{
    QString hottest;
    double hottestValue = 0;
    for (auto it = latestValueByField.begin(); it != latestValueByField.end(); ++it) {
        const QString &field = it.key();
        if (!field.contains(QLatin1String("temp"), Qt::CaseInsensitive) || std::isnan(it.value()))
            continue;
        // Ties go to the lower name, so the pick does not depend on the
        // hash's order.
        if (hottest.isEmpty() || it.value() > hottestValue || (it.value() == hottestValue && field < hottest)) {
            hottest = field;
            hottestValue = it.value();
        }
    }
    return hottest.isEmpty() ? QStringLiteral("gpu_temp_c") : hottest;
}

} // namespace Sightline
