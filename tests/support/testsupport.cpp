// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/script.h>

#include "testsupport.h"

#include "core/bench/threading.h"

#include "core/data/dataset_p.h"
#include "core/model/dtype.h"
#include "core/model/tensorutil_p.h"
#include "core/data/tensorfile_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QtEndian>
#include <QtCore/QVector>

#include <chrono>

#include <zlib.h>
#include <cstring>
#include <limits>

namespace qs::test {

namespace {

bool writePickle(const QString& path, const c10::IValue& value)
{
    const std::vector<char> bytes = torch::jit::pickle_save(value);
    return writeBytes(path, QByteArray(bytes.data(), qsizetype(bytes.size())));
}

} // namespace

bool writeStateDict(const QString& path, int count)
{
    c10::Dict<std::string, at::Tensor> d;
    for (int i = 0; i < count; ++i)
        d.insert("layer" + std::to_string(i) + ".weight", at::randn({4, 4}));
    return writePickle(path, d);
}

bool writeTensorData(const QString& path, const QVector<qint64>& inputShape, int classes, bool withLabels)
{
    c10::Dict<std::string, at::Tensor> d;
    const std::vector<int64_t> shape(inputShape.begin(), inputShape.end());
    d.insert("inputs", at::rand(shape));
    if (withLabels)
        d.insert("labels", at::randint(classes, {shape.front()}, at::kLong));
    return writePickle(path, d);
}

bool writePickledModule(const QString& path, const QString& className)
{
    // protocol 2: PROTO 2, GLOBAL '__main__\n<class>\n', EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BUILD, STOP
    QByteArray pkl("\x80\x02", 2);
    pkl += "c__main__\n" + className.toUtf8() + "\n";
    pkl += ")\x81}b.";
    return writeBytes(path, zipBytes({{QStringLiteral("archive/data.pkl"), pkl},
                                     {QStringLiteral("archive/version"), QByteArray("3\n")}}));
}

bool writePlainPickle(const QString& path)
{
    // pickle.dumps({'a': 1}, protocol=2)
    return writeBytes(path, QByteArray("\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s.", 17));
}

bool writeOnnxHeader(const QString& path)
{
    QByteArray b("\x08\x07\x12\x07pytorch\x1a\x06" "1.13.1", 18);
    b += QByteArray(64, '\0');
    return writeBytes(path, b);
}

bool writeTruncatedCopy(const QString& source, const QString& path, double fraction)
{
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    const QByteArray all = in.readAll();
    return writeBytes(path, all.left(qsizetype(double(all.size()) * fraction)));
}

QString demoDir()
{
    const QString dir = qEnvironmentVariable("QS_TEST_DATA_DIR") + QLatin1String("/demo");
    return QFileInfo::exists(dir + QLatin1String("/demo.json")) ? dir : QString();
}

bool pythonTorchAvailable()
{
    static const bool available = [] {
        QProcess p;
        p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import torch")});
        return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }();
    return available;
}

std::optional<QString> runPython(const QString& code, const QStringList& args, QString* error, int timeoutMs)
{
    QProcess p;
    QStringList all{QStringLiteral("-c"), code};
    all += args;
    p.start(QStringLiteral("/usr/bin/python3"), all);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        if (error)
            *error = QStringLiteral("python3 timed out");
        return std::nullopt;
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (error)
            *error = QString::fromUtf8(p.readAllStandardError());
        return std::nullopt;
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

bool writeScriptModule(const QString& path, const QString& source, const QString& className)
{
    try {
        torch::jit::Module m(c10::QualifiedName("__torch__." + className.toStdString()));
        m.register_attribute("training", c10::BoolType::get(), false);
        m.define(source.toStdString());
        m.save(path.toStdString());
        return true;
    } catch (const std::exception& e) {
        qWarning("writeScriptModule: %s", e.what());
        return false;
    }
}

QVector<double> bareForwardLatencies(const QString& path, const QStringList& inputs, int iterations, int warmup, int threads)
{
    QVector<double> ms;
    auto spec = InputSpec::parse(inputs);
    if (!spec)
        return ms;
    try {
        threading::setComputeThreads(threads);
        torch::jit::Module m = torch::jit::load(path.toStdString());
        m.eval();
        const std::vector<c10::IValue> in = detail::makeInputs(*spec, 0);
        c10::InferenceMode guard;
        for (int i = 0; i < warmup; ++i)
            m.forward(in);
        ms.reserve(iterations);
        for (int i = 0; i < iterations; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            m.forward(in);
            const auto t1 = std::chrono::steady_clock::now();
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
    } catch (const std::exception& e) {
        qWarning("bareForwardLatencies: %s", e.what());
        ms.clear();
    }
    return ms;
}

CliResult runCli(const QStringList& args, int timeoutMs)
{
    CliResult r;
    QProcess p;
    p.start(qEnvironmentVariable("QS_CLI"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QJsonObject parseJsonObject(const QString& text)
{
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(text.toUtf8(), &e);
    return e.error == QJsonParseError::NoError ? d.object() : QJsonObject();
}

QByteArray idxBytes(quint8 type, const QVector<quint32>& dims, const QByteArray& payload)
{
    QByteArray b("\0\0", 2);
    b.append(char(type));
    b.append(char(dims.size()));
    for (quint32 d : dims) {
        char be[4];
        qToBigEndian(d, be);
        b.append(be, 4);
    }
    return b + payload;
}

QByteArray gzipped(const QByteArray& raw)
{
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&zs, uLong(raw.size()))) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.constData()));
    zs.avail_in = uInt(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(int(zs.total_out));
    deflateEnd(&zs);
    return out;
}

namespace {
at::Tensor toTensor(const TestTensor& t)
{
    const std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
    const std::vector<double> values(t.values.begin(), t.values.end());
    const auto type = qs::detail::toScalarType(qs::parseDType(t.dtype).value_or(qs::DType::Float32));
    return at::tensor(values, at::kDouble).reshape(shape).to(type);
}
} // namespace

bool writeTensorFile(const QString& path, const QVector<TestTensor>& inputs, const std::optional<TestTensor>& labels,
                     TensorFileLayout layout, const QStringList& classes)
{
    std::vector<c10::IValue> elems;
    for (const TestTensor& t : inputs)
        elems.emplace_back(toTensor(t));
    switch (layout) {
    case TensorFileLayout::Bare:
        return writePickle(path, elems.front());
    case TensorFileLayout::Tuple:
    case TensorFileLayout::List: {
        if (labels)
            elems.emplace_back(toTensor(*labels));
        if (layout == TensorFileLayout::Tuple)
            return writePickle(path, c10::ivalue::Tuple::create(elems));
        c10::List<at::Tensor> list;
        for (const auto& e : elems)
            list.push_back(e.toTensor());
        return writePickle(path, list);
    }
    case TensorFileLayout::Dict:
        break;
    }
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    d.insert("inputs", elems.size() == 1 ? elems.front() : c10::IValue(c10::ivalue::Tuple::create(elems)));
    if (labels)
        d.insert("labels", toTensor(*labels));
    if (!classes.isEmpty()) {
        c10::List<std::string> names;
        for (const QString& c : classes)
            names.push_back(c.toStdString());
        d.insert("classes", names);
    }
    return writePickle(path, d);
}

QVector<float> datasetValues(const Dataset& data, qint64 first, qint64 count, int input, QVector<qint64>* shape, QString* error)
{
    auto batch = qs::detail::batchOf(data, first, count);
    if (!batch) {
        if (error)
            *error = batch.error().message;
        return {};
    }
    if (input >= int(batch->inputs.size()))
        return {};
    const at::Tensor t = batch->inputs[size_t(input)].to(at::kFloat).contiguous();
    if (shape) {
        shape->clear();
        for (int64_t s : t.sizes())
            *shape << s;
    }
    return QVector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

bool writeScriptedModule(const QString& path, const QString& source, const QVector<QPair<QString, TestTensor>>& params,
                         QString* error, const QString& className)
{
    try {
        torch::jit::Module m(("__torch__." + className).toStdString());
        for (const auto& p : params)
            m.register_parameter(p.first.toStdString(), toTensor(p.second), false);
        m.define(source.toStdString());
        m.eval();
        m.save(path.toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what()).left(2000);
        return false;
    }
}

bool writeInputs(const QString& path, const QVector<qint64>& shape, double scale, int scaledCount, quint64 seed, const QString& dtype,
                 bool withNan)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    at::Tensor x = at::rand(std::vector<int64_t>(shape.begin(), shape.end()), gen);
    if (scaledCount < 0)
        x.mul_(scale);
    else
        x.slice(0, 0, scaledCount).mul_(scale);
    if (withNan)
        x.select(0, x.size(0) - 1).view({-1})[0] = std::numeric_limits<float>::quiet_NaN();
    if (dtype == QLatin1String("int64"))
        x = x.to(at::kLong);
    c10::Dict<std::string, at::Tensor> d;
    d.insert("inputs", x);
    return writePickle(path, d);
}

QVector<float> outputOn(const qs::TorchModel& model, const QString& inputsFile, int first, int count, QString* error)
{
    auto loaded = qs::detail::loadTorchFile(inputsFile);
    if (!loaded) {
        if (error)
            *error = loaded.error().message;
        return {};
    }
    try {
        const at::Tensor x = loaded->toGenericDict().at("inputs").toTensor().slice(0, first, first + count).contiguous();
        torch::NoGradGuard noGrad;
        torch::jit::Module m = qs::detail::moduleOf(model);
        const at::Tensor y = m.forward({x}).toTensor().to(at::kFloat).contiguous();
        return QVector<float>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromLocal8Bit(e.what()).left(500);
        return {};
    }
}

QVector<float> readRawFloats(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray b = f.readAll();
    QVector<float> out(b.size() / qsizetype(sizeof(float)));
    std::memcpy(out.data(), b.constData(), size_t(out.size()) * sizeof(float));
    return out;
}

QVector<float> tensorValues(const qs::TorchModel& model, const QString& path, QVector<qint64>* shape)
{
    torch::jit::Module m = qs::detail::moduleOf(model);
    const QStringList parts = path.split(QLatin1Char('.'));
    for (int i = 0; i + 1 < parts.size(); ++i) {
        if (!m.hasattr(parts[i].toStdString()))
            return {};
        m = m.attr(parts[i].toStdString()).toModule();
    }
    if (!m.hasattr(parts.back().toStdString()) || !m.attr(parts.back().toStdString()).isTensor())
        return {};
    const at::Tensor t = m.attr(parts.back().toStdString()).toTensor().detach().to(at::kFloat).contiguous();
    if (shape)
        *shape = QVector<qint64>(t.sizes().begin(), t.sizes().end());
    return QVector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

GraphQParams graphQParams(const qs::TorchModel& quantized, QString* error)
{
    GraphQParams out;
    try {
        torch::jit::Module m = qs::detail::moduleOf(quantized);
        auto graph = m.get_method("forward").graph();
        torch::jit::Value* self = graph->inputs().at(0);
        auto ivalueOf = [&](torch::jit::Value* v) -> c10::IValue {
            if (auto c = torch::jit::toIValue(v))
                return *c;
            std::vector<std::string> chain; // GetAttr chain from self
            while (v != self && v->node()->kind() == c10::prim::GetAttr) {
                chain.insert(chain.begin(), v->node()->s(c10::attr::name));
                v = v->node()->input(0);
            }
            c10::IValue cur = m._ivalue();
            for (const auto& name : chain)
                cur = cur.toObject()->getAttr(name);
            return cur;
        };
        for (torch::jit::Node* n : graph->nodes()) {
            const std::string kind = n->kind().toQualString();
            if (kind == "aten::quantize_per_tensor") {
                out.activations.append({ ivalueOf(n->input(1)).toDouble(), ivalueOf(n->input(2)).toInt() });
                continue;
            }
            if (kind.rfind("quantized::", 0) != 0 || kind.find("pack") != std::string::npos
                || (kind.find("linear") == std::string::npos && kind.find("conv") == std::string::npos))
                continue;
            out.ops << QString::fromStdString(kind);
            const c10::IValue packed = ivalueOf(n->input(1));
            const char* unpack = kind.find("conv") != std::string::npos ? "quantized::conv2d_unpack" : "quantized::linear_unpack";
            const auto op = c10::Dispatcher::singleton().findSchemaOrThrow(unpack, "");
            torch::jit::Stack stack { packed };
            op.callBoxed(&stack);
            const at::Tensor w = stack.at(0).toTensor();
            QVector<double> scales;
            if (w.qscheme() == at::kPerChannelAffine || w.qscheme() == at::kPerChannelSymmetric) {
                const at::Tensor s = w.q_per_channel_scales().to(at::kDouble).contiguous();
                scales = QVector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
            } else {
                scales << w.q_scale();
            }
            out.weightScales << scales;
            if (kind.find("dynamic") == std::string::npos && n->inputs().size() >= 4)
                out.activations.append({ ivalueOf(n->input(2)).toDouble(), ivalueOf(n->input(3)).toInt() });
        }
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromLocal8Bit(e.what()).left(800);
        return {};
    }
    return out;
}

} // namespace qs::test
