// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/data/dataset.h"

#include <QtCore/QCommandLineParser>

namespace qs::cli {

/// \brief The options every command that reads a Dataset shares: --samples, --fraction, --seed,
/// --labels, the image options (--resize, --crop, --mean, --std, --channels, --no-scale,
/// --skip-unreadable). \a prefix names them for a second dataset ("calib-" gives
/// --calib-samples ...); \a what says in help texts which data they apply to.
void addDataOptions(QCommandLineParser& parser, const QString& prefix = {}, const QString& what = QStringLiteral("the data"));

/// \brief Reads the options added by addDataOptions(), with a usage error naming a bad value.
Result<DatasetOptions> dataOptions(const QCommandLineParser& parser, const QString& prefix = {});

/// \brief "--data DATA" forms for help texts.
QString dataHelp();

} // namespace qs::cli
