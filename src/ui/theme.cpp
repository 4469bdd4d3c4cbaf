#include "ui/theme.h"

#include <QApplication>
#include <QProxyStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <QToolTip>

namespace Sightline {

namespace {

const QString kFusion = QStringLiteral("Fusion");
const QString kStyleName = QStringLiteral("SightlineFusion");

// Fusion draws the edges of check boxes, radio buttons, line edits and
// frames in window().color().darker(140) (QFusionStylePrivate::outline()
// in Qt 6.4). On a dark base that edge vanishes (an unchecked
// device in the device list showed no box at all), and on white a box's
// edge is under the 3:1 WCAG asks of a control's boundary. This proxy hands
// Fusion a window colour whose darkened shade is the edge we want: one grey
// for boxes in both palettes, and a quieter one for frames on dark (light
// frames are drawn as Fusion draws them).
class ThemeStyle : public QProxyStyle
{
public:
    ThemeStyle()
        : QProxyStyle(QStyleFactory::create(kFusion))
    {
        setObjectName(kStyleName);
    }

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget) const override
    {
        if (option) {
            switch (element) {
            case PE_IndicatorCheckBox:
            case PE_IndicatorRadioButton:
                if (const auto *button = qstyleoption_cast<const QStyleOptionButton *>(option)) {
                    QStyleOptionButton copy(*button);
                    copy.palette.setColor(QPalette::Window, windowForOutline(QColor(0x7a, 0x81, 0x8b)));
                    QProxyStyle::drawPrimitive(element, &copy, painter, widget);
                    return;
                }
                break;
            case PE_Frame:
            case PE_FrameLineEdit:
                if (const auto *frame = qstyleoption_cast<const QStyleOptionFrame *>(option);
                    frame && isDarkPalette(option->palette)) {
                    QStyleOptionFrame copy(*frame);
                    copy.palette.setColor(QPalette::Window, windowForOutline(QColor(0x55, 0x5a, 0x62)));
                    QProxyStyle::drawPrimitive(element, &copy, painter, widget);
                    return;
                }
                break;
            default:
                break;
            }
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
    }

private:
    // The window colour that Fusion's darker(140) turns into outline.
    static QColor windowForOutline(const QColor &outline) { return outline.lighter(140); }
};

// One palette from its colours. The restrained accent (Highlight, Link) is
// the same blue in both, a shade lighter on dark; everything else is a
// neutral with a hint of blue so the accent does not look pasted on.
struct Colors
{
    QColor window, windowText, base, alternateBase, text, placeholder;
    QColor button, light, midlight, mid, dark, shadow;
    QColor highlight, highlightedText, link, linkVisited, toolTipBase, toolTipText;
    QColor disabledText, disabledButton, disabledBase, disabledHighlight;
};

QPalette paletteFrom(const Colors &c)
{
    QPalette p;
    for (QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        p.setColor(group, QPalette::Window, c.window);
        p.setColor(group, QPalette::WindowText, c.windowText);
        p.setColor(group, QPalette::Base, c.base);
        p.setColor(group, QPalette::AlternateBase, c.alternateBase);
        p.setColor(group, QPalette::Text, c.text);
        p.setColor(group, QPalette::PlaceholderText, c.placeholder);
        p.setColor(group, QPalette::Button, c.button);
        p.setColor(group, QPalette::ButtonText, c.text);
        p.setColor(group, QPalette::BrightText, c.highlightedText);
        p.setColor(group, QPalette::Light, c.light);
        p.setColor(group, QPalette::Midlight, c.midlight);
        p.setColor(group, QPalette::Mid, c.mid);
        p.setColor(group, QPalette::Dark, c.dark);
        p.setColor(group, QPalette::Shadow, c.shadow);
        p.setColor(group, QPalette::Highlight, c.highlight);
        p.setColor(group, QPalette::HighlightedText, c.highlightedText);
        p.setColor(group, QPalette::Link, c.link);
        p.setColor(group, QPalette::LinkVisited, c.linkVisited);
        p.setColor(group, QPalette::ToolTipBase, c.toolTipBase);
        p.setColor(group, QPalette::ToolTipText, c.toolTipText);
    }
    // Disabled: text fades towards its background, the selection loses the accent.
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::PlaceholderText})
        p.setColor(QPalette::Disabled, role, c.disabledText);
    p.setColor(QPalette::Disabled, QPalette::Button, c.disabledButton);
    p.setColor(QPalette::Disabled, QPalette::Base, c.disabledBase);
    p.setColor(QPalette::Disabled, QPalette::Highlight, c.disabledHighlight);
    p.setColor(QPalette::Disabled, QPalette::HighlightedText, c.disabledText);
    return p;
}

Colors lightColors()
{
    Colors c;
    c.window = QColor(0xf3, 0xf4, 0xf6);
    c.windowText = QColor(0x1b, 0x1f, 0x24);
    c.base = QColor(0xff, 0xff, 0xff);
    c.alternateBase = QColor(0xf6, 0xf7, 0xf9);
    c.text = c.windowText;
    c.placeholder = QColor(0x5b, 0x62, 0x6b);
    c.button = QColor(0xea, 0xec, 0xef);
    c.light = QColor(0xff, 0xff, 0xff);
    c.midlight = QColor(0xf7, 0xf8, 0xfa);
    c.mid = QColor(0xbd, 0xc2, 0xc9);
    c.dark = QColor(0x9a, 0xa0, 0xa8);
    c.shadow = QColor(0x5b, 0x60, 0x69);
    c.highlight = QColor(0x2b, 0x66, 0xa8);
    c.highlightedText = QColor(0xff, 0xff, 0xff);
    c.link = QColor(0x1f, 0x5c, 0xa3);
    c.linkVisited = QColor(0x6a, 0x45, 0xa8);
    c.toolTipBase = QColor(0xff, 0xff, 0xff);
    c.toolTipText = c.windowText;
    c.disabledText = QColor(0x8e, 0x94, 0x9c);
    c.disabledButton = QColor(0xee, 0xef, 0xf1);
    c.disabledBase = c.window;
    c.disabledHighlight = QColor(0xc9, 0xcd, 0xd3);
    return c;
}

Colors darkColors()
{
    Colors c;
    c.window = QColor(0x26, 0x28, 0x2c);
    c.windowText = QColor(0xe4, 0xe6, 0xea);
    c.base = QColor(0x1c, 0x1e, 0x21);
    c.alternateBase = QColor(0x24, 0x27, 0x2b);
    c.text = c.windowText;
    c.placeholder = QColor(0x9c, 0xa3, 0xad);
    c.button = QColor(0x33, 0x36, 0x3b);
    c.light = QColor(0x45, 0x49, 0x50);
    c.midlight = QColor(0x3a, 0x3e, 0x44);
    c.mid = QColor(0x50, 0x55, 0x5d);
    c.dark = QColor(0x16, 0x17, 0x1a);
    c.shadow = QColor(0x0c, 0x0d, 0x0f);
    c.highlight = QColor(0x2f, 0x6c, 0xb0);
    c.highlightedText = QColor(0xff, 0xff, 0xff);
    c.link = QColor(0x7e, 0xb2, 0xee);
    c.linkVisited = QColor(0xb5, 0x9c, 0xee);
    c.toolTipBase = QColor(0x33, 0x36, 0x3b);
    c.toolTipText = c.windowText;
    c.disabledText = QColor(0x6e, 0x74, 0x7c);
    c.disabledButton = QColor(0x2b, 0x2e, 0x32);
    c.disabledBase = c.window;
    c.disabledHighlight = QColor(0x3a, 0x3e, 0x44);
    return c;
}

} // namespace

QPalette themePalette(bool dark)
{
    return paletteFrom(dark ? darkColors() : lightColors());
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

bool wantsDarkPalette(ThemeChoice choice, const QPalette &platform)
{
    switch (choice) {
    case ThemeChoice::Light:
        return false;
    case ThemeChoice::Dark:
        return true;
    case ThemeChoice::System:
        break;
    }
    return isDarkPalette(platform);
}

QPalette platformPalette()
{
    static const QPalette atStart = QGuiApplication::palette();
    return atStart;
}

void applyTheme(ThemeChoice choice)
{
    const bool dark = wantsDarkPalette(choice, platformPalette());
    // Setting the same style again would re-polish every widget for nothing.
    if (QApplication::style()->objectName() != kStyleName)
        QApplication::setStyle(new ThemeStyle); // the application owns it
    const QPalette palette = themePalette(dark);
    QApplication::setPalette(palette);
    // QToolTip copies the application palette once and keeps it.
    QToolTip::setPalette(palette);
}

} // namespace Sightline
