// SPDX-License-Identifier: GPL-3.0-or-later
#include <caffe2/serialize/inline_container.h>

#include "core/bench/benchmarkjob.h"
#include "core/common/logging.h"
#include "core/model/torchzip_p.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>

namespace qs {

namespace {

// The artifact metadata Quantscope's quantizer writes (core/quant/packedartifact_p.h), read from
// the archive's directory without loading the module.
void readArtifactMeta(const QString& path, FileScan& scan)
{
    // An archive LibTorch's reader would throw on (and leak on) is left to the load, which says
    // what is wrong with it.
    if (const detail::TorchZipProblem p = detail::checkTorchZipFile(path)) {
        qCDebug(lcBench) << "no artifact metadata in" << path << "(" << p.detail << ")";
        return;
    }
    try {
        caffe2::serialize::PyTorchStreamReader reader(path.toStdString());
        if (!reader.hasRecord("extra/quantscope.json"))
            return;
        auto [data, size] = reader.getRecord("extra/quantscope.json");
        const QJsonObject meta = QJsonDocument::fromJson(QByteArray(static_cast<const char*>(data.get()), qsizetype(size))).object();
        if (meta.value(QLatin1String("format")).toString() != QLatin1String("quantscope-variant"))
            return;
        scan.scheme = meta.value(QLatin1String("scheme")).toString();
        scan.engine = meta.value(QLatin1String("engine")).toString();
        scan.runtime = meta.value(QLatin1String("runtime")).toString();
    } catch (const std::exception& e) {
        // Not a zip LibTorch can read: the load will say so properly.
        qCDebug(lcBench) << "no artifact metadata in" << path << e.what();
    }
}

} // namespace

FileScan scanModelFile(const QString& path, const std::function<bool()>& cancelled)
{
    FileScan scan;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return scan;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    static const QByteArrayList markers{"quantized::", "ops.quantized.", "ao.nn.quantized", "nn.quantized.", "quantize_per_"};
    QByteArray carry;
    while (!f.atEnd()) {
        if (cancelled && cancelled())
            return scan;
        const QByteArray chunk = f.read(1 << 20);
        if (chunk.isEmpty())
            break;
        hash.addData(chunk);
        if (!scan.quantized) {
            const QByteArray window = carry + chunk;
            for (const QByteArray& m : markers) {
                if (window.contains(m)) {
                    scan.quantized = true;
                    break;
                }
            }
            carry = chunk.right(32);
        }
    }
    scan.sha256 = QString::fromLatin1(hash.result().toHex());
    scan.ok = true;
    readArtifactMeta(path, scan);
    return scan;
}

} // namespace qs
