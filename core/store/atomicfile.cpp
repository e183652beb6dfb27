// SPDX-License-Identifier: GPL-3.0-or-later
#include "atomicfile.h"

#include "core/common/paths.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>

namespace qs {

Status writeFileAtomically(const QString& path, const QByteArray& data, const QString& what)
{
    const QString shown = paths::pretty(path);
    const QFileInfo fi(path);
    if (path.isEmpty())
        return Error::usage(QStringLiteral("No file name given for %1.").arg(what));
    if (fi.isDir())
        return Error::io(QStringLiteral("Cannot write %1 to %2: it is a folder. Give a file name.").arg(what, shown));
    if (!fi.dir().exists())
        return Error::io(QStringLiteral("Cannot write %1 to %2: the folder %3 does not exist.").arg(what, shown, paths::pretty(fi.absolutePath())));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::io(QStringLiteral("Cannot write %1 to %2: %3. Nothing was written.").arg(what, shown, file.errorString()));
    const qint64 written = file.write(data);
    if (written != data.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return Error::io(QStringLiteral("Could not write %1 to %2 (%3; is the disk full?). Nothing was written under that name.")
                             .arg(what, shown, reason));
    }
    if (!file.commit())
        return Error::io(QStringLiteral("Could not finish writing %1 to %2 (%3; is the disk full?). Nothing was written under that name.")
                             .arg(what, shown, file.errorString()));
    return {};
}

} // namespace qs
