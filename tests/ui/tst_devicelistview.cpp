#include "telemetry/devicelistmodel.h"
#include "ui/devicelistview.h"

#include <QDateTime>
#include <QHeaderView>
#include <QTest>

using namespace Sightline;

namespace {
constexpr int kUiTimeoutMs = 10000; // generous: CI runs on a loaded 2-core machine
}

class tst_DeviceListView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stateColumnFitsTheWord_data();
    void stateColumnFitsTheWord();
    void namesStayReadableWhenStatesChange();
};

void tst_DeviceListView::stateColumnFitsTheWord_data()
{
    QTest::addColumn<bool>("live");
    QTest::addColumn<QString>("word");
    QTest::newRow("not connected") << false << QStringLiteral("Not connected");
    QTest::newRow("offline") << true << QStringLiteral("Offline");
}

void tst_DeviceListView::stateColumnFitsTheWord()
{
    QFETCH(bool, live);
    QFETCH(QString, word);
    DeviceListModel model;
    DeviceInfo device;
    device.deviceId = QStringLiteral("jetson-01");
    device.siteId = QStringLiteral("north");
    model.setDevices({device});
    model.setStreamLive(live);
    DeviceListView view(&model);
    view.resize(260, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const QModelIndex state = model.index(0, DeviceListModel::StateColumn, model.index(0, 0));
    QVERIFY(state.isValid());
    QCOMPARE(state.data().toString(), word);
    // The delegate paints a dot (half a line high) and a gap before the
    // word: the column must hold both, whatever the style's margins.
    const QFontMetrics metrics = view.fontMetrics();
    const int needed = metrics.height() / 2 + 12 + metrics.horizontalAdvance(word);
    QTRY_VERIFY2_WITH_TIMEOUT(view.header()->sectionSize(DeviceListModel::StateColumn) >= needed,
                              qPrintable(QStringLiteral("%1 < %2").arg(view.header()->sectionSize(
                                  DeviceListModel::StateColumn)).arg(needed)),
                              kUiTimeoutMs);
}

void tst_DeviceListView::namesStayReadableWhenStatesChange()
{
    // Issue 14: names shrank to "jetso…" once states changed (the state
    // and last-seen columns grew and the name column took what was left).
    DeviceListModel model;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<DeviceInfo> devices;
    for (const char *id : {"jetson-orin-nano-lab-01", "jetson-agx-xavier-yard-02"}) {
        DeviceInfo device;
        device.deviceId = QString::fromLatin1(id);
        device.siteId = QStringLiteral("north");
        device.status = DeviceStatusEvent::Status::Online;
        device.lastSeenMs = now;
        devices.append(device);
    }
    model.setDevices(devices);
    model.setStreamLive(true);
    DeviceListView view(&model);
    view.resize(260, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const auto nameFits = [&] {
        return view.header()->sectionSize(DeviceListModel::NameColumn)
            >= static_cast<const QAbstractItemView &>(view).sizeHintForColumn(DeviceListModel::NameColumn);
    };
    QTRY_VERIFY_WITH_TIMEOUT(nameFits(), kUiTimeoutMs);

    // States change: the dashboard loses its stream, a device goes offline
    // an hour ago; the wider state and age words must not eat the names.
    model.applyStatus(DeviceStatusEvent{devices.at(1).deviceId, DeviceStatusEvent::Status::Offline, now - 3600 * 1000},
                      QStringLiteral("north"));
    model.setStreamLive(false);
    QTRY_VERIFY2_WITH_TIMEOUT(nameFits(),
                              qPrintable(QStringLiteral("name column %1 < %2")
                                             .arg(view.header()->sectionSize(DeviceListModel::NameColumn))
                                             .arg(static_cast<const QAbstractItemView &>(view).sizeHintForColumn(DeviceListModel::NameColumn))),
                              kUiTimeoutMs);
    const QModelIndex state = model.index(1, DeviceListModel::StateColumn, model.index(0, 0));
    QCOMPARE(state.data().toString(), QStringLiteral("Not connected"));
    const QFontMetrics metrics = view.fontMetrics();
    QTRY_VERIFY_WITH_TIMEOUT(view.header()->sectionSize(DeviceListModel::StateColumn)
                                 >= metrics.height() / 2 + 12 + metrics.horizontalAdvance(state.data().toString()),
                             kUiTimeoutMs);
    QVERIFY(nameFits());
}

QTEST_MAIN(tst_DeviceListView)
#include "tst_devicelistview.moc"
