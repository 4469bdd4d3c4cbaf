#pragma once

#include <QString>
#include <QTemporaryDir>

namespace Sightline::Test {

// A temporary directory that is removed when the test ends, unless
// SIGHTLINE_KEEP_TEMP is set (then its path is printed for post-mortems).
class TempDir
{
public:
    TempDir();
    ~TempDir();

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
};

// The folder that holds the built programs (sightline-server, ...): the
// SIGHTLINE_BIN_DIR environment variable set by CTest.
QString binDir();

} // namespace Sightline::Test
