#include "ui/severitycolors.h"

namespace Sightline {

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

Tone toneFor(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return Tone::Info;
    case Severity::Warning:
        return Tone::Warning;
    case Severity::Critical:
        return Tone::Critical;
    }
    return Tone::Info;
}

QColor toneColor(Tone tone, const QPalette &palette)
{
    // Shades chosen for at least 4.5:1 contrast on white (light) and on
    // #202020-ish bases (dark), WCAG AA for normal text.
    const bool dark = isDarkPalette(palette);
    switch (tone) {
    case Tone::Healthy:
        return dark ? QColor(0x5c, 0xc9, 0x7b) : QColor(0x1e, 0x7e, 0x34);
    case Tone::Info:
        return dark ? QColor(0x6c, 0xb4, 0xf5) : QColor(0x1a, 0x5f, 0xb4);
    case Tone::Warning:
        return dark ? QColor(0xf2, 0xb1, 0x3c) : QColor(0x9a, 0x5b, 0x00);
    case Tone::Critical:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc0, 0x1c, 0x28);
    }
    return palette.color(QPalette::Text);
}

QColor toneBackground(Tone tone, const QPalette &palette)
{
    return blend(palette.color(QPalette::Base), toneColor(tone, palette), isDarkPalette(palette) ? 0.22 : 0.14);
}

} // namespace Sightline
