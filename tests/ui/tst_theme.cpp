#include "telemetry/bucketstore.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/connectionbanner.h"
#include "ui/livechartwidget.h"
#include "ui/logindialog.h"
#include "ui/severitycolors.h"
#include "ui/theme.h"

#include <QApplication>
#include <QChart>
#include <QImage>
#include <QLabel>
#include <QCheckBox>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleOptionButton>
#include <QTest>

#include "support/colorcontrast.h"
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

using namespace Sightline;
using Sightline::Test::contrast;

namespace {

QPalette windowOnly(const QColor &window)
{
    QPalette p;
    p.setColor(QPalette::Window, window);
    return p;
}

// The average lightness of a rectangle of an image (0 black … 255 white).
int meanLightness(const QImage &image, const QRect &rect)
{
    qint64 sum = 0;
    qint64 n = 0;
    for (int y = rect.top(); y <= rect.bottom(); y += 2) {
        for (int x = rect.left(); x <= rect.right(); x += 2) {
            sum += image.pixelColor(x, y).lightness();
            ++n;
        }
    }
    return n > 0 ? static_cast<int>(sum / n) : -1;
}

} // namespace

class tst_Theme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void palettesDiffer();
    void textIsReadable_data();
    void textIsReadable();
    void tonesAreReadable_data();
    void tonesAreReadable();
    void choiceResolves_data();
    void choiceResolves();
    void applyThemeSetsStyleAndPalette_data();
    void applyThemeSetsStyleAndPalette();
    void systemFollowsPlatformAtStart();
    void checkBoxEdgeIsVisible_data();
    void checkBoxEdgeIsVisible();
    void switchRepaintsWidgets();
    void switchRecoloursKeptDialog();
};

void tst_Theme::palettesDiffer()
{
    const QPalette light = themePalette(false);
    const QPalette dark = themePalette(true);
    QVERIFY(light != dark);
    QVERIFY(!isDarkPalette(light));
    QVERIFY(isDarkPalette(dark));
    QVERIFY(isDarkPalette(windowOnly(Qt::black)));
    QVERIFY(!isDarkPalette(windowOnly(Qt::white)));
    for (QPalette::ColorRole role : {QPalette::Window, QPalette::Base, QPalette::Button, QPalette::Text})
        QVERIFY2(light.color(role) != dark.color(role), qPrintable(QString::number(role)));
}

void tst_Theme::textIsReadable_data()
{
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QPalette::ColorGroup>("group");
    QTest::addColumn<QPalette::ColorRole>("background");
    QTest::addColumn<QPalette::ColorRole>("foreground");
    const struct
    {
        const char *name;
        QPalette::ColorRole background;
        QPalette::ColorRole foreground;
    } pairs[] = {
        {"window text on window", QPalette::Window, QPalette::WindowText},
        {"text on base", QPalette::Base, QPalette::Text},
        {"button text on button", QPalette::Button, QPalette::ButtonText},
        {"text on alternate base", QPalette::AlternateBase, QPalette::Text},
        {"placeholder on base", QPalette::Base, QPalette::PlaceholderText},
        {"placeholder on window", QPalette::Window, QPalette::PlaceholderText},
        {"placeholder on alternate base (tile labels)", QPalette::AlternateBase, QPalette::PlaceholderText},
        {"selected text on highlight", QPalette::Highlight, QPalette::HighlightedText},
        {"link on base", QPalette::Base, QPalette::Link},
        {"tooltip text on tooltip", QPalette::ToolTipBase, QPalette::ToolTipText},
    };
    for (bool dark : {false, true}) {
        for (QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive}) {
            for (const auto &pair : pairs) {
                QTest::addRow("%s, %s, %s", dark ? "dark" : "light", group == QPalette::Active ? "active" : "inactive",
                              pair.name)
                        << dark << group << pair.background << pair.foreground;
            }
        }
    }
}

void tst_Theme::textIsReadable()
{
    QFETCH(bool, dark);
    QFETCH(QPalette::ColorGroup, group);
    QFETCH(QPalette::ColorRole, background);
    QFETCH(QPalette::ColorRole, foreground);
    const QPalette p = themePalette(dark);
    const double ratio = contrast(p.color(group, foreground), p.color(group, background));
    QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1:1, WCAG AA needs 4.5:1").arg(ratio, 0, 'f', 2)));
}

void tst_Theme::tonesAreReadable_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

// The severity shades (severitycolors.h) are picked per lightness; they must
// hold on the designed palettes too, as text and as the tinted row behind text.
void tst_Theme::tonesAreReadable()
{
    QFETCH(bool, dark);
    const QPalette p = themePalette(dark);
    for (Tone tone : {Tone::Healthy, Tone::Info, Tone::Warning, Tone::Critical}) {
        for (QPalette::ColorRole role : {QPalette::Base, QPalette::Window, QPalette::AlternateBase}) {
            const double onBackground = contrast(toneColor(tone, p), p.color(role));
            QVERIFY2(onBackground >= 4.5,
                     qPrintable(QStringLiteral("tone %1 on role %2: %3:1").arg(int(tone)).arg(role).arg(onBackground)));
        }
        const double textOnTint = contrast(p.color(QPalette::Text), toneBackground(tone, p));
        QVERIFY2(textOnTint >= 4.5, qPrintable(QStringLiteral("tone %1: text %2:1 on tint").arg(int(tone)).arg(textOnTint)));
    }
}

void tst_Theme::choiceResolves_data()
{
    QTest::addColumn<ThemeChoice>("choice");
    QTest::addColumn<QPalette>("platform");
    QTest::addColumn<bool>("dark");
    const QPalette lightPlatform = windowOnly(QColor(0xef, 0xef, 0xef));
    const QPalette darkPlatform = windowOnly(QColor(0x30, 0x30, 0x30));
    QTest::newRow("system on a light desktop is light") << ThemeChoice::System << lightPlatform << false;
    QTest::newRow("system on a dark desktop is dark") << ThemeChoice::System << darkPlatform << true;
    QTest::newRow("light on a dark desktop stays light") << ThemeChoice::Light << darkPlatform << false;
    QTest::newRow("dark on a light desktop stays dark") << ThemeChoice::Dark << lightPlatform << true;
}

void tst_Theme::choiceResolves()
{
    QFETCH(ThemeChoice, choice);
    QFETCH(QPalette, platform);
    QFETCH(bool, dark);
    QCOMPARE(wantsDarkPalette(choice, platform), dark);
}

void tst_Theme::applyThemeSetsStyleAndPalette_data()
{
    QTest::addColumn<ThemeChoice>("choice");
    QTest::addColumn<bool>("dark");
    QTest::newRow("dark") << ThemeChoice::Dark << true;
    QTest::newRow("light") << ThemeChoice::Light << false;
    QTest::newRow("dark again") << ThemeChoice::Dark << true;
}

void tst_Theme::applyThemeSetsStyleAndPalette()
{
    QFETCH(ThemeChoice, choice);
    QFETCH(bool, dark);
    applyTheme(choice);
    const auto *style = qobject_cast<QProxyStyle *>(QApplication::style());
    QVERIFY(style);
    QCOMPARE(style->baseStyle()->name().toLower(), QStringLiteral("fusion"));
    const QPalette expected = themePalette(dark);
    for (QPalette::ColorRole role : {QPalette::Window, QPalette::WindowText, QPalette::Base, QPalette::Text,
                                     QPalette::Button, QPalette::Highlight, QPalette::PlaceholderText}) {
        QCOMPARE(QApplication::palette().color(role), expected.color(role));
        QCOMPARE(QApplication::palette().color(QPalette::Disabled, role), expected.color(QPalette::Disabled, role));
    }
    QCOMPARE(QToolTip::palette().color(QPalette::ToolTipBase), expected.color(QPalette::ToolTipBase));
    QCOMPARE(isDarkPalette(QApplication::palette()), dark);
}

void tst_Theme::systemFollowsPlatformAtStart()
{
    // Whatever the earlier tests set, "system" means the palette the
    // platform gave the application before the first applyTheme().
    const bool platformDark = isDarkPalette(platformPalette());
    applyTheme(platformDark ? ThemeChoice::Light : ThemeChoice::Dark);
    QCOMPARE(isDarkPalette(QApplication::palette()), !platformDark);
    applyTheme(ThemeChoice::System);
    QCOMPARE(isDarkPalette(QApplication::palette()), platformDark);
    QCOMPARE(QApplication::palette().color(QPalette::Window), themePalette(platformDark).color(QPalette::Window));
}

void tst_Theme::checkBoxEdgeIsVisible_data()
{
    QTest::addColumn<ThemeChoice>("choice");
    QTest::newRow("light") << ThemeChoice::Light;
    QTest::newRow("dark") << ThemeChoice::Dark;
}

// An unchecked box must show its edge (3:1 against the base it is filled
// with, WCAG's figure for a control's boundary). Fusion alone drew it in a
// shade of the window colour that vanished on the dark palette.
void tst_Theme::checkBoxEdgeIsVisible()
{
    QFETCH(ThemeChoice, choice);
    applyTheme(choice);
    QCheckBox box(QStringLiteral("jetson-01"));
    box.show();
    QVERIFY(QTest::qWaitForWindowExposed(&box));
    const QImage image = box.grab().toImage();
    QStyleOptionButton option;
    option.initFrom(&box);
    const QRect indicator = box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
    QVERIFY(!indicator.isEmpty());
    const QColor base = box.palette().color(QPalette::Base);
    double strongest = 1;
    for (int y = indicator.top(); y <= indicator.bottom(); ++y) {
        for (int x = indicator.left(); x <= indicator.right(); ++x)
            strongest = std::max(strongest, contrast(image.pixelColor(x, y), base));
    }
    QVERIFY2(strongest >= 3.0, qPrintable(QStringLiteral("the box's edge is %1:1 on base").arg(strongest, 0, 'f', 2)));
}

void tst_Theme::switchRepaintsWidgets()
{
    applyTheme(ThemeChoice::Light);
    SeriesStore store;
    BucketStore buckets;
    WorkspaceTime time;
    QWidget window;
    auto *banner = new ConnectionBanner(&window);
    auto *chart = new LiveChartWidget(&store, &buckets, &time, &window);
    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(banner);
    layout->addWidget(chart, 1);
    window.resize(640, 480);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    banner->setStatus(ConnectionStatus::disconnected(QStringLiteral("test")));

    const auto chartCenter = [&] {
        const QRect r(chart->view()->mapTo(&window, QPoint(0, 0)), chart->view()->size());
        return r.adjusted(r.width() / 4, r.height() / 4, -r.width() / 4, -r.height() / 4);
    };
    const auto bannerArea = [&] { return QRect(banner->mapTo(&window, QPoint(0, 0)), banner->size()); };
    const QImage before = window.grab().toImage();
    QVERIFY2(meanLightness(before, chartCenter()) > 160, "the light chart is light");
    const QColor lightBanner = banner->palette().color(QPalette::Window);

    applyTheme(ThemeChoice::Dark);
    const QPalette dark = themePalette(true);
    // The banner re-picks its tone for the new lightness, the chart its background.
    QTRY_COMPARE(banner->palette().color(QPalette::Window), toneBackground(Tone::Critical, dark));
    QVERIFY(banner->palette().color(QPalette::Window) != lightBanner);
    QTRY_COMPARE(chart->chart()->backgroundBrush().color(), dark.color(QPalette::Base));
    // And what is on screen follows: a grab after the switch is dark where it was light.
    const QImage after = window.grab().toImage();
    QVERIFY2(meanLightness(after, chartCenter()) < 80,
             qPrintable(QStringLiteral("chart lightness %1").arg(meanLightness(after, chartCenter()))));
    QVERIFY2(meanLightness(after, bannerArea()) < meanLightness(before, bannerArea()) - 60, "the banner is darker");
}

// The sign-in dialog lives on between sign-ins; its error text is red in the
// shade of the theme it is shown in, not the one it was built in.
void tst_Theme::switchRecoloursKeptDialog()
{
    applyTheme(ThemeChoice::Light);
    LoginDialog dialog;
    dialog.showError(SignInError::WrongCredentials);
    QLabel *error = nullptr;
    const auto labels = dialog.findChildren<QLabel *>();
    for (QLabel *label : labels) {
        if (label->accessibleName() == QStringLiteral("Sign-in error"))
            error = label;
    }
    QVERIFY(error);
    QCOMPARE(error->palette().color(QPalette::WindowText), toneColor(Tone::Critical, themePalette(false)));
    applyTheme(ThemeChoice::Dark);
    QTRY_COMPARE(error->palette().color(QPalette::WindowText), toneColor(Tone::Critical, themePalette(true)));
    const double ratio = contrast(error->palette().color(QPalette::WindowText), error->palette().color(QPalette::Window));
    QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1:1").arg(ratio)));
}

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
