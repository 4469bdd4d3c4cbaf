#pragma once

#include <QLoggingCategory>

// The logging categories of src/ui (STYLE.md "Logging"). Enable with
// QT_LOGGING_RULES, e.g. "sightline.ui.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcUi)
