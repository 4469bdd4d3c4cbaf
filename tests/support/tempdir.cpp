#include "tempdir.h"

#include <QDebug>
#include <QDir>

namespace Sightline::Test {

TempDir::TempDir()
    : m_dir(QDir::tempPath() + QStringLiteral("/sightline-test-XXXXXX"))
{
    if (qEnvironmentVariableIsSet("SIGHTLINE_KEEP_TEMP")) {
        m_dir.setAutoRemove(false);
        qInfo() << "keeping temporary directory" << m_dir.path();
    }
}

TempDir::~TempDir() = default;

QString binDir()
{
    return qEnvironmentVariable("SIGHTLINE_BIN_DIR");
}

} // namespace Sightline::Test
