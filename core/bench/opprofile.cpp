// SPDX-License-Identifier: GPL-3.0-or-later
#include "opprofile.h"

#include <QtCore/QJsonArray>

namespace qs {

namespace {

QJsonArray toArray(const QVector<OpTime>& ops)
{
    QJsonArray a;
    for (const OpTime& t : ops)
        a.append(t.toJson());
    return a;
}

QVector<OpTime> opsFrom(const QJsonValue& v)
{
    QVector<OpTime> out;
    for (const QJsonValue& x : v.toArray())
        out << OpTime::fromJson(x.toObject());
    return out;
}

} // namespace

QJsonObject OpTime::toJson() const
{
    return { { QStringLiteral("op"), op }, { QStringLiteral("category"), category }, { QStringLiteral("calls"), calls },
        { QStringLiteral("ms"), ms }, { QStringLiteral("self_ms"), selfMs }, { QStringLiteral("share"), share } };
}

OpTime OpTime::fromJson(const QJsonObject& o)
{
    OpTime t;
    t.op = o.value(QLatin1String("op")).toString();
    t.category = o.value(QLatin1String("category")).toString();
    t.calls = o.value(QLatin1String("calls")).toDouble();
    t.ms = o.value(QLatin1String("ms")).toDouble();
    t.selfMs = o.value(QLatin1String("self_ms")).toDouble();
    t.share = o.value(QLatin1String("share")).toDouble();
    return t;
}

double OpProfile::categoryShare(const QString& category) const
{
    return opsMs > 0 ? categoryMs.value(category) / opsMs : 0;
}

QJsonObject OpProfile::toJson() const
{
    QJsonObject categories;
    for (auto it = categoryMs.begin(); it != categoryMs.end(); ++it)
        categories.insert(it.key(), it.value());
    return { { QStringLiteral("label"), label }, { QStringLiteral("model"), modelPath },
        { QStringLiteral("wall_ms"), wallMs }, { QStringLiteral("profiled_ms"), profiledMs },
        { QStringLiteral("ops_ms"), opsMs }, { QStringLiteral("minor_faults"), minorFaults },
        { QStringLiteral("categories_ms"), categories },
        { QStringLiteral("ops"), toArray(ops) }, { QStringLiteral("kernels"), toArray(kernels) } };
}

OpProfile OpProfile::fromJson(const QJsonObject& o)
{
    OpProfile p;
    p.label = o.value(QLatin1String("label")).toString();
    p.modelPath = o.value(QLatin1String("model")).toString();
    p.wallMs = o.value(QLatin1String("wall_ms")).toDouble();
    p.profiledMs = o.value(QLatin1String("profiled_ms")).toDouble();
    p.opsMs = o.value(QLatin1String("ops_ms")).toDouble();
    p.minorFaults = o.value(QLatin1String("minor_faults")).toDouble();
    const QJsonObject categories = o.value(QLatin1String("categories_ms")).toObject();
    for (auto it = categories.begin(); it != categories.end(); ++it)
        p.categoryMs.insert(it.key(), it.value().toDouble());
    p.ops = opsFrom(o.value(QLatin1String("ops")));
    p.kernels = opsFrom(o.value(QLatin1String("kernels")));
    return p;
}

QJsonObject OpProfileComparison::toJson() const
{
    return { { QStringLiteral("inputs"), inputs }, { QStringLiteral("engine"), engine },
        { QStringLiteral("threads"), threads }, { QStringLiteral("iterations"), iterations },
        { QStringLiteral("reference"), reference.toJson() }, { QStringLiteral("variant"), variant.toJson() },
        { QStringLiteral("speedup"), speedup }, { QStringLiteral("findings"), QJsonArray::fromStringList(findings) } };
}

Result<OpProfileComparison> OpProfileComparison::fromJson(const QJsonObject& o)
{
    if (!o.value(QLatin1String("reference")).isObject() || !o.value(QLatin1String("variant")).isObject())
        return Error::badInput(QStringLiteral("Not an op profile: it has no reference or variant object."));
    OpProfileComparison c;
    c.inputs = o.value(QLatin1String("inputs")).toString();
    c.engine = o.value(QLatin1String("engine")).toString();
    c.threads = o.value(QLatin1String("threads")).toInt();
    c.iterations = o.value(QLatin1String("iterations")).toInt();
    c.reference = OpProfile::fromJson(o.value(QLatin1String("reference")).toObject());
    c.variant = OpProfile::fromJson(o.value(QLatin1String("variant")).toObject());
    c.speedup = o.value(QLatin1String("speedup")).toDouble();
    for (const QJsonValue& v : o.value(QLatin1String("findings")).toArray())
        c.findings << v.toString();
    return c;
}

OpProfileJob::OpProfileJob(
    const TorchModel& fp32, const TorchModel& variant, const OpProfileOptions& options, QObject* parent)
    : Job(QStringLiteral("Op profile of %1 against %2").arg(variant.name(), fp32.name()), parent)
    , m_fp32(fp32)
    , m_variant(variant)
    , m_options(options)
{
    qRegisterMetaType<qs::OpProfileComparison>();
}

OpProfileComparison OpProfileJob::result() const
{
    QMutexLocker lock(&m_mutex);
    return m_result;
}

Status OpProfileJob::run()
{
    auto r = profileOps(
        m_fp32, m_variant, m_options, [this](int permille, const QString& message) { setProgress(permille, message); },
        [this] { checkCancelled(); });
    if (!r)
        return r.error();
    {
        QMutexLocker lock(&m_mutex);
        m_result = *r;
    }
    Q_EMIT profiled(*r);
    return {};
}

} // namespace qs
