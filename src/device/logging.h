#pragma once

#include <QLoggingCategory>

// The logging categories of src/device (STYLE.md "Logging"). Enable with
// QT_LOGGING_RULES, e.g. "sightline.device.debug=true" (every batch, every
// retry, every schedule change) or "sightline.device.wire.debug=true" (the
// request bodies and the server's answers; never the API key).
Q_DECLARE_LOGGING_CATEGORY(lcDevice)
Q_DECLARE_LOGGING_CATEGORY(lcDeviceWire)
