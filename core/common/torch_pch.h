// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled header of the core library. LibTorch comes first so that its headers are parsed
// before any Qt header (Qt's keyword macros are off in core anyway: QT_NO_KEYWORDS).
#pragma once

#include <torch/script.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <ATen/Parallel.h>

#include <QtCore/QByteArray>
#include <QtCore/QDebug>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>
