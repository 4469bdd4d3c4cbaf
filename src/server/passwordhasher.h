#pragma once

#include <QByteArray>

namespace Sightline {

// Argon2id password hashing through libsodium (crypto_pwhash_str). Pure
// functions, safe to call from any thread (the login route runs verify() on
// a worker so the event loop never waits ~0.1 s for a hash).
//
// The stored string is libsodium's self-describing "$argon2id$v=19$m=...,t=...,p=...$salt$hash",
// so parameters can be raised later without breaking existing hashes.
class PasswordHasher
{
public:
    // A new salted hash of password, or an empty array if libsodium failed
    // (out of memory).
    static QByteArray hash(const QByteArray &password);

    // True when password matches the stored hash. A malformed storedHash is
    // simply false.
    static bool verify(const QByteArray &storedHash, const QByteArray &password);

    // Spends the same time as verify() against a real hash and returns false.
    // Used for unknown usernames so that login answers take as long whether
    // or not the user exists.
    static bool verifyAgainstDummy(const QByteArray &password);
};

} // namespace Sightline
