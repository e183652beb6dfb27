// SPDX-License-Identifier: GPL-3.0-or-later
#include "inputspec.h"

#include "core/common/paths.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

#include <cmath>
#include <limits>

namespace qs {

namespace {
// Larger inputs than this are a typo (an extra digit), not a model input.
constexpr qint64 kMaxInputElements = qint64(1) << 32;
} // namespace

qint64 TensorSpec::numel() const
{
    // Saturates instead of overflowing (shapes read from files are checked against
    // kMaxInputElements, but this must not be undefined for any shape).
    qint64 n = 1;
    for (qint64 d : shape) {
        if (__builtin_mul_overflow(n, d, &n))
            return std::numeric_limits<qint64>::max();
    }
    return n;
}

QString TensorSpec::toString() const
{
    QStringList dims;
    for (qint64 d : shape)
        dims << QString::number(d);
    return dims.join(QLatin1Char('x')) + QLatin1Char(':') + dtypeName(dtype);
}

Result<TensorSpec> TensorSpec::parse(const QString& text)
{
    QString t = text.trimmed();
    TensorSpec spec;
    const int colon = t.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0) {
        const QString dt = t.mid(colon + 1);
        const auto parsed = parseDType(dt);
        if (!parsed)
            return Error::usage(QStringLiteral("Input '%1': unknown dtype '%2'. Use one of: %3.")
                                    .arg(text, dt, dtypeNames().join(QLatin1String(", "))));
        spec.dtype = *parsed;
        t = t.left(colon).trimmed();
    }
    if (t.startsWith(QLatin1Char('[')) || t.startsWith(QLatin1Char('(')))
        t = t.mid(1);
    if (t.endsWith(QLatin1Char(']')) || t.endsWith(QLatin1Char(')')))
        t.chop(1);
    static const QRegularExpression sep(QStringLiteral(R"(\s*[xX,*]\s*)"));
    const QStringList parts = t.split(sep, Qt::KeepEmptyParts);
    if (t.isEmpty() || parts.isEmpty())
        return Error::usage(QStringLiteral("Input '%1' has no shape. Write it like 1x3x224x224 or 1x32:int64.").arg(text));
    qint64 total = 1;
    for (const QString& p : parts) {
        bool ok = false;
        const qint64 d = p.trimmed().toLongLong(&ok);
        if (!ok || d <= 0)
            return Error::usage(QStringLiteral("Input '%1': '%2' is not a positive dimension. Write shapes like 1x3x224x224.")
                                    .arg(text, p));
        // Checked before multiplying: "672x233333333333333333" overflowed qint64 (found by fuzzing).
        if (d > kMaxInputElements / total)
            return Error::usage(QStringLiteral("Input '%1' has more than %2 elements; check the shape for a typo.")
                                    .arg(text).arg(kMaxInputElements));
        total *= d;
        spec.shape << d;
    }
    return spec;
}

QString InputSpec::toString() const
{
    QStringList parts;
    for (const TensorSpec& t : inputs)
        parts << t.toString();
    return parts.join(QLatin1String(", "));
}

InputSpec InputSpec::withBatch(qint64 batch) const
{
    InputSpec copy = *this;
    for (TensorSpec& t : copy.inputs) {
        if (!t.shape.isEmpty())
            t.shape[0] = batch;
    }
    return copy;
}

QJsonObject InputSpec::toJson() const
{
    QJsonArray arr;
    for (const TensorSpec& t : inputs) {
        QJsonArray shape;
        for (qint64 d : t.shape)
            shape.append(d);
        arr.append(QJsonObject{{QStringLiteral("shape"), shape}, {QStringLiteral("dtype"), dtypeName(t.dtype)}});
    }
    return QJsonObject{{QStringLiteral("inputs"), arr}};
}

Result<InputSpec> InputSpec::fromJson(const QJsonObject& object, const QString& origin)
{
    const QString where = paths::pretty(origin);
    const QJsonValue inputsValue = object.value(QLatin1String("inputs"));
    if (!inputsValue.isArray() || inputsValue.toArray().isEmpty())
        return Error::badInput(QStringLiteral("%1 has no \"inputs\" list. Write it like "
                                              "{\"inputs\":[{\"shape\":[1,3,224,224],\"dtype\":\"float32\"}]}.")
                                   .arg(where));
    InputSpec spec;
    spec.origin = origin;
    const QJsonArray arr = inputsValue.toArray();
    for (int i = 0; i < arr.size(); ++i) {
        const QJsonObject o = arr[i].toObject();
        const QJsonValue shapeValue = o.value(QLatin1String("shape"));
        if (!shapeValue.isArray() || shapeValue.toArray().isEmpty())
            return Error::badInput(QStringLiteral("%1: inputs[%2] has no \"shape\" list of positive integers.").arg(where).arg(i));
        TensorSpec t;
        qint64 total = 1;
        for (const QJsonValue& d : shapeValue.toArray()) {
            const double v = d.toDouble(-1);
            if (!d.isDouble() || v <= 0 || v != std::floor(v))
                return Error::badInput(QStringLiteral("%1: inputs[%2].shape holds %3, which is not a positive integer.")
                                           .arg(where).arg(i)
                                           .arg(QString::fromUtf8(QJsonDocument(QJsonArray{d}).toJson(QJsonDocument::Compact))));
            // Checked before converting and multiplying: 1e97 does not fit a qint64, and dimensions
            // that do could overflow their product (both found by fuzzing).
            if (v > double(kMaxInputElements / total))
                return Error::badInput(QStringLiteral("%1: inputs[%2] has more than %3 elements; check the shape.").arg(where).arg(i).arg(kMaxInputElements));
            total *= qint64(v);
            t.shape << qint64(v);
        }
        const QString dt = o.value(QLatin1String("dtype")).toString(QStringLiteral("float32"));
        const auto parsed = parseDType(dt);
        if (!parsed)
            return Error::badInput(QStringLiteral("%1: inputs[%2].dtype '%3' is unknown. Use one of: %4.")
                                       .arg(where).arg(i).arg(dt, dtypeNames().join(QLatin1String(", "))));
        t.dtype = *parsed;
        spec.inputs << t;
    }
    return spec;
}

Result<InputSpec> InputSpec::parse(const QStringList& texts)
{
    InputSpec spec;
    spec.source = Source::User;
    for (const QString& text : texts) {
        auto t = TensorSpec::parse(text);
        if (!t)
            return t.error();
        spec.inputs << *t;
    }
    return spec;
}

Result<InputSpec> InputSpec::parseLine(const QString& line)
{
    QStringList parts;
    if (line.contains(QLatin1Char(';')))
        parts = line.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    else if (line.contains(QLatin1Char('x'), Qt::CaseInsensitive))
        parts = line.split(QLatin1Char(','), Qt::SkipEmptyParts);
    else if (!line.trimmed().isEmpty())
        parts << line;
    for (QString& p : parts)
        p = p.trimmed();
    parts.removeAll(QString());
    if (parts.isEmpty())
        return Error::usage(QStringLiteral("Give at least one input shape, e.g. 1x3x224x224."));
    return parse(parts);
}

QString InputSpec::toEditString() const
{
    QStringList parts;
    for (const TensorSpec& t : inputs)
        parts << t.toString();
    return parts.join(QLatin1String("; "));
}

QStringList InputSpec::sidecarCandidates(const QString& modelPath)
{
    const QFileInfo fi(modelPath);
    return {fi.path() + QLatin1Char('/') + fi.completeBaseName() + QLatin1String(".json"),
            fi.filePath() + QLatin1String(".json")};
}

Result<InputSpec> InputSpec::readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::badInput(QStringLiteral("Cannot read the input spec %1: %2.").arg(paths::pretty(path), f.errorString()));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error::badInput(QStringLiteral("%1 is not valid JSON (%2 at byte %3). Fix or delete it.")
                                   .arg(paths::pretty(path), pe.errorString()).arg(pe.offset));
    if (!doc.isObject())
        return Error::badInput(QStringLiteral("%1 must hold a JSON object with an \"inputs\" list.").arg(paths::pretty(path)));
    auto spec = fromJson(doc.object(), path);
    if (spec)
        spec->source = Source::Sidecar;
    return spec;
}

Result<InputSpec> InputSpec::readSidecar(const QString& modelPath)
{
    for (const QString& candidate : sidecarCandidates(modelPath)) {
        if (QFileInfo(candidate).isFile())
            return readFile(candidate);
    }
    return InputSpec{};
}

Status InputSpec::writeFile(const InputSpec& spec, const QString& path)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error::io(QStringLiteral("Cannot write %1: %2.").arg(paths::pretty(path), f.errorString()));
    f.write(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Indented));
    if (!f.commit())
        return Error::io(QStringLiteral("Cannot write %1: %2.").arg(paths::pretty(path), f.errorString()));
    return {};
}

} // namespace qs
