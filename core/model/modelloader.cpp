// SPDX-License-Identifier: GPL-3.0-or-later
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/script.h>

#include "modelloader.h"

#include "core/common/engine.h"
#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/common/version.h"
#include "core/model/filesniffer.h"
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

// What PyTorchStreamReader's constructor checks after opening the zip (as for tensor files,
// core/data/tensorfile.cpp): a folder for the entries and a version record it can read. When its
// constructor throws, LibTorch 1.13 never frees miniz's reader state (found by fuzzing,
// tests/fuzz/regressions/modelloader/), so archives that would fail these checks are refused
// here, before LibTorch sees them. Empty: none of these problems.
QString archiveProblem(const QByteArray& zip, const QString& path)
{
    const QString file = paths::pretty(path);
    const QString again = QStringLiteral(" Export or copy the model again.");
    QString error;
    const QStringList names = zipEntries(zip, &error);
    if (!error.isEmpty())
        return QStringLiteral("%1 is a damaged zip archive: %2.").arg(file, error) + again;
    const int slash = names.first().indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return QStringLiteral("%1 is a damaged TorchScript archive: its first entry, '%2', is not in a folder as torch.jit.save writes them.")
                   .arg(file, names.first().left(60))
            + again;
    if (const QString bad = zipLocalHeaderProblem(zip); !bad.isEmpty())
        return QStringLiteral("%1 is a damaged TorchScript archive: the entry %2 cannot be read (its local header does not match the "
                              "zip directory).")
                   .arg(file, bad.left(80))
            + again;
    const QString archive = names.first().left(slash + 1);
    for (const QString& record : {archive + QLatin1String(".data/version"), archive + QLatin1String("version")}) {
        if (!names.contains(record))
            continue;
        // torch.jit.save stores its version record uncompressed; one that cannot be read that way
        // has a damaged header and makes LibTorch's reader throw.
        const QByteArray text = zipStoredEntry(zip, record);
        if (text.isEmpty())
            return QStringLiteral("%1 is a damaged TorchScript archive: its version record (%2) cannot be read.").arg(file, record) + again;
        bool ok = false;
        const qulonglong version = text.trimmed().toULongLong(&ok);
        if (ok && version > caffe2::serialize::kMaxSupportedFileFormatVersion)
            return newerPyTorch(file, QString::number(version), QString::number(caffe2::serialize::kMaxSupportedFileFormatVersion));
        if (!ok || version < caffe2::serialize::kMinSupportedFileFormatVersion)
            return QStringLiteral("%1 cannot be read by this LibTorch: its format version record says '%2' (LibTorch %3 reads versions %4 to %5).")
                .arg(file, QString::fromLatin1(text.left(20)).trimmed(), libtorchVersion(),
                     QString::number(caffe2::serialize::kMinSupportedFileFormatVersion),
                     QString::number(caffe2::serialize::kMaxSupportedFileFormatVersion));
        return {};
    }
    return QStringLiteral("%1 is a damaged TorchScript archive: it has no version record (%2version), which torch.jit.save always writes.")
               .arg(file, archive)
        + again;
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
    auto problem = [&path]() {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return QString(); // LibTorch says why
        uchar* mapped = f.map(0, f.size());
        if (!mapped)
            return QString();
        const QString p = archiveProblem(QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), qsizetype(f.size())), path);
        f.unmap(mapped);
        return p;
    };
    return finishLoad(sniff, path, options, problem,
                      [&path](torch::jit::ExtraFilesMap& extra) { return torch::jit::load(path.toStdString(), c10::nullopt, extra); });
}

Result<TorchModel> loadModelFromBytes(const QByteArray& data, const QString& name, const LoadOptions& options)
{
    const FileSniff sniff = sniffBytes(data, name);
    return finishLoad(sniff, name, options, [&data, &name]() { return archiveProblem(data, name); },
                      [&data](torch::jit::ExtraFilesMap& extra) {
        std::istringstream in(std::string(data.constData(), size_t(data.size())));
        return torch::jit::load(in, c10::nullopt, extra);
    });
}

} // namespace qs
