// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QMetaType>
#include <QtCore/QString>

#include <memory>

namespace qs {

/// \brief A loaded TorchScript module, as a cheap shared handle that carries no LibTorch types.
///
/// Copies share the module. Only core .cpp files see the LibTorch object (torchmodel_p.h).
class TorchModel
{
public:
    TorchModel();
    ~TorchModel();
    TorchModel(const TorchModel&);
    TorchModel& operator=(const TorchModel&);

    bool isNull() const;
    /// The file it was loaded from (empty for a model built in memory and not saved).
    QString path() const;
    /// Display name: the file's base name.
    QString name() const;
    qint64 fileBytes() const;
    /// Lower-case hex sha256 of the file.
    QString sha256() const;
    /// The quantized engine selected when it was loaded.
    QString engine() const;

    /// Saves the module with torch.jit.save semantics (written to a temporary file, then renamed).
    Status save(const QString& path) const;
    /// A deep copy (parameters included), for passes that rewrite modules.
    TorchModel clone() const;

    struct Impl;
    /// Core internals only; the type is complete in torchmodel_p.h.
    std::shared_ptr<Impl> d;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::TorchModel)
