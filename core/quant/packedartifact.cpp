// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/serialization/import.h>
#include <torch/script.h>

#include "packedartifact_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QRegularExpression>

#include <sstream>

namespace qs::detail {

namespace {

using torch::jit::Module;

// Shared helpers of the restore method. Every dequantization is one float32 multiply per weight
// (or a codebook lookup), the same arithmetic as weightcodec::dequantize().
const char* const kHelperSource = R"(
def _qs_unpack(self, packed: Tensor, bits: int, numel: int) -> Tensor:
    p = packed.to(4)
    per = 8 // bits
    mask = (1 << bits) - 1
    parts = [(p >> (i * bits)) & mask for i in range(per)]
    return torch.stack(parts, 1).view([-1])[:numel]

def _qs_symmetric(self, q: Tensor, scale: Tensor, rows: int, cols: int, block: int, shape: List[int]) -> Tensor:
    nb = scale.size(1)
    x = torch.constant_pad_nd(q.to(6).view([rows, cols]), [0, nb * block - cols], 0.0)
    x = x.view([rows, nb, block]) * scale.view([rows, nb, 1])
    return x.view([rows, nb * block])[:, :cols].reshape(shape).contiguous()
)";

bool isIdentifier(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re.match(s).hasMatch();
}

QString moduleExpression(const QString& path)
{
    QString e = QStringLiteral("self");
    if (path.isEmpty())
        return e;
    for (const QString& part : path.split(QLatin1Char('.')))
        e = QStringLiteral("getattr(%1, \"%2\")").arg(e, part);
    return e;
}

QString listLiteral(const std::vector<int64_t>& v)
{
    QStringList parts;
    for (int64_t d : v)
        parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

QString dequantExpression(const PackedWeight& w, int i)
{
    const QString data = QStringLiteral("self._qs%1_data").arg(i);
    QString e;
    switch (w.codec) {
    case PackedWeight::Codec::Symmetric: {
        const QString q
            = w.bits == 4 ? QStringLiteral("(self._qs_unpack(%1, 4, %2) - 8)").arg(data).arg(w.numel) : data;
        e = QStringLiteral("self._qs_symmetric(%1, self._qs%2_scale, %3, %4, %5, %6)")
                .arg(q)
                .arg(i)
                .arg(w.rows)
                .arg(w.cols)
                .arg(w.block)
                .arg(listLiteral(w.shape));
        break;
    }
    case PackedWeight::Codec::KMeans:
        e = QStringLiteral("torch.index_select(self._qs%1_codebook, 0, self._qs_unpack(%2, %3, %4)).view(%5)")
                .arg(i)
                .arg(data)
                .arg(w.bits)
                .arg(w.numel)
                .arg(listLiteral(w.shape));
        break;
    case PackedWeight::Codec::Float16:
        e = QStringLiteral("%1.to(6).view(%2)").arg(data, listLiteral(w.shape));
        break;
    }
    if (w.dtype != at::kFloat)
        e = QStringLiteral("%1.to(%2)").arg(e).arg(int(w.dtype));
    return e;
}

} // namespace

Result<Module> buildPackedArtifact(const Module& fp32, const std::vector<PackedWeight>& weights)
{
    try {
        // clone() gives new class types, so the methods and buffers added below never reach
        // the FP32 model's types (which the caller still uses).
        Module art = fp32.clone();
        if (art.hasattr(kRestoredFlag))
            return Error::badInput(QStringLiteral("The model already holds Quantscope packed weights."));
        art.register_attribute(kRestoredFlag, c10::BoolType::get(), false);
        QStringList body;
        for (size_t i = 0; i < weights.size(); ++i) {
            const PackedWeight& w = weights[i];
            const int n = int(i);
            art.register_buffer(QStringLiteral("_qs%1_data").arg(n).toStdString(), w.data.contiguous());
            if (w.scale.defined())
                art.register_buffer(QStringLiteral("_qs%1_scale").arg(n).toStdString(), w.scale.contiguous());
            if (w.codebook.defined())
                art.register_buffer(QStringLiteral("_qs%1_codebook").arg(n).toStdString(), w.codebook.contiguous());
            body << QStringLiteral("        w%1 = %2").arg(n).arg(dequantExpression(w, n));
            int k = 0;
            for (const auto& slot : w.slots) {
                if (!isIdentifier(slot.second))
                    return Error(
                        Error::Kind::Internal, QStringLiteral("Weight name '%1' cannot be restored.").arg(slot.second));
                // The stored model keeps an empty tensor where the weight was: its bytes are the packed ones.
                Module owner = art;
                if (!slot.first.isEmpty()) {
                    for (const QString& part : slot.first.split(QLatin1Char('.')))
                        owner = owner.attr(part.toStdString()).toModule();
                }
                owner.register_parameter(
                    slot.second.toStdString(), at::empty({ 0 }, at::TensorOptions().dtype(w.dtype)), false);
                // One local per slot: TorchScript locals keep one type, and owners differ in type.
                if (slot.first.isEmpty()) {
                    body << QStringLiteral("        self.%1 = w%2").arg(slot.second).arg(n);
                } else {
                    body << QStringLiteral("        m%1_%2 = %3").arg(n).arg(k).arg(moduleExpression(slot.first))
                         << QStringLiteral("        m%1_%2.%3 = w%1").arg(n).arg(k).arg(slot.second);
                }
                ++k;
            }
            // Free the packed bytes once restored: the loaded model holds FP32 weights only.
            body << QStringLiteral("        self._qs%1_data = torch.empty([0], dtype=self._qs%1_data.dtype)").arg(n);
        }
        body << QStringLiteral("        self.%1 = True").arg(QLatin1String(kRestoredFlag));
        const QString source = QString::fromLatin1(kHelperSource)
            + QStringLiteral("\ndef %1(self):\n    if not self.%2:\n%3\n")
                  .arg(QLatin1String(kRestoreMethod), QLatin1String(kRestoredFlag), body.join(QLatin1Char('\n')));
        art.define(source.toStdString());
        return art;
    } catch (...) {
        const TorchFailure f = condenseCurrentException();
        return Error(
            Error::Kind::Internal, QStringLiteral("Could not build the packed artifact: %1").arg(f.summary), f.full);
    }
}

Status restorePackedWeights(Module& module, const std::string& meta, const QString& fileName)
{
    if (meta.empty())
        return {};
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(meta)).object();
    const QString restore = o.value(QStringLiteral("restore")).toString();
    if (restore.isEmpty())
        return {};
    if (!module.find_method(restore.toStdString()))
        return Error::badInput(
            QStringLiteral(
                "%1 is a damaged Quantscope %2 variant: its packed weights cannot be restored (no %3 method). "
                "Quantize the FP32 model again.")
                .arg(paths::pretty(fileName), o.value(QStringLiteral("scheme")).toString(), restore));
    try {
        torch::NoGradGuard noGrad;
        module.run_method(restore.toStdString());
    } catch (...) {
        const TorchFailure f = condenseCurrentException();
        return Error::badInput(
            QStringLiteral("The packed weights of %1 could not be restored: %2. Quantize the FP32 model again.")
                .arg(paths::pretty(fileName), f.summary),
            f.full);
    }
    return {};
}

Result<QByteArray> serializeArtifact(const Module& module, const QJsonObject& meta)
{
    try {
        std::ostringstream os;
        torch::jit::ExtraFilesMap extra { { kArtifactMetaFile,
            QJsonDocument(meta).toJson(QJsonDocument::Indented).toStdString() } };
        module.save(os, extra);
        const std::string bytes = os.str();
        return QByteArray(bytes.data(), qsizetype(bytes.size()));
    } catch (...) {
        const TorchFailure f = condenseCurrentException();
        return Error(Error::Kind::Internal,
            QStringLiteral("Could not serialize the quantized model: %1").arg(f.summary), f.full);
    }
}

} // namespace qs::detail
