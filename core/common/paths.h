// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>

namespace qs::paths {

/// \brief The user's data directory (XDG), or $QUANTSCOPE_DATA_DIR when set; created on demand.
QString dataDir();
/// \brief Where the demo workspace lives: dataDir()/demo.
QString demoDir();
/// \brief The default run database: dataDir()/runs.sqlite.
QString defaultDatabase();
/// \brief "~/x" for paths under $HOME, for messages that stay readable.
QString pretty(const QString& path);

} // namespace qs::paths
