// Tests of the AlertEngine: one event per transition, hold times (issue 3).
#include <QSignalSpy>
#include <QTest>

#include "server/alertengine.h"
#include "server/clock.h"
#include "server/hub.h"
#include "server/sqlitestorage.h"
#include "support/hubfixture.h"

using namespace Sightline;

namespace {

constexpr int kStorageTimeoutMs = 30000;
const DeviceRecord kDevice{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01")};

AlertRule hotRule(int holdSeconds, AlertRule::Op op = AlertRule::Op::Greater, const QString &pattern = QStringLiteral("*"))
{
    AlertRule rule;
    rule.id = QStringLiteral("gpu-hot");
    rule.field = QStringLiteral("gpu_temp_c");
    rule.op = op;
    rule.value = 85;
    rule.severity = AlertRule::Severity::Critical;
    rule.devicePattern = pattern;
    rule.holdSeconds = holdSeconds;
    rule.message = QStringLiteral("GPU temperature above 85 °C");
    return rule;
}

QList<TelemetryPoint> points(const QList<double> &values)
{
    QList<TelemetryPoint> list;
    for (double value : values) {
        TelemetryPoint point;
        point.deviceId = kDevice.deviceId;
        point.fields = QJsonObject{{QStringLiteral("gpu_temp_c"), value}, {QStringLiteral("other"), 1}};
        list.append(point);
    }
    return list;
}

} // namespace

class tst_AlertEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void transitions_data();
    void transitions();
    void holdTimeFiresFromTimer();
    void holdTimeInterruptedDoesNotFire();
    void alertDataMatchesContract();
    void restoresFiringState();
    void devicePattern_data();
    void devicePattern();

private:
    QStringList states(QSignalSpy &spy) const;

    std::unique_ptr<Test::HubFixture> m_fixture;
};

void tst_AlertEngine::init()
{
    m_fixture = std::make_unique<Test::HubFixture>();
    QString error;
    QVERIFY2(m_fixture->open(&error), qPrintable(error));
}

void tst_AlertEngine::cleanup()
{
    m_fixture.reset();
}

QStringList tst_AlertEngine::states(QSignalSpy &spy) const
{
    return Test::HubFixture::dataValues(spy, QStringLiteral("state"));
}

void tst_AlertEngine::transitions_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("never breaches") << QList<double>{50, 60, 85} << QStringList();
    QTest::newRow("breach fires once") << QList<double>{50, 90, 91, 95} << QStringList{QStringLiteral("firing")};
    QTest::newRow("fires then resolves")
        << QList<double>{90, 92, 80, 70} << QStringList{QStringLiteral("firing"), QStringLiteral("resolved")};
    QTest::newRow("flapping gives each transition")
        << QList<double>{90, 80, 90, 80}
        << QStringList{QStringLiteral("firing"), QStringLiteral("resolved"), QStringLiteral("firing"),
                       QStringLiteral("resolved")};
}

void tst_AlertEngine::transitions()
{
    QFETCH(QList<double>, values);
    QFETCH(QStringList, expected);
    AlertEngine engine({hotRule(0)}, m_fixture->hub(), m_fixture->clock());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    // One point per call and all in one call must give the same events.
    for (double value : values)
        engine.evaluate(kDevice, points({value}));
    QTRY_COMPARE_WITH_TIMEOUT(states(published), expected, kStorageTimeoutMs);
    AlertEngine batched({hotRule(0)}, m_fixture->hub(), m_fixture->clock());
    published.clear();
    batched.evaluate(kDevice, points(values));
    QTRY_COMPARE_WITH_TIMEOUT(states(published), expected, kStorageTimeoutMs);
}

void tst_AlertEngine::holdTimeFiresFromTimer()
{
    AlertEngine engine({hotRule(30)}, m_fixture->hub(), m_fixture->clock());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    engine.evaluate(kDevice, points({90}));
    m_fixture->clock()->advance(29000);
    engine.checkHolds();
    engine.evaluate(kDevice, points({91}));
    QCOMPARE(engine.firingCount(), 0);
    m_fixture->clock()->advance(1000);
    engine.checkHolds(); // 30 s of breach: fires without another point
    QCOMPARE(engine.firingCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(states(published), QStringList{QStringLiteral("firing")}, kStorageTimeoutMs);
    QCOMPARE(published.first().first().value<StoredEvent>().data.value(QStringLiteral("value")).toDouble(), 91.0);
    engine.evaluate(kDevice, points({70}));
    QTRY_COMPARE_WITH_TIMEOUT(states(published), (QStringList{QStringLiteral("firing"), QStringLiteral("resolved")}),
                              kStorageTimeoutMs);
}

void tst_AlertEngine::holdTimeInterruptedDoesNotFire()
{
    AlertEngine engine({hotRule(30)}, m_fixture->hub(), m_fixture->clock());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    engine.evaluate(kDevice, points({90}));
    m_fixture->clock()->advance(20000);
    engine.evaluate(kDevice, points({80})); // back to normal before the hold ended
    m_fixture->clock()->advance(20000);
    engine.checkHolds();
    engine.evaluate(kDevice, points({90})); // a new breach starts a new hold
    m_fixture->clock()->advance(29000);
    engine.checkHolds();
    QCOMPARE(engine.firingCount(), 0);
    // Publish a marker and wait for it: nothing was published before it.
    m_fixture->hub()->publish(kDevice.topic(), QStringLiteral("device_status"), QJsonObject());
    QVERIFY(published.wait(kStorageTimeoutMs));
    QCOMPARE(published.size(), 1);
    QCOMPARE(published.first().first().value<StoredEvent>().type, QStringLiteral("device_status"));
}

void tst_AlertEngine::alertDataMatchesContract()
{
    AlertEngine engine({hotRule(0)}, m_fixture->hub(), m_fixture->clock());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    engine.evaluate(kDevice, points({92.5}));
    QVERIFY(published.wait(kStorageTimeoutMs));
    const StoredEvent event = published.first().first().value<StoredEvent>();
    QCOMPARE(event.type, QStringLiteral("alert"));
    QCOMPARE(event.topic, kDevice.topic());
    const QJsonObject expected{
        {QStringLiteral("deviceId"), kDevice.deviceId},
        {QStringLiteral("ruleId"), QStringLiteral("gpu-hot")},
        {QStringLiteral("severity"), QStringLiteral("critical")},
        {QStringLiteral("state"), QStringLiteral("firing")},
        {QStringLiteral("field"), QStringLiteral("gpu_temp_c")},
        {QStringLiteral("value"), 92.5},
        {QStringLiteral("threshold"), 85},
        {QStringLiteral("message"), QStringLiteral("GPU temperature above 85 °C")},
    };
    QCOMPARE(event.data, expected);
}

void tst_AlertEngine::restoresFiringState()
{
    // What the log said at the last stop: gpu-hot firing on jetson-01, and
    // an alert of a rule that no longer exists.
    StoredEvent firing;
    firing.type = QStringLiteral("alert");
    firing.accountId = kDevice.accountId;
    firing.siteId = kDevice.siteId;
    firing.deviceId = kDevice.deviceId;
    firing.ts = m_fixture->clock()->now().addSecs(-60);
    firing.data = QJsonObject{{QStringLiteral("ruleId"), QStringLiteral("gpu-hot")},
                              {QStringLiteral("state"), QStringLiteral("firing")},
                              {QStringLiteral("value"), 90}};
    StoredEvent gone = firing;
    gone.data.insert(QStringLiteral("ruleId"), QStringLiteral("removed-rule"));
    AlertEngine engine({hotRule(0)}, m_fixture->hub(), m_fixture->clock());
    engine.restore({firing, gone});
    QCOMPARE(engine.firingCount(), 1);
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    engine.evaluate(kDevice, points({95, 70}));
    QTRY_COMPARE_WITH_TIMEOUT(states(published), QStringList{QStringLiteral("resolved")}, kStorageTimeoutMs);
    QCOMPARE(engine.firingCount(), 0);
}

void tst_AlertEngine::devicePattern_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<AlertRule::Op>("op");
    QTest::addColumn<bool>("fires");
    QTest::newRow("star") << "*" << AlertRule::Op::Greater << true;
    QTest::newRow("exact id") << "jetson-01" << AlertRule::Op::Greater << true;
    QTest::newRow("prefix glob") << "jetson-*" << AlertRule::Op::Greater << true;
    QTest::newRow("other device") << "jetson-02" << AlertRule::Op::Greater << false;
    QTest::newRow("glob not matching") << "nano-*" << AlertRule::Op::Greater << false;
    QTest::newRow("less-than rule") << "*" << AlertRule::Op::Less << false;
    QTest::newRow("at-least rule") << "*" << AlertRule::Op::GreaterOrEqual << true;
}

void tst_AlertEngine::devicePattern()
{
    QFETCH(QString, pattern);
    QFETCH(AlertRule::Op, op);
    QFETCH(bool, fires);
    AlertEngine engine({hotRule(0, op, pattern)}, m_fixture->hub(), m_fixture->clock());
    engine.evaluate(kDevice, points({90}));
    QCOMPARE(engine.firingCount(), fires ? 1 : 0);
}

QTEST_GUILESS_MAIN(tst_AlertEngine)
#include "tst_alertengine.moc"
