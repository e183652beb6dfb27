// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QByteArray>

namespace qs {

/// \brief Writes \a data to \a path through a temporary file in the same folder, renamed over
/// \a path only once everything is on disk: a full disk, an unwritable folder or a kill leaves
/// either the old file or none, never a half-written one under the requested name.
/// \a what names the file for messages ("the report", "the export").
Status writeFileAtomically(const QString& path, const QByteArray& data, const QString& what);

} // namespace qs
