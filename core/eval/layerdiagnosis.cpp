// SPDX-License-Identifier: GPL-3.0-or-later
#include "layerdiagnosis.h"

#include "core/eval/jsonnumbers_p.h"

#include <QtCore/QJsonArray>

namespace qs {

namespace {

using jsonnumbers::number;
using jsonnumbers::readNumber;

template <typename T> QJsonArray toArray(const QVector<T>& v)
{
    QJsonArray a;
    for (const T& x : v)
        a.append(QJsonValue(double(x)));
    return a;
}

QVector<double> doubles(const QJsonValue& v)
{
    QVector<double> out;
    for (const QJsonValue& x : v.toArray())
        out << x.toDouble();
    return out;
}

QVector<qint64> integers(const QJsonValue& v)
{
    QVector<qint64> out;
    for (const QJsonValue& x : v.toArray())
        out << qint64(x.toDouble());
    return out;
}

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out << x.toString();
    return out;
}

const QVector<QuantRange::Kind>& allKinds()
{
    static const QVector<QuantRange::Kind> kinds { QuantRange::Kind::None, QuantRange::Kind::PerTensor,
        QuantRange::Kind::PerChannel, QuantRange::Kind::PerBlock, QuantRange::Kind::Codebook,
        QuantRange::Kind::Float16 };
    return kinds;
}

} // namespace

qint64 Histogram::total() const
{
    qint64 t = 0;
    for (qint64 c : counts)
        t += c;
    return t;
}

QJsonObject Histogram::toJson() const
{
    return { { QStringLiteral("lo"), lo }, { QStringLiteral("hi"), hi }, { QStringLiteral("counts"), toArray(counts) } };
}

Histogram Histogram::fromJson(const QJsonObject& o)
{
    Histogram h;
    h.lo = o.value(QLatin1String("lo")).toDouble();
    h.hi = o.value(QLatin1String("hi")).toDouble();
    h.counts = integers(o.value(QLatin1String("counts")));
    return h;
}

QString QuantRange::kindName(Kind k)
{
    switch (k) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::PerTensor:
        return QStringLiteral("per-tensor");
    case Kind::PerChannel:
        return QStringLiteral("per-channel");
    case Kind::PerBlock:
        return QStringLiteral("per-block");
    case Kind::Codebook:
        return QStringLiteral("codebook");
    case Kind::Float16:
        return QStringLiteral("float16");
    }
    return {};
}

std::pair<double, double> QuantRange::rangeOf(int i) const
{
    if ((kind == Kind::PerChannel || kind == Kind::PerBlock) && i >= 0 && i < scales.size()) {
        const qint64 zp = i < zeroPoints.size() ? zeroPoints[i] : 0;
        return { scales[i] * double(qmin - zp), scales[i] * double(qmax - zp) };
    }
    if (kind == Kind::PerTensor)
        return { scale * double(qmin - zeroPoint), scale * double(qmax - zeroPoint) };
    return { clipMin, clipMax };
}

QJsonObject QuantRange::toJson() const
{
    QJsonObject o { { QStringLiteral("kind"), kindName(kind) } };
    if (kind == Kind::None)
        return o;
    o.insert(QStringLiteral("dtype"), dtype);
    o.insert(QStringLiteral("qmin"), double(qmin));
    o.insert(QStringLiteral("qmax"), double(qmax));
    o.insert(QStringLiteral("clip_min"), number(clipMin));
    o.insert(QStringLiteral("clip_max"), number(clipMax));
    if (kind == Kind::PerTensor) {
        o.insert(QStringLiteral("scale"), scale);
        o.insert(QStringLiteral("zero_point"), double(zeroPoint));
    }
    if (kind == Kind::PerChannel || kind == Kind::PerBlock)
        o.insert(QStringLiteral("scales"), toArray(scales));
    if (kind == Kind::PerChannel) {
        o.insert(QStringLiteral("zero_points"), toArray(zeroPoints));
        o.insert(QStringLiteral("axis"), axis);
    }
    if (kind == Kind::PerBlock)
        o.insert(QStringLiteral("block"), double(block));
    if (kind == Kind::Codebook)
        o.insert(QStringLiteral("codebook"), toArray(codebook));
    if (!observer.isEmpty())
        o.insert(QStringLiteral("observer"), observer);
    return o;
}

QuantRange QuantRange::fromJson(const QJsonObject& o)
{
    QuantRange r;
    const QString kind = o.value(QLatin1String("kind")).toString();
    for (Kind k : allKinds())
        if (kindName(k) == kind)
            r.kind = k;
    r.dtype = o.value(QLatin1String("dtype")).toString();
    r.qmin = qint64(o.value(QLatin1String("qmin")).toDouble());
    r.qmax = qint64(o.value(QLatin1String("qmax")).toDouble());
    r.clipMin = o.contains(QLatin1String("clip_min")) ? readNumber(o, "clip_min") : 0;
    r.clipMax = o.contains(QLatin1String("clip_max")) ? readNumber(o, "clip_max") : 0;
    r.scale = o.value(QLatin1String("scale")).toDouble();
    r.zeroPoint = qint64(o.value(QLatin1String("zero_point")).toDouble());
    r.scales = doubles(o.value(QLatin1String("scales")));
    r.zeroPoints = integers(o.value(QLatin1String("zero_points")));
    r.axis = o.value(QLatin1String("axis")).toInt();
    r.block = qint64(o.value(QLatin1String("block")).toDouble());
    r.codebook = doubles(o.value(QLatin1String("codebook")));
    r.observer = o.value(QLatin1String("observer")).toString();
    return r;
}

QJsonObject WeightDiagnosis::toJson() const
{
    return { { QStringLiteral("layer"), layer }, { QStringLiteral("layer_type"), layerType },
        { QStringLiteral("tensor"), tensor }, { QStringLiteral("shape"), toArray(shape) },
        { QStringLiteral("quantized"), quantized }, { QStringLiteral("note"), note },
        { QStringLiteral("sqnr_db"), number(sqnrDb) }, { QStringLiteral("mse"), mse },
        { QStringLiteral("max_abs_error"), maxAbsError }, { QStringLiteral("clipped_fraction"), clippedFraction },
        { QStringLiteral("histogram"), histogram.toJson() }, { QStringLiteral("range"), range.toJson() } };
}

WeightDiagnosis WeightDiagnosis::fromJson(const QJsonObject& o)
{
    WeightDiagnosis d;
    d.layer = o.value(QLatin1String("layer")).toString();
    d.layerType = o.value(QLatin1String("layer_type")).toString();
    d.tensor = o.value(QLatin1String("tensor")).toString();
    d.shape = integers(o.value(QLatin1String("shape")));
    d.quantized = o.value(QLatin1String("quantized")).toBool();
    d.note = o.value(QLatin1String("note")).toString();
    d.sqnrDb = readNumber(o, "sqnr_db");
    d.mse = o.value(QLatin1String("mse")).toDouble();
    d.maxAbsError = o.value(QLatin1String("max_abs_error")).toDouble();
    d.clippedFraction = o.value(QLatin1String("clipped_fraction")).toDouble();
    d.histogram = Histogram::fromJson(o.value(QLatin1String("histogram")).toObject());
    d.range = QuantRange::fromJson(o.value(QLatin1String("range")).toObject());
    return d;
}

QJsonObject ActivationDiagnosis::toJson() const
{
    return { { QStringLiteral("name"), name }, { QStringLiteral("producer"), producer },
        { QStringLiteral("consumers"), QJsonArray::fromStringList(consumers) }, { QStringLiteral("owner"), owner },
        { QStringLiteral("observer_name"), observerName }, { QStringLiteral("values"), double(values) },
        { QStringLiteral("observed_min"), observedMin }, { QStringLiteral("observed_max"), observedMax },
        { QStringLiteral("sqnr_db"), number(sqnrDb) }, { QStringLiteral("mse"), mse },
        { QStringLiteral("clipped_fraction"), clippedFraction }, { QStringLiteral("histogram"), histogram.toJson() },
        { QStringLiteral("range"), range.toJson() } };
}

ActivationDiagnosis ActivationDiagnosis::fromJson(const QJsonObject& o)
{
    ActivationDiagnosis a;
    a.name = o.value(QLatin1String("name")).toString();
    a.producer = o.value(QLatin1String("producer")).toString();
    a.consumers = strings(o.value(QLatin1String("consumers")));
    a.owner = o.value(QLatin1String("owner")).toString();
    a.observerName = o.value(QLatin1String("observer_name")).toString();
    a.values = qint64(o.value(QLatin1String("values")).toDouble());
    a.observedMin = o.value(QLatin1String("observed_min")).toDouble();
    a.observedMax = o.value(QLatin1String("observed_max")).toDouble();
    a.sqnrDb = readNumber(o, "sqnr_db");
    a.mse = o.value(QLatin1String("mse")).toDouble();
    a.clippedFraction = o.value(QLatin1String("clipped_fraction")).toDouble();
    a.histogram = Histogram::fromJson(o.value(QLatin1String("histogram")).toObject());
    a.range = QuantRange::fromJson(o.value(QLatin1String("range")).toObject());
    return a;
}

QJsonObject LayerDiagnosis::toJson() const
{
    QJsonArray w, a;
    for (const WeightDiagnosis& d : weights)
        w.append(d.toJson());
    for (const ActivationDiagnosis& d : activations)
        a.append(d.toJson());
    return { { QStringLiteral("model"), modelPath.isEmpty() ? modelName : modelPath },
        { QStringLiteral("model_name"), modelName }, { QStringLiteral("scheme"), scheme },
        { QStringLiteral("engine"), engine }, { QStringLiteral("observer"), observer },
        { QStringLiteral("granularity"), granularity }, { QStringLiteral("calibration"), calibrationSource },
        { QStringLiteral("calibration_samples"), calibrationSamples }, { QStringLiteral("bins"), bins },
        { QStringLiteral("seconds"), seconds }, { QStringLiteral("weights"), w }, { QStringLiteral("activations"), a },
        { QStringLiteral("notes"), QJsonArray::fromStringList(notes) } };
}

Result<LayerDiagnosis> LayerDiagnosis::fromJson(const QJsonObject& o)
{
    if (!o.value(QLatin1String("weights")).isArray() || o.value(QLatin1String("scheme")).toString().isEmpty())
        return Error::badInput(QStringLiteral("Not a layer diagnosis: it has no scheme or no weights array."));
    LayerDiagnosis r;
    r.modelName = o.value(QLatin1String("model_name")).toString();
    const QString model = o.value(QLatin1String("model")).toString();
    r.modelPath = model == r.modelName ? QString() : model;
    r.scheme = o.value(QLatin1String("scheme")).toString();
    r.engine = o.value(QLatin1String("engine")).toString();
    r.observer = o.value(QLatin1String("observer")).toString();
    r.granularity = o.value(QLatin1String("granularity")).toString();
    r.calibrationSource = o.value(QLatin1String("calibration")).toString();
    r.calibrationSamples = o.value(QLatin1String("calibration_samples")).toInt();
    r.bins = o.value(QLatin1String("bins")).toInt();
    r.seconds = o.value(QLatin1String("seconds")).toDouble();
    for (const QJsonValue& v : o.value(QLatin1String("weights")).toArray())
        r.weights << WeightDiagnosis::fromJson(v.toObject());
    for (const QJsonValue& v : o.value(QLatin1String("activations")).toArray())
        r.activations << ActivationDiagnosis::fromJson(v.toObject());
    r.notes = strings(o.value(QLatin1String("notes")));
    return r;
}

LayerDiagnosisJob::LayerDiagnosisJob(
    const TorchModel& fp32, const LayerDiagnosisOptions& options, const Dataset& calibration, QObject* parent)
    : Job(QStringLiteral("Layer diagnosis of %1 for %2").arg(fp32.name(), options.quant.scheme), parent)
    , m_model(fp32)
    , m_options(options)
    , m_calibration(calibration)
{
    qRegisterMetaType<qs::LayerDiagnosis>();
}

LayerDiagnosis LayerDiagnosisJob::result() const
{
    QMutexLocker lock(&m_mutex);
    return m_result;
}

Status LayerDiagnosisJob::run()
{
    QuantizeHooks hooks;
    hooks.progress = [this](int permille, const QString& message) { setProgress(permille, message); };
    hooks.checkCancelled = [this] { checkCancelled(); };
    auto r = diagnoseLayers(m_model, m_options, m_calibration, hooks);
    if (!r)
        return r.error();
    {
        QMutexLocker lock(&m_mutex);
        m_result = *r;
    }
    Q_EMIT diagnosed(*r);
    return {};
}

} // namespace qs
