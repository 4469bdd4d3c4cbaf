#include "stream/logging.h"

Q_LOGGING_CATEGORY(lcStream, "sightline.stream", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStreamWire, "sightline.stream.wire", QtWarningMsg)
