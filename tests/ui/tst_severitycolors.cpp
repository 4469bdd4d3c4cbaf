#include "ui/severitycolors.h"

#include <QTest>

#include "support/colorcontrast.h"

#include <cmath>

using namespace Sightline;
using Sightline::Test::contrast;

namespace {

QPalette palette(QColor window, QColor base)
{
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::Base, base);
    return p;
}

} // namespace

class tst_SeverityColors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readableOnBase_data();
    void readableOnBase();
    void tonesAreDistinct();
};

void tst_SeverityColors::readableOnBase_data()
{
    QTest::addColumn<QPalette>("pal");
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << palette(QColor(0xef, 0xef, 0xef), Qt::white) << false;
    QTest::newRow("dark") << palette(QColor(0x2b, 0x2b, 0x2b), QColor(0x1e, 0x1e, 0x1e)) << true;
    QTest::newRow("very dark") << palette(QColor(0x10, 0x10, 0x10), Qt::black) << true;
}

void tst_SeverityColors::readableOnBase()
{
    QFETCH(QPalette, pal);
    QFETCH(bool, dark);
    QCOMPARE(isDarkPalette(pal), dark);
    for (Tone tone : {Tone::Healthy, Tone::Info, Tone::Warning, Tone::Critical}) {
        const double onBase = contrast(toneColor(tone, pal), pal.color(QPalette::Base));
        QVERIFY2(onBase >= 4.5, qPrintable(QStringLiteral("tone %1: %2:1 on base").arg(int(tone)).arg(onBase)));
        // Text stays readable on the tinted row background too.
        const QColor text = dark ? QColor(0xe6, 0xe6, 0xe6) : Qt::black;
        const double textOnTint = contrast(text, toneBackground(tone, pal));
        QVERIFY2(textOnTint >= 4.5, qPrintable(QStringLiteral("tone %1: text %2:1 on tint").arg(int(tone)).arg(textOnTint)));
    }
}

void tst_SeverityColors::tonesAreDistinct()
{
    const QPalette light = palette(Qt::white, Qt::white);
    QCOMPARE(toneFor(Severity::Critical), Tone::Critical);
    QCOMPARE(toneFor(Severity::Warning), Tone::Warning);
    QCOMPARE(toneFor(Severity::Info), Tone::Info);
    QVERIFY(toneColor(Tone::Critical, light) != toneColor(Tone::Warning, light));
    QVERIFY(toneColor(Tone::Warning, light) != toneColor(Tone::Info, light));
}

QTEST_MAIN(tst_SeverityColors)
#include "tst_severitycolors.moc"
