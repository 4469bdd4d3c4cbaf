#include "auth/tokenstore.h"

#include "auth/logging.h"

#include <qt6keychain/keychain.h>

namespace Sightline {

namespace {

QString service()
{
    return QString::fromLatin1(TokenStore::kService);
}

// Errors that mean "there is no usable keychain here" rather than "this
// entry is missing".
bool meansNoKeychain(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented
        || error == QKeychain::OtherError || error == QKeychain::AccessDenied
        || error == QKeychain::AccessDeniedByUser;
}

} // namespace

TokenStore::TokenStore(Backend backend, QObject *parent)
    : QObject(parent)
    , m_memoryOnly(backend == Backend::MemoryOnly)
{
    if (m_memoryOnly)
        m_unavailableReason
            = QStringLiteral("the token store was asked to keep tokens in memory only");
}

QString TokenStore::keyFor(const QUrl &server, const QString &username)
{
    QString url = server.toString();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url + QLatin1Char(' ') + username;
}

void TokenStore::fallBackToMemory(const QString &reason)
{
    if (m_memoryOnly)
        return;
    m_memoryOnly = true;
    m_unavailableReason
        = QStringLiteral("no keychain available (%1); tokens are kept in memory only").arg(reason);
    qCDebug(lcAuth).noquote() << m_unavailableReason; // keychainUnavailable() tells the user
    emit keychainUnavailable(m_unavailableReason);
}

void TokenStore::store(const QString &key, const QString &secret, Done done)
{
    if (m_memoryOnly) {
        m_memory.insert(key, secret);
        if (done)
            QMetaObject::invokeMethod(this, std::move(done), Qt::QueuedConnection);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(key);
    job->setTextData(secret);
    connect(
        job, &QKeychain::Job::finished, this, [this, key, secret, done](QKeychain::Job *finished) {
            if (finished->error() != QKeychain::NoError) {
                fallBackToMemory(finished->errorString());
                m_memory.insert(key, secret);
            }
            if (done)
                done();
        });
    job->start();
}

void TokenStore::load(const QString &key, Loaded done)
{
    if (m_memoryOnly) {
        const QString secret = m_memory.value(key);
        QMetaObject::invokeMethod(
            this, [done, secret] { done(secret); }, Qt::QueuedConnection);
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key, done](QKeychain::Job *finished) {
        QString secret;
        if (finished->error() == QKeychain::NoError)
            secret = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
        else if (meansNoKeychain(finished->error())) {
            fallBackToMemory(finished->errorString());
            secret = m_memory.value(key);
        }
        done(secret);
    });
    job->start();
}

void TokenStore::remove(const QString &key, Done done)
{
    m_memory.remove(key);
    if (m_memoryOnly) {
        if (done)
            QMetaObject::invokeMethod(this, std::move(done), Qt::QueuedConnection);
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, done](QKeychain::Job *finished) {
        if (finished->error() != QKeychain::NoError && finished->error() != QKeychain::EntryNotFound
            && meansNoKeychain(finished->error())) {
            fallBackToMemory(finished->errorString());
        }
        if (done)
            done();
    });
    job->start();
}

} // namespace Sightline
