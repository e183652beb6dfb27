// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {
class Dataset;
class TorchModel;
}

namespace qs::test {

/// A torch.save'd dict of \a count float tensors (what `torch.save(model.state_dict(), f)` writes).
bool writeStateDict(const QString& path, int count = 3);
/// A torch.save'd {"inputs": float[n, dims...], "labels": int64[n]} file.
bool writeTensorData(const QString& path, const QVector<qint64>& inputShape, int classes = 10, bool withLabels = true);
/// A zip archive laid out as torch.save writes it, whose data.pkl pickles an instance of a
/// Python class `__main__.<className>` (what `torch.save(model, f)` writes).
bool writePickledModule(const QString& path, const QString& className = QStringLiteral("Net"));
/// A protocol-2 Python pickle that is not from PyTorch.
bool writePlainPickle(const QString& path);
/// The first bytes of an ONNX ModelProto (ir_version, producer "pytorch").
bool writeOnnxHeader(const QString& path);
/// The first \a fraction of \a source copied to \a path.
bool writeTruncatedCopy(const QString& source, const QString& path, double fraction = 0.5);
bool writeBytes(const QString& path, const QByteArray& bytes);
/// A stored (uncompressed) zip archive holding \a files.
bool writeZip(const QString& path, const QVector<QPair<QString, QByteArray>>& files);
/// The bytes of that archive.
QByteArray zipBytes(const QVector<QPair<QString, QByteArray>>& files);

/// The demo workspace the `demo_workspace` CTest fixture prepares (empty when missing).
QString demoDir();

/// Whether /usr/bin/python3 can import torch (Debian's python3-torch: the reference build).
bool pythonTorchAvailable();
/// Runs \a code with /usr/bin/python3; returns stdout, or nullopt (with stderr in *error).
std::optional<QString> runPython(const QString& code, const QStringList& args = {}, QString* error = nullptr,
                                 int timeoutMs = 300000);

/// A TorchScript module `__torch__.<className>` whose methods are \a source (TorchScript code,
/// e.g. "def forward(self, x: Tensor) -> Tensor:\n    return x / 0.0\n"), saved to \a path.
/// For models that misbehave on purpose: NaN outputs, forwards that throw, slow forwards.
bool writeScriptModule(const QString& path, const QString& source, const QString& className = QStringLiteral("Custom"));

/// Latencies (ms) of \a iterations forwards of the TorchScript file \a path on seeded inputs
/// made from \a inputs (e.g. {"1x64"}), each timed alone with nothing else in the loop, under
/// InferenceMode, after \a warmup forwards, with \a threads compute threads: the reference the
/// benchmark harness is compared with (tests/bench/bench). Empty on failure.
QVector<double> bareForwardLatencies(const QString& path, const QStringList& inputs, int iterations, int warmup = 10,
                                     int threads = 1);

/// Runs quantscope-cli ($QS_CLI) with \a args; fills stdout, stderr and the exit code.
struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};
CliResult runCli(const QStringList& args, int timeoutMs = 600000);
/// The JSON object in \a text (a command's --json output), or an empty object.
QJsonObject parseJsonObject(const QString& text);

// ---- data and evaluation ----------------------------------------------------------------

/// The bytes of an IDX file (big-endian header: two zeros, \a type, dims; then \a payload).
QByteArray idxBytes(quint8 type, const QVector<quint32>& dims, const QByteArray& payload);
/// \a raw compressed with gzip (as MNIST's .gz files are).
QByteArray gzipped(const QByteArray& raw);

/// A tensor for test files: shape, row-major values and dtype ("float32", "int64", "uint8", ...).
struct TestTensor
{
    QVector<qint64> shape;
    QVector<double> values;
    QString dtype = QStringLiteral("float32");
};
enum class TensorFileLayout { Dict, Tuple, List, Bare };
/// A torch.save file: Dict {"inputs": inputs[0] (a tuple when several), "labels", "classes"},
/// Tuple/List (inputs..., labels), or Bare inputs[0].
bool writeTensorFile(const QString& path, const QVector<TestTensor>& inputs, const std::optional<TestTensor>& labels = std::nullopt,
                     TensorFileLayout layout = TensorFileLayout::Dict, const QStringList& classes = {});
/// Samples [first, first + count) of input \a input of \a data, flattened; \a shape gets the
/// batch's shape. Empty with *error set when the batch cannot be made.
QVector<float> datasetValues(const Dataset& data, qint64 first, qint64 count, int input = 0, QVector<qint64>* shape = nullptr,
                             QString* error = nullptr);
/// Saves a TorchScript module of class `__torch__.<className>` with the given tensor attributes
/// (registered as parameters) and methods defined by TorchScript \a source.
bool writeScriptedModule(const QString& path, const QString& source, const QVector<QPair<QString, TestTensor>>& params = {},
                         QString* error = nullptr, const QString& className = QStringLiteral("Net"));

// ---- Quantization tests ----------------------------------------------------------------------
/// A torch.save'd {"inputs": X} with X = U[0, 1) * \a scale of \a shape (seeded); when
/// \a scaledCount >= 0 only the first scaledCount samples are scaled. \a dtype "float32" or
/// "int64" (X truncated); \a withNan puts one NaN in the last sample.
bool writeInputs(const QString& path, const QVector<qint64>& shape, double scale = 1.0, int scaledCount = -1, quint64 seed = 0,
                 const QString& dtype = QStringLiteral("float32"), bool withNan = false);
/// The model's output, flattened to float32, on samples [first, first + count) of a torch.save'd
/// {"inputs": X} file; empty with *error on failure.
QVector<float> outputOn(const qs::TorchModel& model, const QString& inputsFile, int first, int count, QString* error = nullptr);
/// The float32 values of a raw file (numpy's ndarray.tofile).
QVector<float> readRawFloats(const QString& path);

// ---- Layer diagnosis tests -------------------------------------------------------------------
/// Parameter or buffer \a path ("fc1.weight") of \a model as float32 values; \a shape gets its
/// shape. Empty when there is no such tensor.
QVector<float> tensorValues(const qs::TorchModel& model, const QString& path, QVector<qint64>* shape = nullptr);
/// What a quantized model's forward graph holds, in graph order: the (scale, zero point) of every
/// activation it quantizes (aten::quantize_per_tensor inputs and static quantized::* compute ops'
/// outputs), and the scales of every packed weight (one per output channel, or one), unpacked
/// with quantized::linear_unpack / conv2d_unpack.
struct GraphQParams
{
    QVector<QPair<double, qint64>> activations;
    QVector<QVector<double>> weightScales;
    QStringList ops; ///< the quantized compute ops, in order
};
GraphQParams graphQParams(const qs::TorchModel& quantized, QString* error = nullptr);

} // namespace qs::test
