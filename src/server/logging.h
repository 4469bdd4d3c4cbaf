#pragma once

#include <QLoggingCategory>

// The logging categories of src/server (STYLE.md "Logging"). Enable with
// QT_LOGGING_RULES, e.g. "sightline.server.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcServerHttp)
Q_DECLARE_LOGGING_CATEGORY(lcServerHub)
Q_DECLARE_LOGGING_CATEGORY(lcServerStore)
Q_DECLARE_LOGGING_CATEGORY(lcServerAuth)
Q_DECLARE_LOGGING_CATEGORY(lcServerIngest)
Q_DECLARE_LOGGING_CATEGORY(lcServerRules)
