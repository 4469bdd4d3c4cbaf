#include "device/logging.h"

Q_LOGGING_CATEGORY(lcDevice, "sightline.device", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDeviceWire, "sightline.device.wire", QtWarningMsg)
