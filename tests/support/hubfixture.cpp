#include "hubfixture.h"

#include <QSignalSpy>

namespace Sightline::Test {

namespace {
const QString kDatabaseName = QStringLiteral("t.sqlite");
}

HubFixture::HubFixture()
    : m_storage(m_dir.filePath(kDatabaseName))
    , m_hub(&m_storage, &m_clock)
{
}

HubFixture::~HubFixture()
{
    m_storage.close();
}

bool HubFixture::open(QString *error)
{
    return m_storage.open(error);
}

QString HubFixture::databasePath() const
{
    return m_dir.filePath(kDatabaseName);
}

QStringList HubFixture::dataValues(const QSignalSpy &spy, const QString &key)
{
    QStringList values;
    for (const QList<QVariant> &args : spy)
        values.append(args.first().value<StoredEvent>().data.value(key).toString());
    return values;
}

} // namespace Sightline::Test
