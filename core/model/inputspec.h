// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/dtype.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QVector>

namespace qs {

/// \brief Shape and element type of one model input.
struct TensorSpec
{
    QVector<qint64> shape;
    DType dtype = DType::Float32;

    qint64 numel() const;
    /// "1x3x224x224:float32"
    QString toString() const;
    bool operator==(const TensorSpec& o) const { return shape == o.shape && dtype == o.dtype; }
    bool operator!=(const TensorSpec& o) const { return !(*this == o); }

    /// Parses "1x3x224x224", "1x32:int64", "1,3,224,224", "[1, 3, 224, 224]:float16".
    static Result<TensorSpec> parse(const QString& text);
};

/// \brief The inputs of a model's forward, in order. TorchScript does not record them, so they
/// come from the user, from a sidecar `<model>.json`, or from a dataset.
struct InputSpec
{
    enum class Source { None, User, Sidecar, Dataset };

    QVector<TensorSpec> inputs;
    Source source = Source::None;
    QString origin; ///< the sidecar file, or the dataset, it came from

    bool isEmpty() const { return inputs.isEmpty(); }
    /// "1x3x224x224:float32, 1x32:int64"
    QString toString() const;
    /// Same spec with the leading (batch) dimension of every input set to \a batch.
    InputSpec withBatch(qint64 batch) const;
    bool operator==(const InputSpec& o) const { return inputs == o.inputs; }

    QJsonObject toJson() const;
    /// `{"inputs":[{"shape":[1,3,224,224],"dtype":"float32"}]}`; \a origin names the file in errors.
    static Result<InputSpec> fromJson(const QJsonObject& object, const QString& origin);
    /// Several `--input` values, one per model input.
    static Result<InputSpec> parse(const QStringList& texts);
    /// One line holding every input: "1x3x224x224; 1x32:int64" (or "1x3x224x224, 1x32:int64"
    /// when dims are written with x). Inverse of toEditString().
    static Result<InputSpec> parseLine(const QString& line);
    /// "1x3x224x224:float32; 1x32:int64"
    QString toEditString() const;

    /// The sidecar files looked for next to a model: `model.json`, then `model.pt.json`.
    static QStringList sidecarCandidates(const QString& modelPath);
    /// Reads the sidecar next to \a modelPath. An empty spec when there is none; an error when
    /// there is one and it is wrong.
    static Result<InputSpec> readSidecar(const QString& modelPath);
    /// Reads a sidecar/spec file.
    static Result<InputSpec> readFile(const QString& path);
    /// Writes \a spec as the sidecar at \a path.
    static Status writeFile(const InputSpec& spec, const QString& path);
};

} // namespace qs

Q_DECLARE_METATYPE(qs::InputSpec)
