// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/serialization/pickle.h>

#include "tensorfile_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"

#include <QtCore/QFile>
#include <QtCore/QSaveFile>

namespace qs::detail {

Status saveTorchFile(const QString& path, const c10::IValue& value)
{
    std::vector<char> bytes;
    try {
        bytes = torch::jit::pickle_save(value);
    } catch (...) {
        const auto f = condenseCurrentException();
        return Error::io(QStringLiteral("Could not serialize tensors for %1: %2").arg(paths::pretty(path), f.summary), f.full);
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !out.commit())
        return Error::io(QStringLiteral("Cannot write %1: %2.").arg(paths::pretty(path), out.errorString()));
    return {};
}

Result<c10::IValue> loadTorchFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::badInput(QStringLiteral("Cannot read %1: %2.").arg(paths::pretty(path), f.errorString()));
    const QByteArray data = f.readAll();
    try {
        return torch::jit::pickle_load(std::vector<char>(data.constData(), data.constData() + data.size()));
    } catch (...) {
        const auto fail = condenseCurrentException();
        return Error::badInput(QStringLiteral("%1 is not a tensor file that LibTorch can read (%2). Save tensors with "
                                              "torch.save({\"inputs\": X, \"labels\": y}, path).")
                                   .arg(paths::pretty(path), fail.summary),
                               fail.full);
    }
}

} // namespace qs::detail
