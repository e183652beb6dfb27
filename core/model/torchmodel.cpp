// SPDX-License-Identifier: GPL-3.0-or-later
#include "torchmodel_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryFile>

namespace qs {

TorchModel::TorchModel() = default;
TorchModel::~TorchModel() = default;
TorchModel::TorchModel(const TorchModel&) = default;
TorchModel& TorchModel::operator=(const TorchModel&) = default;

bool TorchModel::isNull() const { return !d; }
QString TorchModel::path() const { return d ? d->path : QString(); }
QString TorchModel::name() const
{
    if (!d)
        return {};
    return d->path.isEmpty() ? QStringLiteral("the model") : QFileInfo(d->path).completeBaseName();
}
qint64 TorchModel::fileBytes() const { return d ? d->fileBytes : 0; }
QString TorchModel::sha256() const { return d ? d->sha256 : QString(); }
QString TorchModel::engine() const { return d ? d->engine : QString(); }

Status TorchModel::save(const QString& path) const
{
    if (!d)
        return Error(Error::Kind::Internal, QStringLiteral("No model to save."));
    const QFileInfo target(path);
    if (!QDir().mkpath(target.absolutePath()))
        return Error::io(QStringLiteral("Cannot create the folder %1. Choose another output path.").arg(paths::pretty(target.absolutePath())));
    // Write next to the target and rename, so that no half-written model is ever left under its name.
    QTemporaryFile tmp(target.absolutePath() + QLatin1String("/.") + target.fileName() + QLatin1String(".XXXXXX"));
    if (!tmp.open())
        return Error::io(QStringLiteral("Cannot write into %1: %2. Choose another output path.")
                             .arg(paths::pretty(target.absolutePath()), tmp.errorString()));
    const QString tmpPath = tmp.fileName();
    tmp.close();
    try {
        d->module.save(tmpPath.toStdString());
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        return Error::io(QStringLiteral("Could not save the model to %1: %2").arg(paths::pretty(path), f.summary), f.full);
    }
    QFile::remove(path);
    if (!QFile::rename(tmpPath, path))
        return Error::io(QStringLiteral("Could not move the saved model into place at %1.").arg(paths::pretty(path)));
    tmp.setAutoRemove(false);
    return {};
}

TorchModel TorchModel::clone() const
{
    if (!d)
        return {};
    TorchModel copy;
    copy.d = std::make_shared<Impl>(*d);
    copy.d->module = d->module.deepcopy();
    return copy;
}

namespace detail {

TorchModel wrap(torch::jit::Module module, const QString& path, const QString& engine, bool hashFile)
{
    TorchModel m;
    m.d = std::make_shared<TorchModel::Impl>();
    m.d->module = std::move(module);
    m.d->path = path;
    m.d->engine = engine;
    if (!path.isEmpty()) {
        m.d->fileBytes = QFileInfo(path).size();
        QFile f(path);
        if (hashFile && f.open(QIODevice::ReadOnly)) {
            QCryptographicHash h(QCryptographicHash::Sha256);
            h.addData(&f);
            m.d->sha256 = QString::fromLatin1(h.result().toHex());
        }
    }
    return m;
}

} // namespace detail

} // namespace qs
