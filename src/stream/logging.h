#pragma once

#include <QLoggingCategory>

// The logging categories of src/stream (STYLE.md "Logging"). Enable with
// QT_LOGGING_RULES, e.g. "sightline.stream.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcStream)
Q_DECLARE_LOGGING_CATEGORY(lcStreamWire)
