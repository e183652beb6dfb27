// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

namespace qs::detail {

class SqliteConnection;

namespace schema {

/// PRAGMA application_id of a Quantscope run database ("QSRN"): tells our files from other
/// SQLite files.
constexpr int kApplicationId = 0x5153524E;
/// PRAGMA user_version this build writes. Each step in schema.cpp moves one version up;
/// a step is frozen once it is on main (databases in the wild were made by it).
constexpr int kVersion = 1;

/// Brings a database at \a from up to \a to (both <= kVersion), inside the caller's write
/// transaction, setting user_version and application_id.
Status migrate(const SqliteConnection& c, int from, int to);

} // namespace schema
} // namespace qs::detail
