#pragma once

#include "telemetry/events.h"
#include "ui/theme.h" // isDarkPalette()

#include <QColor>
#include <QPalette>

namespace Sightline {

// The only hard-coded colours of the dashboard: one hue per alert severity
// (and "healthy"), picked in a lighter or darker shade so the colour keeps
// its contrast against the palette's base colour in light and dark themes.
enum class Tone { Healthy, Info, Warning, Critical };

Tone toneFor(Severity severity);
// The colour for text, dots and icons of that tone on palette.base().
QColor toneColor(Tone tone, const QPalette &palette);
// A quiet background of that tone (for banners and table rows), blended with base.
QColor toneBackground(Tone tone, const QPalette &palette);
// One opaque colour: b laid over a at strength t (0: a, 1: b).
QColor blend(const QColor &a, const QColor &b, double t);

} // namespace Sightline
