#pragma once

#include <QPalette>

namespace Sightline {

// The application's look: the Fusion style with one of two designed
// palettes. Qt 6.4 has no colour-scheme hint, so "System" means the
// lightness of the palette the platform gave the application at start.
// Colours elsewhere in src/ui come from the palette (or from tone pairs
// chosen per lightness, severitycolors.h), so everything follows a switch.
enum class ThemeChoice { System, Light, Dark };

// The designed palette: every role of the Active, Inactive and Disabled
// groups, text at least 4.5:1 on its background (WCAG AA).
QPalette themePalette(bool dark);
// Whether palette draws light text on a dark window.
bool isDarkPalette(const QPalette &palette);
// Whether choice means the dark palette; System follows platformPalette.
bool wantsDarkPalette(ThemeChoice choice, const QPalette &platformPalette);
// The application palette as the platform had it before the first
// applyTheme() (once the application palette is set, Qt 6.4 cannot be
// asked for the platform's again). Needs a QGuiApplication.
QPalette platformPalette();
// Sets the Fusion style (through a proxy that keeps the edges of boxes and
// fields visible on dark palettes) and the chosen palette on the
// application (and on tooltips, which keep a palette of their own).
// Widgets get a PaletteChange and repaint. Needs a QApplication.
void applyTheme(ThemeChoice choice);

} // namespace Sightline
