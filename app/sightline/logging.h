#pragma once

#include <QLoggingCategory>

// The logging category of the desktop app's wiring (app/sightline, STYLE.md
// "Logging"). Enable with QT_LOGGING_RULES="sightline.app.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcApp)
