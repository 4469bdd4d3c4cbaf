#include "telemetry/layoutlibrary.h"

#include "telemetry/fieldformat.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Sightline;

namespace {

WorkspaceLayout layoutNamed(const QString &name, const QString &field = QStringLiteral("gpu_temp_c"))
{
    WorkspaceLayout layout;
    layout.name = name;
    PanelSpec chart;
    chart.id = QStringLiteral("p1");
    chart.type = PanelType::Chart;
    chart.devices = QStringList{QStringLiteral("*")};
    chart.fields = QStringList{field};
    chart.extra.insert(QStringLiteral("smallMultiples"), true);
    layout.panels = {chart};
    layout.extra.insert(QStringLiteral("dockState"), QStringLiteral("AAAA"));
    return layout;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class tst_LayoutLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void fileNames_data();
    void fileNames();
    void saveAndLoad_data();
    void saveAndLoad();
    void otherFilesNotListed();
    void namesSortedIgnoringCase();
    void saveReplaces();
    void saveRefusesBadNames_data();
    void saveRefusesBadNames();
    void loadNamesTheLayoutAfterItsFile();
    void loadRefused_data();
    void loadRefused();
    void rename_data();
    void rename();
    void renameRefusesTakenName();
    void renameRefusesMissingLayout();
    void remove();
    void removeRefusesMissingLayout();
    void importUsesTheNameInside();
    void importWithoutNameUsesFileName();
    void importCollisionAddsNumber();
    void importBadFileSavesNothing_data();
    void importBadFileSavesNothing();
    void exportWritesTheLayout();
    void exportRefusesMissingLayout();
    void loadFileRefusesOversizedFile();
    void defaultLayout();
    void hottestTemperatureField_data();
    void hottestTemperatureField();

private:
    // The library's folder does not exist until something is saved.
    QString folder() const { return m_dir->filePath(QStringLiteral("layouts")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_LayoutLibrary::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_LayoutLibrary::cleanup()
{
    m_dir.reset();
}

void tst_LayoutLibrary::fileNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("fileName");

    QTest::newRow("plain") << "Thermals" << "Thermals.json";
    QTest::newRow("spaces and brackets kept") << "Night shift (2)" << "Night shift (2).json";
    QTest::newRow("slash") << "lab/bench" << "lab%2Fbench.json";
    QTest::newRow("parent folder") << "../escape" << "%2E.%2Fescape.json";
    QTest::newRow("two dots") << ".." << "%2E%2E.json";
    QTest::newRow("leading dot") << ".hidden" << "%2Ehidden.json";
    QTest::newRow("colon and backslash") << "C:\\temp" << "C%3A%5Ctemp.json";
    QTest::newRow("characters Windows forbids") << "a*b?c\"d<e>f|g" << "a%2Ab%3Fc%22d%3Ce%3Ef%7Cg.json";
    QTest::newRow("percent itself") << "50%" << "50%25.json";
    QTest::newRow("looks encoded") << "a%2Fb" << "a%252Fb.json";
    QTest::newRow("trailing dot") << "v1." << "v1%2E.json";
    QTest::newRow("trailing space") << "v1 " << "v1%20.json";
    QTest::newRow("control characters") << "tab\there\n" << "tab%09here%0A.json";
    QTest::newRow("unicode kept") << QStringLiteral("Temperatur ✓ 温度 – Ü") << QStringLiteral("Temperatur ✓ 温度 – Ü.json");
    QTest::newRow("ends in .json") << "x.json" << "x.json.json";
}

void tst_LayoutLibrary::fileNames()
{
    QFETCH(QString, name);
    QFETCH(QString, fileName);

    QCOMPARE(LayoutLibrary::fileNameForName(name), fileName);
    QCOMPARE(LayoutLibrary::nameForFileName(fileName), std::optional<QString>(name));
}

void tst_LayoutLibrary::saveAndLoad_data()
{
    fileNames_data();
}

void tst_LayoutLibrary::saveAndLoad()
{
    QFETCH(QString, name);
    QFETCH(QString, fileName);

    LayoutLibrary library(folder());
    QVERIFY(library.names().isEmpty());
    QVERIFY(!library.contains(name));

    const WorkspaceLayout layout = layoutNamed(name);
    const LayoutLibrary::Status saved = library.save(layout);
    QVERIFY2(saved.isOk(), qPrintable(saved.error()));

    // One file, in the folder, under the encoded name; nothing beside it.
    QCOMPARE(QDir(folder()).entryList(QDir::Files | QDir::Hidden), QStringList{fileName});
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("layouts")});
    QCOMPARE(readAll(QDir(folder()).filePath(fileName)), layout.toJson());

    QCOMPARE(library.names(), QStringList{name});
    QVERIFY(library.contains(name));
    const ParseResult<WorkspaceLayout> loaded = library.load(name);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    QVERIFY(loaded.value() == layout);
}

void tst_LayoutLibrary::otherFilesNotListed()
{
    LayoutLibrary library(folder());
    QVERIFY(library.save(layoutNamed(QStringLiteral("Mine"))).isOk());
    const QDir dir(folder());
    QVERIFY(writeAll(dir.filePath(QStringLiteral("notes.txt")), "x"));
    QVERIFY(writeAll(dir.filePath(QStringLiteral(".hidden.json")), layoutNamed(QString()).toJson()));
    QVERIFY(writeAll(dir.filePath(QStringLiteral("50%.json")), layoutNamed(QString()).toJson()));
    QVERIFY(writeAll(dir.filePath(QStringLiteral("upper.JSON")), layoutNamed(QString()).toJson()));
    QVERIFY(dir.mkdir(QStringLiteral("folder.json")));

    QCOMPARE(library.names(), QStringList{QStringLiteral("Mine")});
    QVERIFY(!library.contains(QStringLiteral("folder")));
}

void tst_LayoutLibrary::namesSortedIgnoringCase()
{
    LayoutLibrary library(folder());
    for (const QString &name : {QStringLiteral("beta"), QStringLiteral("Gamma"), QStringLiteral("alpha"),
                                QStringLiteral("Alpha"), QStringLiteral("10 min")})
        QVERIFY(library.save(layoutNamed(name)).isOk());
    QCOMPARE(library.names(), (QStringList{QStringLiteral("10 min"), QStringLiteral("Alpha"), QStringLiteral("alpha"),
                                           QStringLiteral("beta"), QStringLiteral("Gamma")}));
}

void tst_LayoutLibrary::saveReplaces()
{
    LayoutLibrary library(folder());
    QVERIFY(library.save(layoutNamed(QStringLiteral("Thermals"), QStringLiteral("gpu_temp_c"))).isOk());
    const WorkspaceLayout second = layoutNamed(QStringLiteral("Thermals"), QStringLiteral("cpu_temp_c"));
    QVERIFY(library.save(second).isOk());

    QCOMPARE(library.names(), QStringList{QStringLiteral("Thermals")});
    const ParseResult<WorkspaceLayout> loaded = library.load(QStringLiteral("Thermals"));
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    QVERIFY(loaded.value() == second);
    // QSaveFile leaves no temporary file behind.
    QCOMPARE(QDir(folder()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("Thermals.json")});
}

void tst_LayoutLibrary::saveRefusesBadNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QString() << QStringLiteral("a layout needs a name");
    QTest::newRow("only spaces") << QStringLiteral("   ") << QStringLiteral("a layout needs a name");
    const QString longName(200, QLatin1Char('/'));
    QTest::newRow("too long once encoded")
            << longName << QStringLiteral("the name \"%1\" is too long for a file name").arg(longName);
}

void tst_LayoutLibrary::saveRefusesBadNames()
{
    QFETCH(QString, name);
    QFETCH(QString, message);

    LayoutLibrary library(folder());
    const LayoutLibrary::Status saved = library.save(layoutNamed(name));
    QVERIFY(!saved.isOk());
    QCOMPARE(saved.error(), message);
    QVERIFY(library.names().isEmpty());
}

void tst_LayoutLibrary::loadNamesTheLayoutAfterItsFile()
{
    LayoutLibrary library(folder());
    QVERIFY(QDir().mkpath(folder()));
    // Copied in by hand: one file says another name, one says none.
    QVERIFY(writeAll(library.filePath(QStringLiteral("Copied")), layoutNamed(QStringLiteral("Original")).toJson()));
    QVERIFY(writeAll(library.filePath(QStringLiteral("Bare")), R"({"version": 1, "panels": []})"));

    QCOMPARE(library.names(), (QStringList{QStringLiteral("Bare"), QStringLiteral("Copied")}));
    const ParseResult<WorkspaceLayout> copied = library.load(QStringLiteral("Copied"));
    QVERIFY2(copied.isOk(), qPrintable(copied.error()));
    QCOMPARE(copied.value().name, QStringLiteral("Copied"));
    const ParseResult<WorkspaceLayout> bare = library.load(QStringLiteral("Bare"));
    QVERIFY2(bare.isOk(), qPrintable(bare.error()));
    QCOMPARE(bare.value().name, QStringLiteral("Bare"));
}

void tst_LayoutLibrary::loadRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("fileContent"); // empty: no file
    QTest::addColumn<QString>("message");

    QTest::newRow("no such layout") << QStringLiteral("Missing") << QByteArray()
                                    << QStringLiteral("there is no saved layout named \"Missing\"");
    QTest::newRow("another version")
            << QStringLiteral("Future") << QByteArray(R"({"version": 2, "panels": []})")
            << QStringLiteral("Future.json: version 2 is not supported; Sightline reads version 1");
    QTest::newRow("an unknown panel type, encoded file name")
            << QStringLiteral("a/b") << QByteArray(R"({"version": 1, "panels": [{"type": "map"}]})")
            << QStringLiteral("a%2Fb.json: panels[0]: unknown panel type \"map\"; "
                              "the panel types are chart, stat, fleet, timeline, alerts");
}

void tst_LayoutLibrary::loadRefused()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, fileContent);
    QFETCH(QString, message);

    LayoutLibrary library(folder());
    if (!fileContent.isEmpty()) {
        QVERIFY(QDir().mkpath(folder()));
        QVERIFY(writeAll(library.filePath(name), fileContent));
    }
    const ParseResult<WorkspaceLayout> loaded = library.load(name);
    QVERIFY(!loaded.isOk());
    QCOMPARE(loaded.error(), message);
}

void tst_LayoutLibrary::rename_data()
{
    QTest::addColumn<QString>("oldName");
    QTest::addColumn<QString>("newName");

    QTest::newRow("plain") << "Thermals" << "Thermals old";
    QTest::newRow("into a name with a slash") << "Thermals" << "lab/bench";
    QTest::newRow("only the case") << "thermals" << "Thermals";
    QTest::newRow("unicode to leading dot") << QStringLiteral("温度") << QStringLiteral(".temp");
}

void tst_LayoutLibrary::rename()
{
    QFETCH(QString, oldName);
    QFETCH(QString, newName);

    LayoutLibrary library(folder());
    const WorkspaceLayout layout = layoutNamed(oldName);
    QVERIFY(library.save(layout).isOk());

    const LayoutLibrary::Status renamed = library.rename(oldName, newName);
    QVERIFY2(renamed.isOk(), qPrintable(renamed.error()));
    QCOMPARE(library.names(), QStringList{newName});
    QVERIFY(!library.contains(oldName));

    // The name inside the file changed too; the rest is as saved.
    const ParseResult<WorkspaceLayout> loaded = LayoutLibrary::loadFile(library.filePath(newName));
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    WorkspaceLayout expected = layout;
    expected.name = newName;
    QVERIFY(loaded.value() == expected);
}

void tst_LayoutLibrary::renameRefusesTakenName()
{
    LayoutLibrary library(folder());
    const WorkspaceLayout a = layoutNamed(QStringLiteral("A"), QStringLiteral("gpu_temp_c"));
    const WorkspaceLayout b = layoutNamed(QStringLiteral("B"), QStringLiteral("cpu_temp_c"));
    QVERIFY(library.save(a).isOk());
    QVERIFY(library.save(b).isOk());

    const LayoutLibrary::Status renamed = library.rename(QStringLiteral("A"), QStringLiteral("B"));
    QVERIFY(!renamed.isOk());
    QCOMPARE(renamed.error(), QStringLiteral("a layout named \"B\" already exists"));
    QVERIFY(library.load(QStringLiteral("A")).value() == a);
    QVERIFY(library.load(QStringLiteral("B")).value() == b);

    const LayoutLibrary::Status empty = library.rename(QStringLiteral("A"), QString());
    QVERIFY(!empty.isOk());
    QCOMPARE(empty.error(), QStringLiteral("a layout needs a name"));
    QCOMPARE(library.names(), (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
}

void tst_LayoutLibrary::renameRefusesMissingLayout()
{
    LayoutLibrary library(folder());
    const LayoutLibrary::Status renamed = library.rename(QStringLiteral("Nope"), QStringLiteral("Other"));
    QVERIFY(!renamed.isOk());
    QCOMPARE(renamed.error(), QStringLiteral("there is no saved layout named \"Nope\""));
    QVERIFY(library.names().isEmpty());
}

void tst_LayoutLibrary::remove()
{
    LayoutLibrary library(folder());
    QVERIFY(library.save(layoutNamed(QStringLiteral("Keep"))).isOk());
    QVERIFY(library.save(layoutNamed(QStringLiteral(".Drop/me"))).isOk());

    const LayoutLibrary::Status removed = library.remove(QStringLiteral(".Drop/me"));
    QVERIFY2(removed.isOk(), qPrintable(removed.error()));
    QCOMPARE(library.names(), QStringList{QStringLiteral("Keep")});
    QCOMPARE(QDir(folder()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("Keep.json")});
}

void tst_LayoutLibrary::removeRefusesMissingLayout()
{
    LayoutLibrary library(folder());
    QVERIFY(library.save(layoutNamed(QStringLiteral("Keep"))).isOk());
    const LayoutLibrary::Status removed = library.remove(QStringLiteral("keep"));
    QVERIFY(!removed.isOk());
    QCOMPARE(removed.error(), QStringLiteral("there is no saved layout named \"keep\""));
    QCOMPARE(library.names(), QStringList{QStringLiteral("Keep")});
}

void tst_LayoutLibrary::importUsesTheNameInside()
{
    const QString path = m_dir->filePath(QStringLiteral("shared-by-ops.json"));
    const WorkspaceLayout layout = layoutNamed(QStringLiteral("Thermals"));
    QVERIFY(writeAll(path, layout.toJson()));

    LayoutLibrary library(folder());
    const ParseResult<QString> imported = library.importFile(path);
    QVERIFY2(imported.isOk(), qPrintable(imported.error()));
    QCOMPARE(imported.value(), QStringLiteral("Thermals"));
    QCOMPARE(library.names(), QStringList{QStringLiteral("Thermals")});
    QVERIFY(library.load(QStringLiteral("Thermals")).value() == layout);
}

void tst_LayoutLibrary::importWithoutNameUsesFileName()
{
    const QString path = m_dir->filePath(QStringLiteral("night.shift.json"));
    QVERIFY(writeAll(path, layoutNamed(QString()).toJson()));

    LayoutLibrary library(folder());
    const ParseResult<QString> imported = library.importFile(path);
    QVERIFY2(imported.isOk(), qPrintable(imported.error()));
    QCOMPARE(imported.value(), QStringLiteral("night.shift"));
    const ParseResult<WorkspaceLayout> loaded = LayoutLibrary::loadFile(library.filePath(QStringLiteral("night.shift")));
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    QCOMPARE(loaded.value().name, QStringLiteral("night.shift"));
}

void tst_LayoutLibrary::importCollisionAddsNumber()
{
    LayoutLibrary library(folder());
    const WorkspaceLayout mine = layoutNamed(QStringLiteral("Thermals"), QStringLiteral("cpu_temp_c"));
    QVERIFY(library.save(mine).isOk());
    const QString path = m_dir->filePath(QStringLiteral("theirs.json"));
    const WorkspaceLayout theirs = layoutNamed(QStringLiteral("Thermals"), QStringLiteral("gpu_temp_c"));
    QVERIFY(writeAll(path, theirs.toJson()));

    const ParseResult<QString> first = library.importFile(path);
    QVERIFY2(first.isOk(), qPrintable(first.error()));
    QCOMPARE(first.value(), QStringLiteral("Thermals (2)"));
    const ParseResult<QString> second = library.importFile(path);
    QVERIFY2(second.isOk(), qPrintable(second.error()));
    QCOMPARE(second.value(), QStringLiteral("Thermals (3)"));

    QCOMPARE(library.names(), (QStringList{QStringLiteral("Thermals"), QStringLiteral("Thermals (2)"),
                                           QStringLiteral("Thermals (3)")}));
    // The saved one is untouched; the imports carry their new names inside.
    QVERIFY(library.load(QStringLiteral("Thermals")).value() == mine);
    WorkspaceLayout expected = theirs;
    expected.name = QStringLiteral("Thermals (2)");
    QVERIFY(LayoutLibrary::loadFile(library.filePath(expected.name)).value() == expected);
}

void tst_LayoutLibrary::importBadFileSavesNothing_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content"); // empty: no file
    QTest::addColumn<QString>("messageStart");

    QTest::newRow("not JSON") << QStringLiteral("broken.json") << QByteArray("{\"version\": 1,")
                              << QStringLiteral("broken.json: not valid JSON: ");
    QTest::newRow("another version") << QStringLiteral("v2.json") << QByteArray(R"({"version": 2, "panels": []})")
                                     << QStringLiteral("v2.json: version 2 is not supported; Sightline reads version 1");
    QTest::newRow("unknown panel type") << QStringLiteral("map.json")
                                        << QByteArray(R"({"version": 1, "panels": [{"id": "p1", "type": "map"}]})")
                                        << QStringLiteral("map.json: panels[0] (\"p1\"): unknown panel type \"map\"");
    QTest::newRow("no such file") << QStringLiteral("gone.json") << QByteArray()
                                  << QStringLiteral("gone.json: could not be read: ");
}

void tst_LayoutLibrary::importBadFileSavesNothing()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(QString, messageStart);

    const QString path = m_dir->filePath(fileName);
    if (!content.isEmpty())
        QVERIFY(writeAll(path, content));
    LayoutLibrary library(folder());
    const ParseResult<QString> imported = library.importFile(path);
    QVERIFY(!imported.isOk());
    QVERIFY2(imported.error().startsWith(messageStart), qPrintable(imported.error()));
    QVERIFY(library.names().isEmpty());
    QVERIFY(!QFileInfo::exists(folder()));
}

void tst_LayoutLibrary::exportWritesTheLayout()
{
    LayoutLibrary library(folder());
    const WorkspaceLayout layout = layoutNamed(QStringLiteral("lab/bench"));
    QVERIFY(library.save(layout).isOk());

    const QString path = m_dir->filePath(QStringLiteral("for-the-team.json"));
    const LayoutLibrary::Status exported = library.exportTo(QStringLiteral("lab/bench"), path);
    QVERIFY2(exported.isOk(), qPrintable(exported.error()));
    QCOMPARE(readAll(path), layout.toJson());
    const ParseResult<WorkspaceLayout> loaded = LayoutLibrary::loadFile(path);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    QVERIFY(loaded.value() == layout);

    // Exported and imported into another library: the same layout.
    LayoutLibrary other(m_dir->filePath(QStringLiteral("elsewhere")));
    const ParseResult<QString> imported = other.importFile(path);
    QVERIFY2(imported.isOk(), qPrintable(imported.error()));
    QVERIFY(other.load(imported.value()).value() == layout);
}

void tst_LayoutLibrary::exportRefusesMissingLayout()
{
    LayoutLibrary library(folder());
    const QString path = m_dir->filePath(QStringLiteral("out.json"));
    const LayoutLibrary::Status exported = library.exportTo(QStringLiteral("Nope"), path);
    QVERIFY(!exported.isOk());
    QCOMPARE(exported.error(), QStringLiteral("there is no saved layout named \"Nope\""));
    QVERIFY(!QFileInfo::exists(path));

    QVERIFY(library.save(layoutNamed(QStringLiteral("Here"))).isOk());
    const QString intoMissingFolder = m_dir->filePath(QStringLiteral("no/such/folder/out.json"));
    const LayoutLibrary::Status failed = library.exportTo(QStringLiteral("Here"), intoMissingFolder);
    QVERIFY(!failed.isOk());
    QVERIFY2(failed.error().startsWith(QStringLiteral("out.json: could not be written: ")), qPrintable(failed.error()));
}

void tst_LayoutLibrary::loadFileRefusesOversizedFile()
{
    const QString path = m_dir->filePath(QStringLiteral("huge.json"));
    QByteArray bytes = layoutNamed(QStringLiteral("Huge")).toJson();
    bytes.append(LayoutLibrary::kMaxFileBytes, ' ');
    QVERIFY(writeAll(path, bytes));

    const ParseResult<WorkspaceLayout> loaded = LayoutLibrary::loadFile(path);
    QVERIFY(!loaded.isOk());
    QCOMPARE(loaded.error(), QStringLiteral("huge.json: %1 bytes is too large for a layout file (at most %2)")
                                     .arg(bytes.size())
                                     .arg(LayoutLibrary::kMaxFileBytes));
}

void tst_LayoutLibrary::defaultLayout()
{
    const WorkspaceLayout layout = LayoutLibrary::defaultLayout(QStringLiteral("soc_temp_c"));
    QCOMPARE(layout.name, QStringLiteral("Default"));
    QVERIFY(layout.time.live);
    QCOMPARE(layout.time.windowMinutes, 15);
    QCOMPARE(layout.panels.size(), 2);

    const PanelSpec &fleet = layout.panels.at(0);
    QCOMPARE(fleet.type, PanelType::Fleet);
    QVERIFY(!fleet.devices.has_value());
    QCOMPARE(fleet.fields, std::optional<QStringList>(QStringList{
                                   QStringLiteral("soc_temp_c"), QStringLiteral("cpu_util_pct"),
                                   QStringLiteral("power_vdd_in_mw")}));

    const PanelSpec &chart = layout.panels.at(1);
    QCOMPARE(chart.type, PanelType::Chart);
    QCOMPARE(chart.title, fieldLabel(QStringLiteral("soc_temp_c")));
    QCOMPARE(chart.devices, std::optional<QStringList>(QStringList{QStringLiteral("*")}));
    QCOMPARE(chart.fields, std::optional<QStringList>(QStringList{QStringLiteral("soc_temp_c")}));
    QVERIFY(fleet.id != chart.id);

    // It is a layout like any other: it saves and reads back.
    LayoutLibrary library(folder());
    QVERIFY(library.save(layout).isOk());
    QVERIFY(library.load(QStringLiteral("Default")).value() == layout);
}

void tst_LayoutLibrary::hottestTemperatureField_data()
{
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<QString>("expected");

    QTest::newRow("nothing known") << QStringList() << QList<double>() << QStringLiteral("gpu_temp_c");
    QTest::newRow("no temperature fields")
            << QStringList{QStringLiteral("cpu_util_pct"), QStringLiteral("power_vdd_in_mw")} << QList<double>{99, 20000}
            << QStringLiteral("gpu_temp_c");
    QTest::newRow("the hottest wins")
            << QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c"), QStringLiteral("soc_temp_c"),
                           QStringLiteral("power_vdd_in_mw")}
            << QList<double>{51.5, 63.25, 48, 17500} << QStringLiteral("cpu_temp_c");
    QTest::newRow("a tie goes to the lower name")
            << QStringList{QStringLiteral("tj_temp_c"), QStringLiteral("aux_temp_c"), QStringLiteral("gpu_temp_c")}
            << QList<double>{70, 70, 60} << QStringLiteral("aux_temp_c");
    QTest::newRow("temp in capitals") << QStringList{QStringLiteral("CPU_Temp_C")} << QList<double>{40}
                                      << QStringLiteral("CPU_Temp_C");
    QTest::newRow("below zero still counts") << QStringList{QStringLiteral("outdoor_temp_c")} << QList<double>{-12}
                                             << QStringLiteral("outdoor_temp_c");
    QTest::newRow("not a number is skipped")
            << QStringList{QStringLiteral("cpu_temp_c"), QStringLiteral("gpu_temp_c")}
            << QList<double>{qQNaN(), 30} << QStringLiteral("gpu_temp_c");
}

void tst_LayoutLibrary::hottestTemperatureField()
{
    QFETCH(QStringList, fields);
    QFETCH(QList<double>, values);
    QFETCH(QString, expected);

    QHash<QString, double> latest;
    for (qsizetype i = 0; i < fields.size(); ++i)
        latest.insert(fields.at(i), values.at(i));
    QCOMPARE(LayoutLibrary::hottestTemperatureField(latest), expected);
}

QTEST_APPLESS_MAIN(tst_LayoutLibrary)
#include "tst_layoutlibrary.moc"
