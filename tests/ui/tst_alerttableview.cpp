#include "telemetry/alerttablemodel.h"
#include "ui/alerttableview.h"

#include <QDateTime>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace Sightline;

namespace {
constexpr int kUiTimeoutMs = 10000; // generous: CI runs on a loaded 2-core machine
}

class tst_AlertTableView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledge_data();
    void acknowledge();
    void columnsFitTheFirstAlert();
};

void tst_AlertTableView::columnsFitTheFirstAlert()
{
    // Issue 14: the first alert arrived into columns sized for the empty
    // table, and its device and message read "jetso…".
    AlertTableModel model;
    AlertTableView view(&model);
    view.resize(640, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    AlertEvent a;
    a.deviceId = QStringLiteral("jetson-orin-nano-lab-01");
    a.ruleId = QStringLiteral("gpu-hot");
    a.severity = Severity::Critical;
    a.field = QStringLiteral("gpu_temp_c");
    a.message = QStringLiteral("GPU temperature above 85 °C");
    a.tsMs = QDateTime::currentMSecsSinceEpoch();
    model.applyAlert(a);
    QTableView *table = view.table();
    QHeaderView *header = table->horizontalHeader();
    for (int column = 0; column < AlertTableModel::ColumnCount; ++column) {
        QTRY_VERIFY2_WITH_TIMEOUT(header->sectionSize(column) >= static_cast<const QAbstractItemView *>(table)->sizeHintForColumn(column),
                                  qPrintable(QStringLiteral("column %1: %2 < %3")
                                                 .arg(model.headerData(column, Qt::Horizontal).toString())
                                                 .arg(header->sectionSize(column))
                                                 .arg(static_cast<const QAbstractItemView *>(table)->sizeHintForColumn(column))),
                                  kUiTimeoutMs);
    }
}

void tst_AlertTableView::acknowledge_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("button") << QStringLiteral("button");
    QTest::newRow("ctrl+k") << QStringLiteral("shortcut");
    QTest::newRow("space on the ack column") << QStringLiteral("space");
}

void tst_AlertTableView::acknowledge()
{
    QFETCH(QString, how);
    AlertTableModel model;
    for (int i = 0; i < 3; ++i) {
        AlertEvent a;
        a.deviceId = QStringLiteral("d%1").arg(i);
        a.ruleId = QStringLiteral("r");
        a.severity = i == 1 ? Severity::Critical : Severity::Warning;
        a.message = QStringLiteral("m");
        model.applyAlert(a);
    }
    AlertTableView view(&model);
    view.resize(800, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QPushButton *button = nullptr;
    for (QPushButton *b : view.findChildren<QPushButton *>())
        if (b->text() == QStringLiteral("&Acknowledge"))
            button = b;
    QVERIFY(button);
    QTableView *table = view.table();
    table->setFocus();
    table->setCurrentIndex(model.index(1, AlertTableModel::AcknowledgedColumn));
    table->selectionModel()->select(model.index(1, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(model.unacknowledgedFiringCount(), 3);
    if (how == QLatin1String("button"))
        QTest::mouseClick(button, Qt::LeftButton);
    else if (how == QLatin1String("shortcut"))
        QTest::keyClick(table, Qt::Key_K, Qt::ControlModifier);
    else
        QTest::keyClick(table, Qt::Key_Space);
    QCOMPARE(model.unacknowledgedFiringCount(), 2);
    QVERIFY(model.index(1, 0).data(AlertTableModel::IsAcknowledgedRole).toBool());
    QVERIFY(!model.index(0, 0).data(AlertTableModel::IsAcknowledgedRole).toBool());
}

QTEST_MAIN(tst_AlertTableView)
#include "tst_alerttableview.moc"
