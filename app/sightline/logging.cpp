#include "logging.h"

Q_LOGGING_CATEGORY(lcApp, "sightline.app", QtInfoMsg)
