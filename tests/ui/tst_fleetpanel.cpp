#include "telemetry/devicelistmodel.h"
#include "telemetry/fieldformat.h"
#include "telemetry/fleettablemodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "ui/fleetpanel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kT0 = 1795341600000;
// Rows move to their new place on the panel's once-a-second tick; generous
// for a loaded 2-core CI machine.
constexpr int kResortTimeoutMs = 10000;

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

DeviceInfo device(const char *id, const char *site, qint64 lastSeen)
{
    DeviceInfo info;
    info.deviceId = s(id);
    info.siteId = s(site);
    info.status = DeviceStatusEvent::Status::Online;
    info.lastSeenMs = lastSeen;
    return info;
}

TelemetryData point(const QString &id, const QMap<QString, double> &fields)
{
    TelemetryData data;
    data.deviceId = id;
    data.tsMs = kT0;
    data.fields = fields;
    return data;
}

} // namespace

class tst_FleetPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void sortByClickingAHeader_data();
    void sortByClickingAHeader();
    void sortedRowsFollowNewValues();
    void filterNarrowsRows_data();
    void filterNarrowsRows();
    void clickOpensTheDevice();
    void enterOpensTheDevice();
    void doubleClickOpensOnce();
    void namesAndValuesNeverElided_data();
    void namesAndValuesNeverElided();
    void patternsReachTheTable();

private:
    QTableView *table() const { return m_panel->findChild<QTableView *>(s("fleetTable")); }
    QStringList shownDevices() const;
    void clickHeader(int column);
    QPoint cellCenter(const QString &deviceId, int column) const;

    qint64 m_now = kT0;
    DeviceListModel *m_devices = nullptr;
    LatestValuesModel *m_values = nullptr;
    FleetPanel *m_panel = nullptr;
};

void tst_FleetPanel::init()
{
    m_now = kT0;
    m_devices = new DeviceListModel([this] { return m_now; }, this);
    m_values = new LatestValuesModel(this);
    m_devices->setDevices(
        { device("jetson-10", "lab", kT0 - 3000), device("jetson-2", "lab", kT0 - 40000),
            device("cam-9", "yard", kT0 - 1000), device("mast-1", "yard", 0) });
    m_devices->setStreamLive(true);
    m_devices->applyStatus(
        DeviceStatusEvent { s("mast-1"), DeviceStatusEvent::Status::Offline, 0 });
    m_values->applyPoint(
        point(s("jetson-10"), { { s("cpu_temp_c"), 61.5 }, { s("power_mw"), 9000 } }));
    m_values->applyPoint(
        point(s("jetson-2"), { { s("cpu_temp_c"), 48 }, { s("power_mw"), 17500 } }));
    m_values->applyPoint(point(s("cam-9"), { { s("cpu_temp_c"), 55.2 } }));
    m_panel = new FleetPanel(m_devices, m_values);
    m_panel->resize(700, 300);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel));
    QVERIFY(table());
}

void tst_FleetPanel::cleanup()
{
    delete m_panel;
    delete m_values;
    delete m_devices;
    m_panel = nullptr;
    m_values = nullptr;
    m_devices = nullptr;
}

QStringList tst_FleetPanel::shownDevices() const
{
    QStringList ids;
    const QAbstractItemModel *model = table()->model();
    for (int r = 0; r < model->rowCount(); ++r)
        ids.append(model->index(r, FleetTableModel::DeviceColumn).data().toString());
    return ids;
}

void tst_FleetPanel::clickHeader(int column)
{
    QHeaderView *header = table()->horizontalHeader();
    const QPoint center(header->sectionViewportPosition(column) + header->sectionSize(column) / 2,
        header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, center);
}

QPoint tst_FleetPanel::cellCenter(const QString &deviceId, int column) const
{
    const QAbstractItemModel *model = table()->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        const QModelIndex index = model->index(r, column);
        if (index.data(FleetTableModel::DeviceIdRole).toString() == deviceId)
            return table()->visualRect(index).center();
    }
    return QPoint(-1, -1);
}

void tst_FleetPanel::sortByClickingAHeader_data()
{
    QTest::addColumn<QString>("header");
    QTest::addColumn<int>("clicks");
    QTest::addColumn<QStringList>("order");
    // Devices without the value stay last both ways.
    QTest::newRow("CPU temp ascending") << s(
        "CPU temp") << 1 << QStringList { s("jetson-2"), s("cam-9"), s("jetson-10"), s("mast-1") };
    QTest::newRow("CPU temp descending") << s(
        "CPU temp") << 2 << QStringList { s("jetson-10"), s("cam-9"), s("jetson-2"), s("mast-1") };
    // 9000 mW against 17500 mW: as numbers, not as text.
    QTest::newRow("power ascending, numbers not text") << s(
        "Power") << 1 << QStringList { s("jetson-10"), s("jetson-2"), s("cam-9"), s("mast-1") };
    QTest::newRow("last seen ascending, longest ago first") << s(
        "Last seen") << 1 << QStringList { s("mast-1"), s("jetson-2"), s("jetson-10"), s("cam-9") };
    // Equal states: names A to Z, also when the column sorts descending.
    QTest::newRow("state descending, worst first") << s(
        "State") << 2 << QStringList { s("mast-1"), s("cam-9"), s("jetson-2"), s("jetson-10") };
    // The initial order: names in natural order, jetson-2 before jetson-10.
    QTest::newRow("device names descending") << s(
        "Device") << 1 << QStringList { s("mast-1"), s("jetson-10"), s("jetson-2"), s("cam-9") };
}

void tst_FleetPanel::sortByClickingAHeader()
{
    QFETCH(QString, header);
    QFETCH(int, clicks);
    QFETCH(QStringList, order);
    QCOMPARE(
        shownDevices(), (QStringList { s("cam-9"), s("jetson-2"), s("jetson-10"), s("mast-1") }));
    const QAbstractItemModel *model = table()->model();
    int column = -1;
    for (int c = 0; c < model->columnCount(); ++c)
        if (model->headerData(c, Qt::Horizontal).toString() == header)
            column = c;
    QVERIFY2(column >= 0, qPrintable(header));
    for (int i = 0; i < clicks; ++i)
        clickHeader(column);
    QCOMPARE(table()->horizontalHeader()->sortIndicatorSection(), column);
    QCOMPARE(shownDevices(), order);
}

void tst_FleetPanel::sortedRowsFollowNewValues()
{
    clickHeader(FleetTableModel::FirstFieldColumn); // CPU temp, ascending
    QCOMPARE(
        shownDevices(), (QStringList { s("jetson-2"), s("cam-9"), s("jetson-10"), s("mast-1") }));
    m_values->applyPoint(point(s("jetson-2"), { { s("cpu_temp_c"), 70 } }));
    // The cell shows the new value at once; the row moves on the next tick.
    QCOMPARE(table()->model()->index(0, FleetTableModel::FirstFieldColumn).data().toString(),
        formatFieldValue(s("cpu_temp_c"), 70));
    QTRY_COMPARE_WITH_TIMEOUT(shownDevices(),
        (QStringList { s("cam-9"), s("jetson-10"), s("jetson-2"), s("mast-1") }), kResortTimeoutMs);
}

void tst_FleetPanel::filterNarrowsRows_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("devices");
    QTest::newRow("nothing typed")
        << QString() << QStringList { s("cam-9"), s("jetson-2"), s("jetson-10"), s("mast-1") };
    QTest::newRow("part of a device name")
        << s("jets") << QStringList { s("jetson-2"), s("jetson-10") };
    QTest::newRow("any case") << s("JETSON-1") << QStringList { s("jetson-10") };
    QTest::newRow("a site") << s("yard") << QStringList { s("cam-9"), s("mast-1") };
    QTest::newRow("a state") << s("offline") << QStringList { s("mast-1") };
    QTest::newRow("a value is not searched") << s("61") << QStringList();
    QTest::newRow("regular expression characters are plain text") << s("jetson.*") << QStringList();
}

void tst_FleetPanel::filterNarrowsRows()
{
    QFETCH(QString, text);
    QFETCH(QStringList, devices);
    auto *filter = m_panel->findChild<QLineEdit *>(s("fleetFilter"));
    QVERIFY(filter);
    QVERIFY(!filter->placeholderText().isEmpty());
    filter->setFocus();
    QTest::keyClicks(filter, text);
    QCOMPARE(m_panel->filterText(), text);
    QCOMPARE(shownDevices(), devices);

    // The filter follows state changes.
    if (text == s("offline")) {
        m_devices->applyStatus(
            DeviceStatusEvent { s("cam-9"), DeviceStatusEvent::Status::Offline, kT0 });
        QTRY_COMPARE_WITH_TIMEOUT(
            shownDevices(), (QStringList { s("cam-9"), s("mast-1") }), kResortTimeoutMs);
    }
    filter->clear();
    QCOMPARE(shownDevices().size(), 4);
}

void tst_FleetPanel::clickOpensTheDevice()
{
    QSignalSpy activated(m_panel, &FleetPanel::deviceActivated);
    clickHeader(FleetTableModel::LastSeenColumn); // rows move: the click must follow the row, not
                                                  // its old place
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, {},
        cellCenter(s("jetson-2"), FleetTableModel::SiteColumn));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), s("jetson-2"));
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, {},
        cellCenter(s("mast-1"), FleetTableModel::StateColumn));
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), s("mast-1"));
}

void tst_FleetPanel::enterOpensTheDevice()
{
    QSignalSpy activated(m_panel, &FleetPanel::deviceActivated);
    table()->setFocus();
    table()->setCurrentIndex(table()->model()->index(2, FleetTableModel::DeviceColumn));
    QTest::keyClick(table(), Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), s("jetson-10"));
    QTest::keyClick(table(), Qt::Key_Up);
    QTest::keyClick(table(), Qt::Key_Enter);
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), s("jetson-2"));
}

void tst_FleetPanel::doubleClickOpensOnce()
{
    QSignalSpy activated(m_panel, &FleetPanel::deviceActivated);
    // What a double-click delivers to a widget: press, release, then press
    // and double-click, release (QTest::mouseDClick sends the middle two).
    const QPoint cell = cellCenter(s("cam-9"), FleetTableModel::DeviceColumn);
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, cell);
    QTest::mouseDClick(table()->viewport(), Qt::LeftButton, {}, cell);
    QTest::mouseRelease(table()->viewport(), Qt::LeftButton, {}, cell);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), s("cam-9"));
}

void tst_FleetPanel::namesAndValuesNeverElided_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("state changes to a longer word") << s("disconnect");
    QTest::newRow("a device with a longer name appears") << s("new device");
    QTest::newRow("a value gets longer") << s("longer value");
}

void tst_FleetPanel::namesAndValuesNeverElided()
{
    QFETCH(QString, change);
    m_panel->resize(320, 240); // narrower than the table: it scrolls, it does not cut
    const QString longName = s("jetson-orin-nano-devkit-north-gate-01");
    const double longValue = 1234567890123.0;
    const QHeaderView *header = table()->horizontalHeader();
    const QFontMetrics metrics = table()->fontMetrics();
    // The cell's text plus the style's margins on both sides.
    const int margins
        = 2 * (table()->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table()) + 1);

    QString text;
    int column = -1;
    if (change == s("disconnect")) {
        text = DeviceListModel::stateName(DeviceListModel::DeviceState::Disconnected);
        column = FleetTableModel::StateColumn;
    } else if (change == s("new device")) {
        text = longName;
        column = FleetTableModel::DeviceColumn;
    } else {
        text = formatFieldValue(s("power_mw"), longValue);
        column = 5;
        QCOMPARE(table()
                     ->model()
                     ->headerData(column, Qt::Horizontal, FleetTableModel::FieldRole)
                     .toString(),
            s("power_mw"));
    }
    // The state word also has its dot before it (half a line high).
    const int dot = column == FleetTableModel::StateColumn ? metrics.height() / 2 : 0;
    const int needed = metrics.horizontalAdvance(text) + dot + margins;
    QCoreApplication::processEvents();
    QVERIFY2(header->sectionSize(column) < needed, "the change must need a wider column");

    if (change == s("disconnect"))
        m_devices->setStreamLive(false);
    else if (change == s("new device"))
        m_devices->applyStatus(
            DeviceStatusEvent { longName, DeviceStatusEvent::Status::Online, kT0 }, s("lab"));
    else
        m_values->applyPoint(point(s("jetson-2"), { { s("power_mw"), longValue } }));
    // Fitted as soon as the events already queued are handled: not on the
    // next once-a-second refresh, which would show "jetso…" until then.
    QCoreApplication::processEvents();
    QVERIFY2(header->sectionSize(column) >= needed,
        qPrintable(
            QStringLiteral("%1: %2 < %3").arg(text).arg(header->sectionSize(column)).arg(needed)));
    QVERIFY(table()->horizontalScrollBar()->maximum() > 0);
}

void tst_FleetPanel::patternsReachTheTable()
{
    m_panel->setDevicePatterns({ s("jetson-*") });
    m_panel->setFieldPatterns({ s("power_mw") });
    QCOMPARE(m_panel->devicePatterns(), QStringList { s("jetson-*") });
    QCOMPARE(m_panel->fieldPatterns(), QStringList { s("power_mw") });
    QCOMPARE(shownDevices(), (QStringList { s("jetson-2"), s("jetson-10") }));
    QCOMPARE(table()->model()->columnCount(), FleetTableModel::FirstFieldColumn + 1);
    QCOMPARE(
        table()->model()->headerData(FleetTableModel::FirstFieldColumn, Qt::Horizontal).toString(),
        s("Power"));
}

QTEST_MAIN(tst_FleetPanel)
#include "tst_fleetpanel.moc"
