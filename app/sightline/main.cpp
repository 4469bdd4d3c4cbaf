// sightline: not implemented yet; see the open issues.
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream(stderr) << "sightline: not implemented yet\n";
    return 1;
}
