// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers the fuzz targets share. Kept apart from the seed generator (fuzzseeds.h), which draws
// images with QtGui: a libFuzzer program must not have QtGui among its own libraries (see
// tests/fuzz/CMakeLists.txt).
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace qs::fuzz {

/// A torch.save zip archive ("archive/data.pkl" = \a pickle, "archive/version", and storages
/// "archive/data/0" and ".../1" of 256 bytes each): lets the tensorfile target mutate the pickle.
QByteArray torchSaveArchive(const QByteArray& pickle);
/// Where targets write their temporary files: /dev/shm when there is one (no disk writes per
/// input), else the temporary folder.
QString scratchDir();
/// Creates a QCoreApplication when there is none (the libFuzzer programs): Qt finds its image and
/// SQL plugins through it.
void ensureApplication();

} // namespace qs::fuzz
