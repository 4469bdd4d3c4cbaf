#pragma once

#include <QLoggingCategory>

// The logging categories of src/telemetry (STYLE.md "Logging"). Enable with
// QT_LOGGING_RULES, e.g. "sightline.telemetry.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)
