#include "ui/panelconfigdialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTest>

using namespace Sightline;

namespace {

const QStringList kDevices{QStringLiteral("jetson-01"), QStringLiteral("jetson-02"), QStringLiteral("cam-1")};
const QStringList kFields{QStringLiteral("cpu_temp_c"), QStringLiteral("gpu_temp_c"), QStringLiteral("power_mw")};

PanelSpec chartOf(std::optional<QStringList> devices, std::optional<QStringList> fields)
{
    PanelSpec spec;
    spec.id = QStringLiteral("p1");
    spec.type = PanelType::Chart;
    spec.devices = std::move(devices);
    spec.fields = std::move(fields);
    return spec;
}

QListWidgetItem *itemNamed(QListWidget *list, const QString &name)
{
    for (int row = 0; row < list->count(); ++row) {
        if (list->item(row)->data(Qt::UserRole).toString() == name)
            return list->item(row);
    }
    return nullptr;
}

} // namespace

class tst_PanelConfigDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void absentPatternsReadAsAll();
    void tickingNamesChoosesThem();
    void typedPatternsAreKeptAndPreviewed();
    void aGlobFromTheFileStaysAGlob();
    void allUnticksTheNames();
    void panelsWithoutFieldsHaveNoFieldPicker();
};

void tst_PanelConfigDialog::absentPatternsReadAsAll()
{
    PanelConfigDialog dialog(chartOf(std::nullopt, std::nullopt), kDevices, kFields);
    QCOMPARE(dialog.devices(), std::nullopt);
    QCOMPARE(dialog.fields(), std::nullopt);
    QCOMPARE(dialog.deviceList()->item(0)->checkState(), Qt::Checked);
    QCOMPARE(dialog.deviceList()->count(), 1 + kDevices.size());
}

void tst_PanelConfigDialog::tickingNamesChoosesThem()
{
    PanelConfigDialog dialog(chartOf(std::nullopt, std::nullopt), kDevices, kFields);
    itemNamed(dialog.deviceList(), QStringLiteral("jetson-02"))->setCheckState(Qt::Checked);
    QCOMPARE(dialog.deviceList()->item(0)->checkState(), Qt::Unchecked); // "All" gives way
    QCOMPARE(dialog.devices(), std::optional<QStringList>(QStringList{QStringLiteral("jetson-02")}));
    itemNamed(dialog.fieldList(), QStringLiteral("power_mw"))->setCheckState(Qt::Checked);
    itemNamed(dialog.fieldList(), QStringLiteral("cpu_temp_c"))->setCheckState(Qt::Checked);
    QCOMPARE(dialog.fields(), std::optional<QStringList>(QStringList{QStringLiteral("cpu_temp_c"), QStringLiteral("power_mw")}));
    dialog.titleEdit()->setText(QStringLiteral("  Power  "));
    QCOMPARE(dialog.title(), QStringLiteral("Power"));
}

void tst_PanelConfigDialog::typedPatternsAreKeptAndPreviewed()
{
    PanelConfigDialog dialog(chartOf(std::nullopt, std::nullopt), kDevices, kFields);
    dialog.devicePatternEdit()->setText(QStringLiteral("jetson-*, , jetson-*,  cam-9"));
    QCOMPARE(dialog.devices(), std::optional<QStringList>(QStringList{QStringLiteral("jetson-*"), QStringLiteral("cam-9")}));
    const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
    bool previewed = false;
    for (const QLabel *label : labels)
        previewed = previewed || label->text() == QStringLiteral("Matches 2 known now: jetson-01, jetson-02");
    QVERIFY2(previewed, "the dialog says which known devices the patterns match");
    dialog.fieldPatternEdit()->setText(QStringLiteral("nothing_*"));
    bool none = false;
    for (const QLabel *label : dialog.findChildren<QLabel *>())
        none = none || label->text() == QStringLiteral("Matches none of the known names yet.");
    QVERIFY(none);
}

void tst_PanelConfigDialog::aGlobFromTheFileStaysAGlob()
{
    PanelConfigDialog dialog(chartOf(QStringList{QStringLiteral("jetson-01"), QStringLiteral("jet*")},
                                     QStringList{QStringLiteral("*_temp_c")}),
                             kDevices, kFields);
    QCOMPARE(itemNamed(dialog.deviceList(), QStringLiteral("jetson-01"))->checkState(), Qt::Checked);
    QCOMPARE(dialog.devicePatternEdit()->text(), QStringLiteral("jet*"));
    QCOMPARE(dialog.fieldPatternEdit()->text(), QStringLiteral("*_temp_c"));
    QCOMPARE(dialog.devices(), std::optional<QStringList>(QStringList{QStringLiteral("jetson-01"), QStringLiteral("jet*")}));
    QCOMPARE(dialog.fields(), std::optional<QStringList>(QStringList{QStringLiteral("*_temp_c")}));
}

void tst_PanelConfigDialog::allUnticksTheNames()
{
    PanelConfigDialog dialog(chartOf(QStringList{QStringLiteral("cam-1")}, std::nullopt), kDevices, kFields);
    QCOMPARE(dialog.devices(), std::optional<QStringList>(QStringList{QStringLiteral("cam-1")}));
    dialog.deviceList()->item(0)->setCheckState(Qt::Checked);
    QCOMPARE(itemNamed(dialog.deviceList(), QStringLiteral("cam-1"))->checkState(), Qt::Unchecked);
    QCOMPARE(dialog.devices(), std::nullopt);
}

void tst_PanelConfigDialog::panelsWithoutFieldsHaveNoFieldPicker()
{
    PanelSpec timeline;
    timeline.type = PanelType::Timeline;
    PanelConfigDialog dialog(timeline, kDevices, kFields);
    QVERIFY(dialog.deviceList());
    QVERIFY(!dialog.fieldList());
    QCOMPARE(dialog.fields(), std::nullopt);
}

QTEST_MAIN(tst_PanelConfigDialog)
#include "tst_panelconfigdialog.moc"
