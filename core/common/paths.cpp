// SPDX-License-Identifier: GPL-3.0-or-later
#include "paths.h"

#include <QtCore/QDir>
#include <QtCore/QStandardPaths>

namespace qs::paths {

QString dataDir()
{
    QString dir = qEnvironmentVariable("QUANTSCOPE_DATA_DIR");
    if (dir.isEmpty()) {
        // The application name is fixed here so that the CLI and the studio share one directory
        // whatever QCoreApplication::applicationName() says.
        const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
        dir = base + QLatin1String("/quantscope");
    }
    QDir().mkpath(dir);
    return QDir::cleanPath(dir);
}

QString demoDir()
{
    return dataDir() + QLatin1String("/demo");
}

QString defaultDatabase()
{
    return dataDir() + QLatin1String("/runs.sqlite");
}

QString pretty(const QString& path)
{
    const QString home = QDir::homePath();
    if (!home.isEmpty() && home != QLatin1String("/") && path.startsWith(home + QLatin1Char('/')))
        return QLatin1Char('~') + path.mid(home.size());
    return path;
}

} // namespace qs::paths
