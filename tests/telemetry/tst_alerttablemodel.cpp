#include "telemetry/alerttablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kT0 = 1795341600000;

AlertEvent alert(const char *device, const char *rule, Severity severity, bool firing, qint64 ts, double value = 90)
{
    AlertEvent a;
    a.deviceId = QString::fromLatin1(device);
    a.ruleId = QString::fromLatin1(rule);
    a.severity = severity;
    a.state = firing ? AlertEvent::State::Firing : AlertEvent::State::Resolved;
    a.field = QStringLiteral("gpu_temp_c");
    a.value = value;
    a.threshold = 85;
    a.message = QStringLiteral("GPU temperature above 85 °C");
    a.tsMs = ts;
    return a;
}

} // namespace

class tst_AlertTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transitions_data();
    void transitions();
    void criticalNotification();
    void acknowledge();
    void rowLimitDropsResolvedFirst();
    void sameEventIdAppliesOnce_data();
    void sameEventIdAppliesOnce();
};

void tst_AlertTableModel::transitions_data()
{
    // Each step: "F<rule>" fires, "R<rule>" resolves (device d1, severity warning).
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("firing");
    QTest::addColumn<QString>("topState");
    QTest::addColumn<int>("timeStep"); // the newest row time is this step's (1-based)
    QTest::newRow("fires") << QStringList{QStringLiteral("Fa")} << 1 << 1 << QStringLiteral("Firing") << 1;
    QTest::newRow("fires then resolves in the same row") << QStringList{QStringLiteral("Fa"), QStringLiteral("Ra")} << 1 << 0 << QStringLiteral("Resolved") << 2;
    QTest::newRow("firing again updates the open row") << QStringList{QStringLiteral("Fa"), QStringLiteral("Fa")} << 1 << 1 << QStringLiteral("Firing") << 1;
    QTest::newRow("fires after resolving opens a new row") << QStringList{QStringLiteral("Fa"), QStringLiteral("Ra"), QStringLiteral("Fa")} << 2 << 1 << QStringLiteral("Firing") << 3;
    QTest::newRow("resolve without firing adds a resolved row") << QStringList{QStringLiteral("Ra")} << 1 << 0 << QStringLiteral("Resolved") << 1;
    QTest::newRow("two rules are two rows") << QStringList{QStringLiteral("Fa"), QStringLiteral("Fb"), QStringLiteral("Ra")} << 2 << 1 << QStringLiteral("Firing") << 3;
}

void tst_AlertTableModel::transitions()
{
    QFETCH(QStringList, steps);
    QFETCH(int, rows);
    QFETCH(int, firing);
    QFETCH(QString, topState);
    QFETCH(int, timeStep);
    qint64 now = kT0;
    AlertTableModel model([&now] { return now; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    qint64 ts = kT0;
    for (const QString &step : steps) {
        const QByteArray rule = step.mid(1).toLatin1();
        model.applyAlert(alert("d1", rule.constData(), Severity::Warning, step.at(0) == QLatin1Char('F'), ts += 1000));
    }
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.firingCount(), firing);
    QCOMPARE(model.index(0, AlertTableModel::StateColumn).data().toString(), topState);
    qint64 newest = 0; // fired-at for firing rows, resolved-at for resolved ones
    for (int row = 0; row < model.rowCount(); ++row)
        newest = std::max(newest, model.index(row, AlertTableModel::TimeColumn).data(AlertTableModel::TimeRole).toLongLong());
    QCOMPARE(newest, kT0 + timeStep * 1000);
    QCOMPARE(model.index(0, AlertTableModel::DeviceColumn).data().toString(), QStringLiteral("d1"));
    QCOMPARE(model.index(0, AlertTableModel::SeverityColumn).data().toString(), QStringLiteral("Warning"));
}

void tst_AlertTableModel::criticalNotification()
{
    AlertTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy critical(&model, &AlertTableModel::criticalAlertFired);
    model.applyAlert(alert("d1", "warm", Severity::Warning, true, kT0));
    QCOMPARE(critical.size(), 0);
    model.applyAlert(alert("d1", "hot", Severity::Critical, true, kT0 + 1));
    QCOMPARE(critical.size(), 1);
    QCOMPARE(critical.at(0).at(0).value<AlertEvent>().ruleId, QStringLiteral("hot"));
    model.applyAlert(alert("d1", "hot", Severity::Critical, true, kT0 + 2, 95)); // still the same episode
    QCOMPARE(critical.size(), 1);
    model.applyAlert(alert("d1", "hot", Severity::Critical, false, kT0 + 3));
    model.applyAlert(alert("d1", "hot", Severity::Critical, true, kT0 + 4)); // a new episode
    QCOMPARE(critical.size(), 2);
}

void tst_AlertTableModel::acknowledge()
{
    AlertTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyAlert(alert("d1", "a", Severity::Critical, true, kT0));
    model.applyAlert(alert("d2", "a", Severity::Info, true, kT0 + 1));
    QCOMPARE(model.unacknowledgedFiringCount(), 2);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const QModelIndex ack = model.index(1, AlertTableModel::AcknowledgedColumn);
    QVERIFY(model.flags(ack) & Qt::ItemIsUserCheckable);
    QVERIFY(model.setData(ack, Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.unacknowledgedFiringCount(), 1);
    QVERIFY(ack.data(AlertTableModel::IsAcknowledgedRole).toBool());
    QCOMPARE(ack.data(AlertTableModel::DeviceIdRole).toString(), QStringLiteral("d1"));
    // One way: it cannot be un-acknowledged, and no longer offers a checkbox.
    QVERIFY(!model.setData(ack, Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(!(model.flags(ack) & Qt::ItemIsUserCheckable));
    // Resolving keeps the acknowledgement and the row.
    model.applyAlert(alert("d1", "a", Severity::Critical, false, kT0 + 2));
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(model.index(1, 0).data(AlertTableModel::IsAcknowledgedRole).toBool());
    QVERIFY(!model.acknowledge(7));
    model.acknowledgeAll();
    QCOMPARE(model.unacknowledgedFiringCount(), 0);
}

void tst_AlertTableModel::rowLimitDropsResolvedFirst()
{
    AlertTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(3);
    model.applyAlert(alert("d1", "old-firing", Severity::Warning, true, kT0));
    model.applyAlert(alert("d1", "resolved", Severity::Warning, false, kT0 + 1));
    model.applyAlert(alert("d1", "b", Severity::Warning, true, kT0 + 2));
    model.applyAlert(alert("d1", "c", Severity::Warning, true, kT0 + 3));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.firingCount(), 3);
    QCOMPARE(model.index(2, 0).data(AlertTableModel::RuleIdRole).toString(), QStringLiteral("old-firing"));
}

void tst_AlertTableModel::sameEventIdAppliesOnce_data()
{
    // Each step: "<id>:F" fires, "<id>:R" resolves (device d1, rule a); an
    // empty id is an alert without one.
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<int>("applied");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("firing");
    QTest::newRow("loaded at sign-in and again on the stream")
        << QStringList{QStringLiteral("7:F"), QStringLiteral("7:F")} << 1 << 1 << 1;
    QTest::newRow("resolved on the stream, then the loaded firing again")
        << QStringList{QStringLiteral("7:F"), QStringLiteral("9:R"), QStringLiteral("7:F")} << 2 << 1 << 0;
    QTest::newRow("new ids each apply")
        << QStringList{QStringLiteral("7:F"), QStringLiteral("9:R"), QStringLiteral("11:F")} << 3 << 2 << 1;
    QTest::newRow("no id always applies")
        << QStringList{QStringLiteral(":F"), QStringLiteral(":R"), QStringLiteral(":F")} << 3 << 2 << 1;
}

void tst_AlertTableModel::sameEventIdAppliesOnce()
{
    QFETCH(QStringList, steps);
    QFETCH(int, applied);
    QFETCH(int, rows);
    QFETCH(int, firing);
    AlertTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    int appliedCount = 0;
    qint64 ts = kT0;
    for (const QString &step : steps) {
        const QString id = step.section(QLatin1Char(':'), 0, 0);
        const bool fires = step.section(QLatin1Char(':'), 1) == QLatin1String("F");
        if (model.applyAlert(alert("d1", "a", Severity::Warning, fires, ts += 1000), id))
            ++appliedCount;
    }
    QCOMPARE(appliedCount, applied);
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.firingCount(), firing);
    // clear() forgets the ids: a new session shows the same alert again.
    model.clear();
    QVERIFY(model.applyAlert(alert("d1", "a", Severity::Warning, true, ts + 1000), QStringLiteral("7")));
    QCOMPARE(model.rowCount(), 1);
}

QTEST_GUILESS_MAIN(tst_AlertTableModel)
#include "tst_alerttablemodel.moc"
