#pragma once

#include <QLoggingCategory>

// The logging categories of src/auth (STYLE.md "Logging"). Enable with
// QT_LOGGING_RULES, e.g. "sightline.auth.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcAuth)
