#include "server/logging.h"

Q_LOGGING_CATEGORY(lcServerHttp, "sightline.server.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerHub, "sightline.server.hub", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerStore, "sightline.server.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerAuth, "sightline.server.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerIngest, "sightline.server.ingest", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerRules, "sightline.server.rules", QtInfoMsg)
