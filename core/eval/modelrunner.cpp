// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "modelrunner_p.h"

#include "core/common/torcherror_p.h"
#include "core/jobs/job.h"
#include "core/model/tensorutil_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QElapsedTimer>

namespace qs::detail {

void listOutputs(const c10::IValue& v, const QString& path, std::vector<std::pair<QString, at::Tensor>>& tensors, QStringList* others)
{
    auto join = [&](const QString& part) { return path.isEmpty() ? part : path + QLatin1Char('.') + part; };
    if (v.isTensor()) {
        tensors.emplace_back(path, v.toTensor());
    } else if (v.isTuple() || v.isList()) {
        const auto elems = v.isTuple() ? v.toTupleRef().elements().vec() : v.toListRef().vec();
        for (size_t i = 0; i < elems.size(); ++i)
            listOutputs(elems[i], join(QString::number(i)), tensors, others);
    } else if (v.isGenericDict()) {
        for (const auto& kv : v.toGenericDict()) {
            const QString key = kv.key().isString() ? QString::fromStdString(kv.key().toStringRef())
                                                    : QString::fromStdString(c10::str(kv.key()));
            listOutputs(kv.value(), join(key), tensors, others);
        }
    } else if (others) {
        *others << (path.isEmpty() ? QStringLiteral("(the result)") : path) + QLatin1Char(':') + QString::fromStdString(v.tagKind());
    }
}

namespace {

QString describeTensor(const at::Tensor& t)
{
    return shapeString(t.sizes()) + QLatin1Char(' ') + scalarTypeName(t.scalar_type());
}

QString kindOf(const c10::IValue& v)
{
    if (v.isTuple())
        return QStringLiteral("a tuple");
    if (v.isList())
        return QStringLiteral("a list");
    if (v.isGenericDict())
        return QStringLiteral("a dict");
    return QStringLiteral("a %1").arg(QString::fromStdString(v.tagKind()));
}

} // namespace

Result<std::pair<QString, at::Tensor>> selectOutput(const c10::IValue& value, const QString& selector, const QString& modelName)
{
    std::vector<std::pair<QString, at::Tensor>> tensors;
    QStringList others;
    listOutputs(value, QString(), tensors, &others);
    if (tensors.empty())
        return Error::badInput(QStringLiteral("%1 returns %2 with no tensor in it (%3); Quantscope measures tensor outputs.")
                                   .arg(modelName, kindOf(value), others.join(QLatin1String(", "))));
    QStringList listing;
    for (const auto& t : tensors)
        listing << QStringLiteral("%1 (%2)").arg(t.first, describeTensor(t.second));
    if (selector.isEmpty()) {
        if (tensors.size() == 1)
            return tensors.front();
        return Error::usage(QStringLiteral("%1 returns %2 of %3 tensors: %4. Pick the one to measure with --output, e.g. --output %5.")
                                .arg(modelName, kindOf(value)).arg(tensors.size()).arg(listing.join(QLatin1String(", ")), tensors.front().first));
    }
    for (const auto& t : tensors) {
        if (t.first == selector)
            return t;
    }
    // "--output 0" on a dict means its first entry, as users count outputs.
    bool isIndex = false;
    const int index = selector.toInt(&isIndex);
    if (isIndex && value.isGenericDict() && index >= 0 && size_t(index) < tensors.size())
        return tensors[size_t(index)];
    if (tensors.size() == 1 && tensors.front().first.isEmpty()) {
        if (selector == QLatin1String("0"))
            return tensors.front();
        return Error::usage(QStringLiteral("%1 returns a single tensor (%2); --output %3 does not apply. Leave --output out.")
                                .arg(modelName, describeTensor(tensors.front().second), selector));
    }
    return Error::usage(QStringLiteral("%1 has no output '%2'. Its outputs: %3.").arg(modelName, selector, listing.join(QLatin1String(", "))));
}

QString describeInputs(const std::vector<at::Tensor>& inputs)
{
    QStringList parts;
    for (const at::Tensor& t : inputs)
        parts << describeTensor(t);
    return parts.join(QLatin1String(", "));
}

ModelRunner::ModelRunner(const TorchModel& model, const QString& output, const InputSpec& reshapeTo)
    : m_model(model), m_output(output), m_reshapeTo(reshapeTo)
{
}

Result<at::Tensor> ModelRunner::run(const std::vector<at::Tensor>& inputs, const QString& where)
{
    std::vector<c10::IValue> args;
    args.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
        at::Tensor t = inputs[i];
        if (!m_reshapeTo.isEmpty() && int(i) < m_reshapeTo.inputs.size()) {
            std::vector<int64_t> shape{t.size(0)};
            const auto& s = m_reshapeTo.inputs[int(i)].shape;
            shape.insert(shape.end(), s.begin() + 1, s.end());
            t = t.reshape(shape);
        }
        args.emplace_back(t);
    }
    c10::IValue out;
    try {
        c10::InferenceMode guard;
        QElapsedTimer timer;
        timer.start();
        out = moduleOf(m_model).forward(args);
        m_seconds += double(timer.nsecsElapsed()) / 1e9;
    } catch (const JobCancelled&) {
        throw;
    } catch (...) {
        const auto f = condenseCurrentException();
        std::vector<at::Tensor> shown;
        for (const auto& a : args)
            shown.push_back(a.toTensor());
        const QString text = QStringLiteral("%1 failed on %2 (inputs %3) %4.").arg(m_model.name(), where, describeInputs(shown), describe(f));
        // The first forward failing is almost always data of the wrong shape or dtype.
        if (m_forwards == 0)
            return Error::badInput(text + QStringLiteral(" Check that the data has the shape and dtype the model takes (its sidecar or --input)."),
                                   f.full);
        return Error::model(text, f.full);
    }
    ++m_forwards;
    auto picked = selectOutput(out, m_output, m_model.name());
    if (!picked)
        return picked.error();
    m_outputPath = picked->first;
    at::Tensor t = picked->second;
    if (t.is_quantized())
        t = t.dequantize();
    if (t.dim() == 0 || t.size(0) != inputs.front().size(0))
        return Error::badInput(QStringLiteral("%1's output %2 has shape %3, which has no row per sample (the batch has %4). Pick another "
                                              "--output, or measure a model whose output starts with the batch dimension.")
                                   .arg(m_model.name(), m_outputPath.isEmpty() ? QStringLiteral("tensor") : QLatin1Char('\'') + m_outputPath + QLatin1Char('\''),
                                        shapeString(t.sizes()))
                                   .arg(inputs.front().size(0)));
    return t.to(at::kFloat).contiguous();
}

} // namespace qs::detail
