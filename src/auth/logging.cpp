#include "auth/logging.h"

Q_LOGGING_CATEGORY(lcAuth, "sightline.auth", QtInfoMsg)
