// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzzsupport.h"

#include "tests/support/testsupport.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>

namespace qs::fuzz {

QByteArray torchSaveArchive(const QByteArray& pickle)
{
    QByteArray storage(256, '\0');
    for (int i = 0; i < storage.size(); ++i)
        storage[i] = char(i % 7 == 0 ? 0x3f : i % 3);
    return test::zipBytes({{QStringLiteral("archive/data.pkl"), pickle},
                           {QStringLiteral("archive/data/0"), storage},
                           {QStringLiteral("archive/data/1"), storage},
                           {QStringLiteral("archive/version"), QByteArray("3\n")}});
}

QString scratchDir()
{
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    return shm.isDir() && shm.isWritable() ? shm.filePath() : QDir::tempPath();
}

void ensureApplication()
{
    if (QCoreApplication::instance())
        return;
    static int argc = 1;
    static char name[] = "quantscope-fuzz";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
}

} // namespace qs::fuzz
