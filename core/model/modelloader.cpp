// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/serialization/import.h>
#include <torch/script.h>

#include "modelloader.h"

#include "core/common/engine.h"
#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/common/version.h"
#include "core/model/filesniffer.h"
#include "core/model/torchzip_p.h"
#include "core/model/torchmodel_p.h"
#include "core/quant/packedartifact_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QRegularExpression>

#include <sstream>

namespace qs {

namespace {

QString newerPyTorch(const QString& file, const QString& version, const QString& supported)
{
    return QStringLiteral("%1 was saved by a newer PyTorch (file format version %2; this LibTorch %3 reads "
                          "up to version %4). Save it again with PyTorch 1.13, or keep the newer "
                          "PyTorch's model and use a matching Quantscope build.")
        .arg(file, version, libtorchVersion(), supported);
}

// Adds what the user can do to LibTorch's own words about a file it could not load.
Error loadFailure(const QString& path, const detail::TorchFailure& f)
{
    const QString file = paths::pretty(path);
    const QString s = f.summary;
    static const QRegularExpression versionRe(
        QStringLiteral(R"(version (\d+).*maximum supported version for reading is (\d+))"));
    const auto vm = versionRe.match(f.full);
    if (vm.hasMatch())
        return Error::badInput(newerPyTorch(file, vm.captured(1), vm.captured(2)), f.full);
    static const QRegularExpression unknownOpRe(QStringLiteral(R"(Unknown builtin op: ([\w:]+))"));
    const auto om = unknownOpRe.match(f.full);
    if (om.hasMatch())
        return Error::badInput(QStringLiteral("%1 uses the operator %2, which this LibTorch does not have (it comes from an "
                                              "extension library such as torchvision). Export the model without it, or "
                                              "replace the op with standard PyTorch operations.")
                                   .arg(file, om.captured(1)),
                               f.full);
    if (s.contains(QLatin1String("central directory")) || s.contains(QLatin1String("PytorchStreamReader"))
        || s.contains(QLatin1String("zip archive")) || s.contains(QLatin1String("file not found")))
        return Error::badInput(QStringLiteral("%1 is a damaged TorchScript archive (%2). Export or copy the model again.").arg(file, s),
                               f.full);
    if (f.full.contains(QLatin1String(detail::kDamagedDebugInfo)))
        return Error::badInput(QStringLiteral("%1 is a damaged TorchScript archive: its code does not compile (%2) and its debug "
                                              "records cannot be read. Export or copy the model again.")
                                   .arg(file, s),
                               f.full);
    return Error::badInput(QStringLiteral("LibTorch %1 could not load %2: %3").arg(libtorchVersion(), file, s), f.full);
}

// Refuses the archives LibTorch's reader would fail on (and leak on: core/model/torchzip_p.h)
// with a sentence for a model. Empty: none of those problems.
QString archiveProblem(const detail::TorchZipProblem& p, const QString& path)
{
    using Kind = detail::TorchZipProblem::Kind;
    const QString file = paths::pretty(path);
    const QString again = QStringLiteral(" Export or copy the model again.");
    switch (p.kind) {
    case Kind::None:
        return {};
    case Kind::DamagedZip:
        return QStringLiteral("%1 is a damaged zip archive: %2.").arg(file, p.detail) + again;
    case Kind::NoFolder:
        return QStringLiteral("%1 is a damaged TorchScript archive: its first entry, '%2', is not in a folder as torch.jit.save writes them.")
                   .arg(file, p.detail)
            + again;
    case Kind::DamagedEntry:
        return QStringLiteral("%1 is a damaged TorchScript archive: the entry %2 cannot be read (its local header does not match the "
                              "zip directory).")
                   .arg(file, p.detail)
            + again;
    case Kind::DamagedRecord:
        return QStringLiteral("%1 is a damaged TorchScript archive: its record %2.").arg(file, p.detail) + again;
    case Kind::UnreadableVersion:
        return QStringLiteral("%1 is a damaged TorchScript archive: its version record (%2) cannot be read.").arg(file, p.detail) + again;
    case Kind::NewerVersion:
        return newerPyTorch(file, p.detail, QString::number(detail::maxTorchFormatVersion()));
    case Kind::BadVersion:
        return QStringLiteral("%1 cannot be read by this LibTorch: its format version record says '%2' (LibTorch %3 reads versions %4 to %5).")
            .arg(file, p.detail, libtorchVersion(), QString::number(detail::minTorchFormatVersion()),
                 QString::number(detail::maxTorchFormatVersion()));
    case Kind::NoVersion:
        return QStringLiteral("%1 is a damaged TorchScript archive: it has no version record (%2), which torch.jit.save always writes.")
                   .arg(file, p.detail)
            + again;
    }
    return {};
}

Result<TorchModel> finishLoad(const FileSniff& sniff, const QString& path, const LoadOptions& options,
                              const std::function<QString()>& problem,
                              const std::function<torch::jit::Module(torch::jit::ExtraFilesMap&)>& load)
{
    if (!sniff.isTorchScript())
        return Error::badInput(explainNotTorchScript(sniff));
    if (const QString p = problem(); !p.isEmpty())
        return Error::badInput(p);
    // Packed INT8 weights are prepared for the engine that is current while they are unpickled.
    if (Status st = engine::select(options.engine); !st)
        return st.error();
    QElapsedTimer timer;
    timer.start();
    torch::jit::Module module;
    // Quantscope's weight-only variants carry their packing in this extra file and get their
    // weights dequantized here, so every consumer sees a model that runs.
    torch::jit::ExtraFilesMap extra{{detail::kArtifactMetaFile, std::string()}};
    try {
        module = load(extra);
        module.eval();
    } catch (...) {
        return loadFailure(path, detail::condenseCurrentException());
    }
    if (Status st = detail::restorePackedWeights(module, extra[detail::kArtifactMetaFile], path); !st)
        return st.error();
    qCDebug(lcModel) << "loaded" << path << "in" << timer.elapsed() << "ms";
    return detail::wrap(std::move(module), path, engine::current(), options.hashFile);
}

} // namespace

Result<TorchModel> loadModel(const QString& path, const LoadOptions& options)
{
    const FileSniff sniff = sniffFile(path);
    auto problem = [&path]() { return archiveProblem(detail::checkTorchZipFile(path), path); };
    return finishLoad(sniff, path, options, problem,
                      [&path](torch::jit::ExtraFilesMap& extra) { return torch::jit::load(path.toStdString(), c10::nullopt, extra); });
}

Result<TorchModel> loadModelFromBytes(const QByteArray& data, const QString& name, const LoadOptions& options)
{
    const FileSniff sniff = sniffBytes(data, name);
    return finishLoad(sniff, name, options, [&data, &name]() { return archiveProblem(detail::checkTorchZip(data), name); },
                      [&data](torch::jit::ExtraFilesMap& extra) {
        std::istringstream in(std::string(data.constData(), size_t(data.size())));
        return torch::jit::load(in, c10::nullopt, extra);
    });
}

} // namespace qs
