#include "telemetry/devicelistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;
using State = DeviceListModel::DeviceState;

namespace {

constexpr qint64 kT0 = 1795341600000;

DeviceInfo device(const char *id, const char *site, bool online, qint64 lastSeen = 0)
{
    DeviceInfo info;
    info.deviceId = QString::fromLatin1(id);
    info.siteId = QString::fromLatin1(site);
    info.status = online ? DeviceStatusEvent::Status::Online : DeviceStatusEvent::Status::Offline;
    info.lastSeenMs = lastSeen;
    return info;
}

} // namespace

class tst_DeviceListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void groupsBySite();
    void threeDistinctStates_data();
    void threeDistinctStates();
    void staleClockRestartsWhenLive();
    void silentFromTheStartIsStaleWithAKnownInterval();
    void statusEventsAndUnknownDevices();
    void lastSeenAge();
    void checkedDevices();
    void fieldsTheServerReports();

private:
    qint64 m_now = kT0;
    DeviceListModel *m_model = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
};

void tst_DeviceListModel::init()
{
    m_now = kT0;
    m_model = new DeviceListModel([this] { return m_now; }, this);
    m_tester = new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, m_model);
    m_model->setDevices({device("jetson-02", "lab", true), device("cam-9", "yard", false),
                         device("jetson-01", "lab", true)});
}

void tst_DeviceListModel::cleanup()
{
    delete m_model;
    m_model = nullptr;
}

void tst_DeviceListModel::groupsBySite()
{
    QCOMPARE(m_model->rowCount(), 2);
    const QModelIndex lab = m_model->index(0, 0);
    const QModelIndex yard = m_model->index(1, 0);
    QCOMPARE(lab.data().toString(), QStringLiteral("lab"));
    QVERIFY(lab.data(DeviceListModel::IsSiteRole).toBool());
    QCOMPARE(m_model->rowCount(lab), 2);
    QCOMPARE(m_model->index(0, 0, lab).data().toString(), QStringLiteral("jetson-01"));
    QCOMPARE(m_model->index(1, 0, lab).data().toString(), QStringLiteral("jetson-02"));
    QCOMPARE(m_model->index(0, 0, yard).data(DeviceListModel::SiteIdRole).toString(), QStringLiteral("yard"));
    QCOMPARE(m_model->parent(m_model->index(0, 2, yard)), yard);
}

void tst_DeviceListModel::threeDistinctStates_data()
{
    QTest::addColumn<bool>("streamLive");
    QTest::addColumn<bool>("serverSaysOnline");
    QTest::addColumn<qint64>("silenceMs"); // after two points 1 s apart
    QTest::addColumn<int>("expected");
    QTest::newRow("live and sending") << true << true << qint64(1000) << int(State::Online);
    QTest::newRow("live, silent for several intervals") << true << true << qint64(3500) << int(State::Stale);
    QTest::newRow("server says offline") << true << false << qint64(3500) << int(State::Offline);
    QTest::newRow("dashboard disconnected while device sends") << false << true << qint64(0) << int(State::Disconnected);
    QTest::newRow("dashboard disconnected, device offline") << false << false << qint64(3500) << int(State::Disconnected);
}

void tst_DeviceListModel::threeDistinctStates()
{
    QFETCH(bool, streamLive);
    QFETCH(bool, serverSaysOnline);
    QFETCH(qint64, silenceMs);
    QFETCH(int, expected);
    const QString id = QStringLiteral("jetson-01");
    m_model->setStreamLive(true);
    m_model->notePoint(id, kT0);
    m_now += 1000;
    m_model->notePoint(id, kT0 + 1000);
    if (!serverSaysOnline)
        m_model->applyStatus(DeviceStatusEvent{id, DeviceStatusEvent::Status::Offline, kT0 + 1000});
    m_model->setStreamLive(streamLive);
    m_now += silenceMs;
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->refresh();
    QVERIFY(!changed.isEmpty());
    QCOMPARE(int(m_model->state(id)), expected);
    const QModelIndex stateIndex = m_model->indexOfDevice(id, DeviceListModel::StateColumn);
    QCOMPARE(stateIndex.data(DeviceListModel::StateRole).toInt(), expected);
    QCOMPARE(stateIndex.data().toString(), DeviceListModel::stateName(State(expected)));
}

void tst_DeviceListModel::staleClockRestartsWhenLive()
{
    const QString id = QStringLiteral("jetson-01");
    m_model->setStreamLive(true);
    m_model->notePoint(id, kT0);
    m_now += 1000;
    m_model->notePoint(id, kT0 + 1000);
    m_model->setStreamLive(false);
    m_now += 60000; // a minute without connection
    m_model->setStreamLive(true);
    // Just reconnected: silence while disconnected does not count as stale.
    QCOMPARE(m_model->state(id), State::Online);
    m_now += 2500; // interval 1 s: stale after 3 s
    QCOMPARE(m_model->state(id), State::Online);
    m_now += 1000;
    QCOMPARE(m_model->state(id), State::Stale);
    m_model->notePoint(id, kT0 + 63500);
    QCOMPARE(m_model->state(id), State::Online);
}

void tst_DeviceListModel::silentFromTheStartIsStaleWithAKnownInterval()
{
    const QString id = QStringLiteral("jetson-02");
    m_model->setStreamLive(true);
    m_now += 60000;
    // No live point ever: without a known interval nothing says it is late.
    QCOMPARE(m_model->state(id), State::Online);
    m_model->setExpectedInterval(id, 500); // from its history
    QCOMPARE(m_model->state(id), State::Stale);
    m_model->notePoint(id, kT0 + 60000);
    QCOMPARE(m_model->state(id), State::Online);
    m_model->setExpectedInterval(QStringLiteral("nobody"), 500); // unknown device: ignored
}

void tst_DeviceListModel::statusEventsAndUnknownDevices()
{
    m_model->setStreamLive(true);
    QCOMPARE(m_model->state(QStringLiteral("cam-9")), State::Offline);
    m_model->applyStatus(DeviceStatusEvent{QStringLiteral("cam-9"), DeviceStatusEvent::Status::Online, kT0});
    QCOMPARE(m_model->state(QStringLiteral("cam-9")), State::Online);

    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    m_model->applyStatus(DeviceStatusEvent{QStringLiteral("new-1"), DeviceStatusEvent::Status::Online, kT0}, QStringLiteral("roof"));
    QCOMPARE(inserted.size(), 2); // the site, then the device
    QVERIFY(m_model->contains(QStringLiteral("new-1")));
    QCOMPARE(m_model->indexOfDevice(QStringLiteral("new-1")).parent().data().toString(), QStringLiteral("roof"));
    m_model->applyStatus(DeviceStatusEvent{QStringLiteral("new-2"), DeviceStatusEvent::Status::Offline, 0}, QStringLiteral("roof"));
    QCOMPARE(inserted.size(), 3);
    QCOMPARE(m_model->rowCount(m_model->index(2, 0)), 2);
}

void tst_DeviceListModel::lastSeenAge()
{
    m_model->setDevices({device("jetson-01", "lab", true, kT0 - 4000), device("cam-9", "yard", false, 0)});
    QCOMPARE(m_model->indexOfDevice(QStringLiteral("jetson-01"), DeviceListModel::LastSeenColumn).data().toString(), QStringLiteral("4 s ago"));
    QCOMPARE(m_model->indexOfDevice(QStringLiteral("cam-9"), DeviceListModel::LastSeenColumn).data().toString(), QStringLiteral("never"));
    m_now += 3 * 60000;
    m_model->refresh();
    QCOMPARE(m_model->indexOfDevice(QStringLiteral("jetson-01"), DeviceListModel::LastSeenColumn).data().toString(), QStringLiteral("3 min ago"));
}

void tst_DeviceListModel::checkedDevices()
{
    QSignalSpy spy(m_model, &DeviceListModel::checkedDevicesChanged);
    const QModelIndex index = m_model->indexOfDevice(QStringLiteral("jetson-02"));
    QVERIFY(m_model->flags(index) & Qt::ItemIsUserCheckable);
    QVERIFY(!(m_model->flags(index.parent()) & Qt::ItemIsUserCheckable));
    QVERIFY(m_model->setData(index, Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(spy.size(), 1);
    QCOMPARE(m_model->checkedDevices(), QStringList{QStringLiteral("jetson-02")});
    m_model->setCheckedDevices({QStringLiteral("jetson-01"), QStringLiteral("cam-9"), QStringLiteral("gone")});
    QCOMPARE(spy.size(), 2);
    QCOMPARE(m_model->checkedDevices(), (QStringList{QStringLiteral("jetson-01"), QStringLiteral("cam-9")}));
    // A refreshed device list keeps the checks of devices that still exist.
    m_model->setDevices({device("jetson-01", "lab", true), device("jetson-03", "lab", true)});
    QCOMPARE(m_model->checkedDevices(), QStringList{QStringLiteral("jetson-01")});
    QCOMPARE(spy.size(), 3);
    // "gone" was asked for before it existed: it is checked when it appears.
    m_model->applyStatus(DeviceStatusEvent{QStringLiteral("gone"), DeviceStatusEvent::Status::Online, kT0}, QStringLiteral("lab"));
    QCOMPARE(m_model->checkedDevices(), (QStringList{QStringLiteral("jetson-01"), QStringLiteral("gone")}));
    QCOMPARE(spy.size(), 4);
}

void tst_DeviceListModel::fieldsTheServerReports()
{
    DeviceInfo a = device("jetson-01", "lab", true);
    a.fields = QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_util_pct")};
    DeviceInfo b = device("jetson-02", "lab", true);
    b.fields = QStringList{QStringLiteral("cpu_util_pct"), QStringLiteral("ane_temp_c")};
    m_model->setDevices({a, b});
    QCOMPARE(m_model->fields(QStringLiteral("jetson-01")), a.fields);
    QCOMPARE(m_model->fields(QStringLiteral("nobody")), QStringList());
    QCOMPARE(m_model->allFields(), (QStringList{QStringLiteral("ane_temp_c"), QStringLiteral("cpu_util_pct"),
                                                QStringLiteral("gpu_temp_c")}));
}

QTEST_GUILESS_MAIN(tst_DeviceListModel)
#include "tst_devicelistmodel.moc"
