#include "telemetry/logging.h"

Q_LOGGING_CATEGORY(lcTelemetry, "sightline.telemetry", QtInfoMsg)
