// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/benchmarkjob.h"
#include "core/common/logging.h"
#include "core/model/filesniffer.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>

namespace qs {

namespace {

// The artifact metadata Quantscope's quantizer writes (core/quant/packedartifact_p.h: the extra
// file "quantscope.json", stored as <archive>/extra/quantscope.json), read from the zip directory
// with our own reader: LibTorch's is not involved, so a damaged archive cannot make it leak or
// crash here, and the load says what is wrong with it.
void readArtifactMeta(const QString& path, FileScan& scan)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() == 0)
        return;
    uchar* mapped = f.map(0, f.size());
    if (!mapped)
        return;
    const QByteArray zip = QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), qsizetype(f.size()));
    QString error;
    const QVector<ZipEntry> entries = zipDirectory(zip, &error);
    QByteArray json;
    if (!entries.isEmpty()) {
        const QString name = entries.first().name.section(QLatin1Char('/'), 0, 0) + QLatin1String("/extra/quantscope.json");
        for (const ZipEntry& e : entries) {
            if (e.name == name)
                json = zipEntryContents(zip, e, 1 << 20);
        }
    }
    f.unmap(mapped);
    if (json.isEmpty()) {
        qCDebug(lcBench) << "no artifact metadata in" << path << error;
        return;
    }
    const QJsonObject meta = QJsonDocument::fromJson(json).object();
    if (meta.value(QLatin1String("format")).toString() != QLatin1String("quantscope-variant"))
        return;
    scan.scheme = meta.value(QLatin1String("scheme")).toString();
    scan.engine = meta.value(QLatin1String("engine")).toString();
    scan.runtime = meta.value(QLatin1String("runtime")).toString();
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
