// sightline-server: the bundled backend (API.md "Administration").
// Everything happens in Sightline::AdminCommands (src/server), where tests
// can reach it; this file only wires the standard streams.
#include "server/admincommands.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sightline-server"));

    QFile in;
    in.open(stdin, QIODevice::ReadOnly);
    QTextStream out(stdout);
    QTextStream err(stderr);
    return Sightline::AdminCommands::run(QCoreApplication::arguments(), in, out, err);
}
