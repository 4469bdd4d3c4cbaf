#include "telemetry/devicelistmodel.h"
#include "telemetry/fieldformat.h"
#include "telemetry/fleettablemodel.h"
#include "telemetry/latestvaluesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;
using State = DeviceListModel::DeviceState;

namespace {

constexpr qint64 kT0 = 1795341600000;

DeviceInfo device(const char *id, const char *site, qint64 lastSeen = 0)
{
    DeviceInfo info;
    info.deviceId = QString::fromLatin1(id);
    info.siteId = QString::fromLatin1(site);
    info.status = DeviceStatusEvent::Status::Online;
    info.lastSeenMs = lastSeen;
    return info;
}

TelemetryData point(const char *id, qint64 tsMs, const QMap<QString, double> &fields)
{
    TelemetryData data;
    data.deviceId = QString::fromLatin1(id);
    data.tsMs = tsMs;
    data.fields = fields;
    return data;
}

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

// The cell a dataChanged signal named, as "row,column" (or a range).
QString cells(const QList<QVariant> &arguments)
{
    const auto topLeft = arguments.at(0).value<QModelIndex>();
    const auto bottomRight = arguments.at(1).value<QModelIndex>();
    if (topLeft == bottomRight)
        return QStringLiteral("%1,%2").arg(topLeft.row()).arg(topLeft.column());
    return QStringLiteral("%1,%2-%3,%4")
        .arg(topLeft.row())
        .arg(topLeft.column())
        .arg(bottomRight.row())
        .arg(bottomRight.column());
}

} // namespace

class tst_FleetTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void rowsAndColumnsFollowPatterns_data();
    void rowsAndColumnsFollowPatterns();
    void headers();
    void pointUpdatesOneCell();
    void newFieldInsertsOneColumn_data();
    void newFieldInsertsOneColumn();
    void stateChangeUpdatesOneCell();
    void staleStateOnRefresh();
    void lastSeenAgesAdvanceOnRefresh();
    void sortRoles();
    void devicesAddedLater_data();
    void devicesAddedLater();
    void valuesBeforeTheirDevice();
    void sourceResetsRebuild();

private:
    int column(const char *field) const
    {
        return m_model->columnOfField(QString::fromLatin1(field));
    }
    int row(const char *id) const { return m_model->rowOfDevice(QString::fromLatin1(id)); }

    qint64 m_now = kT0;
    DeviceListModel *m_devices = nullptr;
    LatestValuesModel *m_values = nullptr;
    FleetTableModel *m_model = nullptr;
};

void tst_FleetTableModel::init()
{
    m_now = kT0;
    m_devices = new DeviceListModel([this] { return m_now; }, this);
    m_values = new LatestValuesModel(this);
    m_devices->setDevices({ device("jetson-02", "lab", kT0 - 2000),
        device("cam-9", "yard", kT0 - 60000), device("jetson-01", "lab", kT0 - 4000) });
    m_values->applyPoint(point("jetson-01", kT0 - 4000,
        { { s("cpu_temp_c"), 47.5 }, { s("gpu_temp_c"), 41 }, { s("power_mw"), 17500 } }));
    m_values->applyPoint(
        point("jetson-02", kT0 - 2000, { { s("cpu_temp_c"), 52 }, { s("cpu_util_pct"), 33 } }));
    m_values->applyPoint(point("cam-9", kT0 - 60000, { { s("fps"), 30 } }));
    m_model = new FleetTableModel(m_devices, m_values, this);
    new QAbstractItemModelTester(
        m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, m_model);
}

void tst_FleetTableModel::cleanup()
{
    delete m_model;
    delete m_values;
    delete m_devices;
    m_model = nullptr;
    m_values = nullptr;
    m_devices = nullptr;
}

void tst_FleetTableModel::rowsAndColumnsFollowPatterns_data()
{
    QTest::addColumn<QStringList>("devicePatterns");
    QTest::addColumn<QStringList>("fieldPatterns");
    QTest::addColumn<QStringList>("rows");
    QTest::addColumn<QStringList>("fields");
    QTest::newRow("everything, devices in tree order, fields by name")
        << QStringList() << QStringList()
        << QStringList { s("jetson-01"), s("jetson-02"), s("cam-9") }
        << QStringList { s("cpu_temp_c"), s("cpu_util_pct"), s("fps"), s("gpu_temp_c"),
               s("power_mw") };
    QTest::newRow("a device glob keeps only those devices and their fields")
        << QStringList { s("jetson-*") } << QStringList()
        << QStringList { s("jetson-01"), s("jetson-02") }
        << QStringList { s("cpu_temp_c"), s("cpu_util_pct"), s("gpu_temp_c"), s("power_mw") };
    QTest::newRow("one device by name") << QStringList { s("cam-9") } << QStringList()
                                        << QStringList { s("cam-9") } << QStringList { s("fps") };
    QTest::newRow("fields in the user's order")
        << QStringList() << QStringList { s("gpu_temp_c"), s("cpu_*") }
        << QStringList { s("jetson-01"), s("jetson-02"), s("cam-9") }
        << QStringList { s("gpu_temp_c"), s("cpu_temp_c"), s("cpu_util_pct") };
    QTest::newRow("a field two patterns match sits where the first puts it")
        << QStringList() << QStringList { s("*_temp_c"), s("cpu_*") }
        << QStringList { s("jetson-01"), s("jetson-02"), s("cam-9") }
        << QStringList { s("cpu_temp_c"), s("gpu_temp_c"), s("cpu_util_pct") };
    QTest::newRow("a field no device reports has no column")
        << QStringList() << QStringList { s("fan_rpm"), s("power_mw") }
        << QStringList { s("jetson-01"), s("jetson-02"), s("cam-9") }
        << QStringList { s("power_mw") };
    QTest::newRow("no device matches")
        << QStringList { s("nobody") } << QStringList() << QStringList() << QStringList();
}

void tst_FleetTableModel::rowsAndColumnsFollowPatterns()
{
    QFETCH(QStringList, devicePatterns);
    QFETCH(QStringList, fieldPatterns);
    QFETCH(QStringList, rows);
    QFETCH(QStringList, fields);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_model->setDevicePatterns(devicePatterns);
    m_model->setFieldPatterns(fieldPatterns);
    QCOMPARE(reset.size(), int(!devicePatterns.isEmpty()) + int(!fieldPatterns.isEmpty()));
    QCOMPARE(m_model->deviceIds(), rows);
    QCOMPARE(m_model->fields(), fields);
    QCOMPARE(m_model->rowCount(), rows.size());
    QCOMPARE(m_model->columnCount(), FleetTableModel::FirstFieldColumn + fields.size());
    for (int r = 0; r < rows.size(); ++r) {
        QCOMPARE(m_model->index(r, FleetTableModel::DeviceColumn).data().toString(), rows.at(r));
        QCOMPARE(m_model->index(r, FleetTableModel::StateColumn)
                     .data(FleetTableModel::DeviceIdRole)
                     .toString(),
            rows.at(r));
    }
    for (int f = 0; f < fields.size(); ++f)
        QCOMPARE(m_model->columnOfField(fields.at(f)), FleetTableModel::FirstFieldColumn + f);
}

void tst_FleetTableModel::headers()
{
    const QStringList titles = { s("Device"), s("Site"), s("State"), s("Last seen") };
    for (int c = 0; c < titles.size(); ++c)
        QCOMPARE(m_model->headerData(c, Qt::Horizontal).toString(), titles.at(c));
    const int gpu = column("gpu_temp_c");
    QCOMPARE(m_model->headerData(gpu, Qt::Horizontal).toString(), s("GPU temp"));
    QCOMPARE(m_model->headerData(gpu, Qt::Horizontal, FleetTableModel::FieldRole).toString(),
        s("gpu_temp_c"));
    QCOMPARE(
        m_model->index(row("jetson-02"), FleetTableModel::SiteColumn).data().toString(), s("lab"));
    QCOMPARE(
        m_model->index(row("cam-9"), FleetTableModel::SiteColumn).data().toString(), s("yard"));
}

void tst_FleetTableModel::pointUpdatesOneCell()
{
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    QSignalSpy layout(m_model, &QAbstractItemModel::layoutChanged);
    QSignalSpy rows(m_model, &QAbstractItemModel::rowsInserted);
    QSignalSpy columns(m_model, &QAbstractItemModel::columnsInserted);

    m_values->applyPoint(point("jetson-02", kT0, { { s("cpu_temp_c"), 55.25 } }));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(cells(changed.takeFirst()),
        QStringLiteral("%1,%2").arg(row("jetson-02")).arg(column("cpu_temp_c")));
    const QModelIndex cell = m_model->index(row("jetson-02"), column("cpu_temp_c"));
    QCOMPARE(cell.data().toString(), formatFieldValue(s("cpu_temp_c"), 55.25));
    QCOMPARE(cell.data(FleetTableModel::SortRole).toDouble(), 55.25);

    // Two fields of one point: their two cells, nothing else.
    m_values->applyPoint(
        point("jetson-01", kT0, { { s("gpu_temp_c"), 43 }, { s("power_mw"), 18250 } }));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(cells(changed.at(0)),
        QStringLiteral("%1,%2").arg(row("jetson-01")).arg(column("gpu_temp_c")));
    QCOMPARE(cells(changed.at(1)),
        QStringLiteral("%1,%2").arg(row("jetson-01")).arg(column("power_mw")));
    changed.clear();

    // A field the patterns leave out, and an older point: no signal at all.
    m_model->setFieldPatterns({ s("cpu_*") });
    reset.clear();
    m_values->applyPoint(point("jetson-01", kT0 + 500, { { s("gpu_temp_c"), 44 } }));
    m_values->applyPoint(point("jetson-02", kT0 - 1000, { { s("cpu_temp_c"), 10 } }));
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_model->index(row("jetson-02"), column("cpu_temp_c"))
                 .data(FleetTableModel::SortRole)
                 .toDouble(),
        55.25);

    QCOMPARE(reset.size(), 0);
    QCOMPARE(layout.size(), 0);
    QCOMPARE(rows.size(), 0);
    QCOMPARE(columns.size(), 0);
}

void tst_FleetTableModel::newFieldInsertsOneColumn_data()
{
    QTest::addColumn<QStringList>("fieldPatterns");
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("expectedColumn"); // -1: no column
    QTest::newRow("between two others by name")
        << QStringList() << s("fan_rpm") << FleetTableModel::FirstFieldColumn + 2;
    QTest::newRow("last by name") << QStringList() << s("ram_used_mb")
                                  << FleetTableModel::FirstFieldColumn + 5;
    QTest::newRow("in the place of its pattern") << QStringList { s("gpu_temp_c"), s("fan_*"),
        s("cpu_*") } << s("fan_rpm") << FleetTableModel::FirstFieldColumn + 1;
    QTest::newRow("left out by the patterns") << QStringList { s("cpu_*") } << s("fan_rpm") << -1;
}

void tst_FleetTableModel::newFieldInsertsOneColumn()
{
    QFETCH(QStringList, fieldPatterns);
    QFETCH(QString, field);
    QFETCH(int, expectedColumn);
    m_model->setFieldPatterns(fieldPatterns);
    const QStringList before = m_model->fields();
    QSignalSpy columns(m_model, &QAbstractItemModel::columnsInserted);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_values->applyPoint(point("jetson-02", kT0, { { field, 1234 } }));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(m_model->columnOfField(field), expectedColumn);
    if (expectedColumn < 0) {
        QCOMPARE(columns.size(), 0);
        QCOMPARE(m_model->fields(), before);
        return;
    }
    QCOMPARE(columns.size(), 1);
    QCOMPARE(columns.at(0).at(1).toInt(), expectedColumn);
    QCOMPARE(columns.at(0).at(2).toInt(), expectedColumn);
    QStringList expected = before;
    expected.insert(expectedColumn - FleetTableModel::FirstFieldColumn, field);
    QCOMPARE(m_model->fields(), expected);
    QCOMPARE(m_model->index(row("jetson-02"), expectedColumn).data().toString(),
        formatFieldValue(field, 1234));
    // The devices that do not report it have an empty cell.
    QVERIFY(!m_model->index(row("jetson-01"), expectedColumn).data().isValid());
    QVERIFY(!m_model->index(row("jetson-01"), expectedColumn)
                 .data(FleetTableModel::SortRole)
                 .isValid());
}

void tst_FleetTableModel::stateChangeUpdatesOneCell()
{
    const QModelIndex state = m_model->index(row("jetson-02"), FleetTableModel::StateColumn);
    QCOMPARE(state.data().toString(), DeviceListModel::stateName(State::Disconnected));
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_devices->setStreamLive(true);
    // The tree re-evaluates everything; each device's state cell moved once.
    QCOMPARE(changed.size(), 3);
    for (const QList<QVariant> &arguments : std::as_const(changed)) {
        const auto topLeft = arguments.at(0).value<QModelIndex>();
        QCOMPARE(topLeft.column(), int(FleetTableModel::StateColumn));
        QCOMPARE(arguments.at(1).value<QModelIndex>(), topLeft);
    }
    QCOMPARE(state.data().toString(), DeviceListModel::stateName(State::Online));
    changed.clear();

    m_devices->applyStatus(
        DeviceStatusEvent { s("jetson-02"), DeviceStatusEvent::Status::Offline, kT0 - 2000 });
    QCOMPARE(changed.size(), 1);
    QCOMPARE(cells(changed.at(0)), QStringLiteral("%1,%2").arg(state.row()).arg(state.column()));
    QCOMPARE(state.data().toString(), DeviceListModel::stateName(State::Offline));
    QCOMPARE(state.data(FleetTableModel::StateRole).toInt(), int(State::Offline));
    // Every cell of the row carries the state, for views that tint rows.
    QCOMPARE(
        m_model->index(state.row(), column("cpu_temp_c")).data(FleetTableModel::StateRole).toInt(),
        int(State::Offline));
    changed.clear();

    // A later last-seen time on the status: state and last seen, one row.
    m_devices->applyStatus(
        DeviceStatusEvent { s("jetson-02"), DeviceStatusEvent::Status::Online, kT0 });
    QCOMPARE(changed.size(), 1);
    QCOMPARE(cells(changed.at(0)),
        QStringLiteral("%1,%2-%1,%3")
            .arg(state.row())
            .arg(FleetTableModel::StateColumn)
            .arg(FleetTableModel::LastSeenColumn));
    changed.clear();

    // Checking a device in the tree changes nothing here.
    m_devices->setCheckedDevices({ s("jetson-01") });
    QCOMPARE(changed.size(), 0);
}

void tst_FleetTableModel::staleStateOnRefresh()
{
    m_devices->setStreamLive(true);
    m_devices->notePoint(s("jetson-01"), kT0);
    m_now += 1000;
    m_devices->notePoint(s("jetson-01"), kT0 + 1000);
    m_now += 5000; // five intervals of silence
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->refresh();
    // The one row whose state (and, from its points, last seen) moved, then
    // the whole Last seen column.
    QCOMPARE(changed.size(), 2);
    QCOMPARE(cells(changed.at(0)),
        QStringLiteral("%1,%2-%1,%3")
            .arg(row("jetson-01"))
            .arg(FleetTableModel::StateColumn)
            .arg(FleetTableModel::LastSeenColumn));
    QCOMPARE(
        cells(changed.at(1)), QStringLiteral("0,%1-2,%1").arg(FleetTableModel::LastSeenColumn));
    QCOMPARE(m_model->index(row("jetson-01"), FleetTableModel::StateColumn)
                 .data(FleetTableModel::StateRole)
                 .toInt(),
        int(State::Stale));
}

void tst_FleetTableModel::lastSeenAgesAdvanceOnRefresh()
{
    const QModelIndex lastSeen = m_model->index(row("jetson-01"), FleetTableModel::LastSeenColumn);
    QCOMPARE(lastSeen.data().toString(), s("4 s ago"));
    QCOMPARE(lastSeen.data(FleetTableModel::SortRole).toLongLong(), kT0 - 4000);
    m_now += 3 * 60000;
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->refresh();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(
        cells(changed.at(0)), QStringLiteral("0,%1-2,%1").arg(FleetTableModel::LastSeenColumn));
    QCOMPARE(lastSeen.data().toString(), s("3 min ago"));
    QCOMPARE(m_model->index(row("cam-9"), FleetTableModel::LastSeenColumn).data().toString(),
        s("4 min ago"));
    QCOMPARE(lastSeen.data(FleetTableModel::SortRole).toLongLong(), kT0 - 4000);
}

void tst_FleetTableModel::sortRoles()
{
    const int jetson = row("jetson-01");
    auto sortValue = [this, jetson](int c) {
        return m_model->index(jetson, c).data(FleetTableModel::SortRole);
    };
    QCOMPARE(sortValue(FleetTableModel::DeviceColumn).toString(), s("jetson-01"));
    QCOMPARE(sortValue(FleetTableModel::SiteColumn).toString(), s("lab"));
    QCOMPARE(sortValue(FleetTableModel::StateColumn).toInt(),
        FleetTableModel::stateSeverity(State::Disconnected));
    QCOMPARE(sortValue(FleetTableModel::LastSeenColumn).toLongLong(), kT0 - 4000);
    // The raw number, while the cell reads with its unit.
    QCOMPARE(sortValue(column("power_mw")).userType(), int(QMetaType::Double));
    QCOMPARE(sortValue(column("power_mw")).toDouble(), 17500.0);
    QCOMPARE(m_model->index(jetson, column("power_mw")).data().toString(),
        formatFieldValue(s("power_mw"), 17500));
    QCOMPARE(sortValue(column("cpu_temp_c")).toDouble(), 47.5);
    // A field this device does not report: no text and no sort value.
    QVERIFY(!sortValue(column("fps")).isValid());
    QVERIFY(!m_model->index(jetson, column("fps")).data().isValid());

    // Severity order: what needs a look sorts last ascending.
    QVERIFY(FleetTableModel::stateSeverity(State::Online)
        < FleetTableModel::stateSeverity(State::Disconnected));
    QVERIFY(FleetTableModel::stateSeverity(State::Disconnected)
        < FleetTableModel::stateSeverity(State::Stale));
    QVERIFY(FleetTableModel::stateSeverity(State::Stale)
        < FleetTableModel::stateSeverity(State::Offline));
}

void tst_FleetTableModel::devicesAddedLater_data()
{
    QTest::addColumn<QStringList>("devicePatterns");
    QTest::addColumn<QStringList>("rows");
    QTest::newRow("all devices: each in its site's place")
        << QStringList()
        << QStringList { s("jetson-01"), s("jetson-02"), s("jetson-03"), s("cam-9"), s("roof-1") };
    QTest::newRow("only matching devices")
        << QStringList { s("jetson-*") }
        << QStringList { s("jetson-01"), s("jetson-02"), s("jetson-03") };
}

void tst_FleetTableModel::devicesAddedLater()
{
    QFETCH(QStringList, devicePatterns);
    QFETCH(QStringList, rows);
    m_model->setDevicePatterns(devicePatterns);
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    // A new site with a new device, then a new device in an existing site.
    m_devices->applyStatus(
        DeviceStatusEvent { s("roof-1"), DeviceStatusEvent::Status::Online, kT0 }, s("roof"));
    m_devices->applyStatus(
        DeviceStatusEvent { s("jetson-03"), DeviceStatusEvent::Status::Online, kT0 }, s("lab"));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(m_model->deviceIds(), rows);
    QCOMPARE(inserted.size(), rows.size() - (devicePatterns.isEmpty() ? 3 : 2));
    const QModelIndex jetson03 = m_model->index(row("jetson-03"), FleetTableModel::SiteColumn);
    QCOMPARE(jetson03.data().toString(), s("lab"));
    QCOMPARE(inserted.constLast().at(1).toInt(), jetson03.row());

    // Its values update its cells like any other device's.
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_values->applyPoint(point("jetson-03", kT0, { { s("cpu_temp_c"), 60 } }));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(cells(changed.at(0)),
        QStringLiteral("%1,%2").arg(jetson03.row()).arg(column("cpu_temp_c")));
    QCOMPARE(m_model->index(jetson03.row(), column("cpu_temp_c")).data().toString(),
        formatFieldValue(s("cpu_temp_c"), 60));
}

void tst_FleetTableModel::valuesBeforeTheirDevice()
{
    // Values of a device the tree does not list yet make no row and no column.
    QSignalSpy columns(m_model, &QAbstractItemModel::columnsInserted);
    m_values->applyPoint(point("mast-7", kT0, { { s("wind_mps"), 3.5 } }));
    QCOMPARE(columns.size(), 0);
    QCOMPARE(m_model->columnOfField(s("wind_mps")), -1);
    QCOMPARE(m_model->rowOfDevice(s("mast-7")), -1);

    // Once it is listed, its row and its field's column come together.
    m_devices->applyStatus(
        DeviceStatusEvent { s("mast-7"), DeviceStatusEvent::Status::Online, kT0 }, s("yard"));
    QCOMPARE(columns.size(), 1);
    const QModelIndex wind = m_model->index(row("mast-7"), column("wind_mps"));
    QVERIFY(wind.isValid());
    QCOMPARE(wind.data().toString(), formatFieldValue(s("wind_mps"), 3.5));
}

void tst_FleetTableModel::sourceResetsRebuild()
{
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_devices->setDevices({ device("jetson-01", "lab"), device("cam-9", "yard") });
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->deviceIds(), (QStringList { s("jetson-01"), s("cam-9") }));
    // jetson-02 left the fleet: its fields with it.
    QVERIFY(!m_model->fields().contains(s("cpu_util_pct")));
    QCOMPARE(m_model->index(row("jetson-01"), column("gpu_temp_c"))
                 .data(FleetTableModel::SortRole)
                 .toDouble(),
        41.0);

    m_values->clear();
    QCOMPARE(reset.size(), 2);
    QCOMPARE(m_model->fields(), QStringList());
    QCOMPARE(m_model->rowCount(), 2);
}

QTEST_GUILESS_MAIN(tst_FleetTableModel)
#include "tst_fleettablemodel.moc"
