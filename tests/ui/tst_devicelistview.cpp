#include "telemetry/devicelistmodel.h"
#include "ui/devicelistview.h"

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

QTEST_MAIN(tst_DeviceListView)
#include "tst_devicelistview.moc"
