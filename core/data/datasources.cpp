// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/CPUGeneratorImpl.h>
#include <torch/script.h>

#include "datasources_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/data/idxfile.h"
#include "core/data/imagefolder.h"
#include "core/data/tensorfile_p.h"
#include "core/model/tensorutil_p.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>

namespace qs::detail {

namespace {

bool isContiguousRange(const std::vector<int64_t>& idx)
{
    return !idx.empty() && idx.back() - idx.front() == int64_t(idx.size()) - 1;
}

at::Tensor take(const at::Tensor& t, const std::vector<int64_t>& idx)
{
    if (isContiguousRange(idx))
        return t.slice(0, idx.front(), idx.back() + 1);
    return t.index_select(0, at::tensor(idx, at::kLong));
}

InputSpec specOf(const std::vector<at::Tensor>& inputs, const QString& origin)
{
    InputSpec spec;
    spec.source = InputSpec::Source::Dataset;
    spec.origin = origin;
    for (const at::Tensor& t : inputs) {
        TensorSpec s;
        s.shape << 1;
        for (int64_t d = 1; d < t.dim(); ++d)
            s.shape << t.size(d);
        s.dtype = fromScalarType(t.scalar_type()).value_or(DType::Float32);
        spec.inputs << s;
    }
    return spec;
}

qint64 bytesOf(const std::vector<at::Tensor>& ts)
{
    qint64 b = 0;
    for (const at::Tensor& t : ts)
        b += tensorBytes(t);
    return b;
}

// Labels must be whole numbers >= 0, one per sample. One-hot rows are turned into indices.
Result<at::Tensor> checkLabels(at::Tensor labels, int64_t count, const QString& file, QStringList& notes)
{
    const QString shown = paths::pretty(file);
    if (labels.dim() == 2 && labels.size(0) == count && labels.size(1) > 1) {
        const at::Tensor asFloat = labels.to(at::kDouble);
        if (asFloat.eq(0).logical_or(asFloat.eq(1)).all().item<bool>() && asFloat.sum(1).eq(1).all().item<bool>()) {
            notes << QStringLiteral("one-hot labels turned into class indices");
            labels = asFloat.argmax(1);
        }
    }
    if (labels.dim() != 1)
        return Error::badInput(QStringLiteral("The labels in %1 have shape %2; they must be one class index per sample (shape [%3]).")
                                   .arg(shown, shapeString(labels.sizes())).arg(count));
    if (labels.size(0) != count)
        return Error::badInput(QStringLiteral("%1 has %2 labels for %3 inputs. Give exactly one label per input sample.")
                                   .arg(shown).arg(labels.size(0)).arg(count));
    if (labels.is_floating_point()) {
        if (!labels.eq(labels.round()).all().item<bool>())
            return Error::badInput(QStringLiteral("The labels in %1 are not whole numbers (dtype %2); they must be class indices.")
                                       .arg(shown, scalarTypeName(labels.scalar_type())));
    } else if (labels.scalar_type() == at::kBool || !at::isIntegralType(labels.scalar_type(), false)) {
        return Error::badInput(QStringLiteral("The labels in %1 have dtype %2; they must be integer class indices.")
                                   .arg(shown, scalarTypeName(labels.scalar_type())));
    }
    labels = labels.to(at::kLong).contiguous();
    if (count > 0) {
        const int64_t lo = labels.min().item<int64_t>();
        if (lo < 0) {
            const int64_t at = labels.lt(0).nonzero().flatten()[0].item<int64_t>();
            return Error::badInput(QStringLiteral("%1 has a negative label (%2 at sample %3); labels are class indices 0..C-1.")
                                       .arg(shown).arg(lo).arg(at));
        }
    }
    return labels;
}

// ---- tensor files -------------------------------------------------------------------------

class TensorSource : public DataSource
{
public:
    TensorSource(std::vector<at::Tensor> inputs, at::Tensor labels) : m_inputs(std::move(inputs)), m_labels(std::move(labels)) {}
    qint64 count() const override { return m_inputs.front().size(0); }
    Result<std::vector<at::Tensor>> inputs(const std::vector<int64_t>& idx) const override
    {
        std::vector<at::Tensor> out;
        for (const at::Tensor& t : m_inputs)
            out.push_back(take(t, idx));
        return out;
    }
    at::Tensor labels() const override { return m_labels; }

private:
    std::vector<at::Tensor> m_inputs;
    at::Tensor m_labels;
};

Result<std::vector<at::Tensor>> tensorsIn(const c10::IValue& v, const QString& what, const QString& file)
{
    std::vector<at::Tensor> out;
    if (v.isTensor()) {
        out.push_back(v.toTensor());
        return out;
    }
    if (v.isTuple() || v.isList()) {
        const auto elems = v.isTuple() ? v.toTupleRef().elements().vec() : v.toListRef().vec();
        for (size_t i = 0; i < elems.size(); ++i) {
            if (!elems[i].isTensor())
                return Error::badInput(QStringLiteral("%1 in %2: element %3 is a %4, not a tensor.")
                                           .arg(what, paths::pretty(file)).arg(i).arg(QString::fromStdString(elems[i].tagKind())));
            out.push_back(elems[i].toTensor());
        }
        if (!out.empty())
            return out;
    }
    return Error::badInput(QStringLiteral("%1 in %2 is a %3; expected a tensor or a tuple/list of tensors.")
                               .arg(what, paths::pretty(file), QString::fromStdString(v.tagKind())));
}

QString findKey(const c10::impl::GenericDict& dict, std::initializer_list<const char*> names)
{
    for (const char* n : names) {
        for (const auto& kv : dict) {
            if (kv.key().isString() && kv.key().toStringRef() == n)
                return QString::fromLatin1(n);
        }
    }
    return {};
}

} // namespace

Result<OpenedSource> openTensors(std::vector<at::Tensor> inputs, at::Tensor labels, const QString& name)
{
    OpenedSource o;
    o.info.kind = DatasetInfo::Kind::TensorFile;
    o.info.path = name;
    const QString shown = paths::pretty(name);
    if (inputs.empty())
        return Error::badInput(QStringLiteral("%1 holds no input tensor.").arg(shown));
    for (size_t i = 0; i < inputs.size(); ++i) {
        at::Tensor& t = inputs[i];
        if (t.dim() == 0)
            return Error::badInput(QStringLiteral("Input %1 in %2 is a single number; inputs need a first (sample) dimension.").arg(i).arg(shown));
        if (t.is_quantized() || !fromScalarType(t.scalar_type()))
            return Error::badInput(QStringLiteral("Input %1 in %2 has dtype %3, which models do not take as input.")
                                       .arg(i).arg(shown, scalarTypeName(t.scalar_type())));
        if (t.size(0) != inputs.front().size(0))
            return Error::badInput(QStringLiteral("The inputs in %1 disagree on the sample count: input 0 has %2, input %3 has %4.")
                                       .arg(shown).arg(inputs.front().size(0)).arg(i).arg(t.size(0)));
        t = t.detach();
        if (t.requires_grad())
            t = t.set_requires_grad(false);
    }
    if (inputs.front().size(0) == 0)
        return Error::badInput(QStringLiteral("%1 holds no samples (the inputs have 0 rows).").arg(shown));
    if (labels.defined()) {
        auto checked = checkLabels(labels, inputs.front().size(0), name, o.info.notes);
        if (!checked)
            return checked.error();
        labels = *checked;
    }
    o.info.totalSamples = inputs.front().size(0);
    o.info.hasLabels = labels.defined();
    o.info.inputSpec = specOf(inputs, name);
    o.info.bytesInMemory = bytesOf(inputs) + (labels.defined() ? tensorBytes(labels) : 0);
    o.source = std::make_shared<TensorSource>(std::move(inputs), labels);
    return o;
}

Result<OpenedSource> openTensorFile(const QString& path, const DatasetOptions& options)
{
    Q_UNUSED(options);
    auto loaded = loadTorchFile(path);
    if (!loaded)
        return loaded.error();
    const c10::IValue& v = *loaded;
    const QString shown = paths::pretty(path);
    std::vector<at::Tensor> inputs;
    at::Tensor labels;
    QStringList classes;
    QStringList notes;
    if (v.isTensor()) {
        inputs.push_back(v.toTensor());
        notes << QStringLiteral("a bare tensor: inputs without labels");
    } else if (v.isGenericDict()) {
        const auto dict = v.toGenericDict();
        const QString inKey = findKey(dict, {"inputs", "input", "x", "data", "images", "features"});
        if (inKey.isEmpty()) {
            QStringList keys;
            for (const auto& kv : dict)
                keys << (kv.key().isString() ? QString::fromStdString(kv.key().toStringRef()) : QStringLiteral("?"));
            return Error::badInput(QStringLiteral("%1 is a dict with keys %2 but no \"inputs\". Save it as torch.save({\"inputs\": X, \"labels\": y}, "
                                                  "path); a state_dict of a model is not data.")
                                       .arg(shown, keys.join(QLatin1String(", "))));
        }
        auto t = tensorsIn(dict.at(inKey.toStdString()), QStringLiteral("\"%1\"").arg(inKey), path);
        if (!t)
            return t.error();
        inputs = *t;
        const QString labelKey = findKey(dict, {"labels", "label", "y", "targets", "target"});
        if (!labelKey.isEmpty()) {
            const c10::IValue lv = dict.at(labelKey.toStdString());
            if (!lv.isTensor())
                return Error::badInput(QStringLiteral("\"%1\" in %2 is a %3, not a tensor of class indices.")
                                           .arg(labelKey, shown, QString::fromStdString(lv.tagKind())));
            labels = lv.toTensor();
        }
        const QString classKey = findKey(dict, {"classes", "class_names"});
        if (!classKey.isEmpty()) {
            const c10::IValue cv = dict.at(classKey.toStdString());
            if (cv.isList()) {
                for (const c10::IValue& c : cv.toListRef()) {
                    if (c.isString())
                        classes << QString::fromStdString(c.toStringRef());
                }
            }
        }
    } else if (v.isTuple() || v.isList()) {
        auto t = tensorsIn(v, QStringLiteral("The tuple"), path);
        if (!t)
            return t.error();
        inputs = *t;
        // (inputs..., labels): the last element is labels when it is a 1-D integer tensor with
        // one entry per sample, as torch.save((X, y), f) writes.
        if (inputs.size() >= 2) {
            const at::Tensor& last = inputs.back();
            if (last.dim() == 1 && at::isIntegralType(last.scalar_type(), false) && last.size(0) == inputs.front().size(0)) {
                labels = last;
                inputs.pop_back();
                notes << QStringLiteral("last tuple element taken as labels");
            } else {
                notes << QStringLiteral("every tuple element taken as an input (the last is not 1-D integer labels)");
            }
        }
    } else {
        return Error::badInput(QStringLiteral("%1 holds a %2; expected torch.save({\"inputs\": X, \"labels\": y}, path), a tuple (X, y) or a tensor.")
                                   .arg(shown, QString::fromStdString(v.tagKind())));
    }
    auto o = openTensors(std::move(inputs), labels, path);
    if (!o)
        return o;
    o->info.classNames = classes;
    o->info.notes = notes + o->info.notes;
    return o;
}

// ---- IDX ----------------------------------------------------------------------------------

namespace {

class IdxSource : public DataSource
{
public:
    IdxSource(at::Tensor raw, at::Tensor labels, const DatasetOptions& o, bool addChannel)
        : m_raw(std::move(raw)), m_labels(std::move(labels)), m_scale(o.scale), m_addChannel(addChannel)
    {
        const int64_t channels = m_addChannel ? 1 : (m_raw.dim() >= 4 ? m_raw.size(1) : 1);
        if (!o.mean.isEmpty() || !o.std.isEmpty()) {
            std::vector<double> mean(size_t(channels), 0.0), std(size_t(channels), 1.0);
            for (int64_t c = 0; c < channels; ++c) {
                if (!o.mean.isEmpty())
                    mean[size_t(c)] = o.mean.value(int(c), o.mean.first());
                if (!o.std.isEmpty())
                    std[size_t(c)] = o.std.value(int(c), o.std.first());
            }
            std::vector<int64_t> shape{1, channels};
            const int64_t outDim = m_raw.dim() + (m_addChannel ? 1 : 0);
            for (int64_t d = 2; d < outDim; ++d)
                shape.push_back(1);
            m_mean = at::tensor(mean, at::kDouble).to(at::kFloat).reshape(shape);
            m_std = at::tensor(std, at::kDouble).to(at::kFloat).reshape(shape);
        }
    }
    qint64 count() const override { return m_raw.size(0); }
    Result<std::vector<at::Tensor>> inputs(const std::vector<int64_t>& idx) const override
    {
        at::Tensor t = take(m_raw, idx).to(at::kFloat, /*non_blocking=*/false, /*copy=*/true);
        if (m_scale && m_raw.scalar_type() == at::kByte)
            t.div_(255.0);
        if (m_addChannel)
            t = t.unsqueeze(1);
        if (m_mean.defined())
            t = t.sub_(m_mean).div_(m_std);
        return std::vector<at::Tensor>{t};
    }
    at::Tensor labels() const override { return m_labels; }

private:
    at::Tensor m_raw;
    at::Tensor m_labels;
    at::Tensor m_mean, m_std;
    bool m_scale;
    bool m_addChannel;
};

at::ScalarType idxScalarType(IdxArray::Type t)
{
    switch (t) {
    case IdxArray::Type::UInt8: return at::kByte;
    case IdxArray::Type::Int8: return at::kChar;
    case IdxArray::Type::Int16: return at::kShort;
    case IdxArray::Type::Int32: return at::kInt;
    case IdxArray::Type::Float32: return at::kFloat;
    case IdxArray::Type::Float64: return at::kDouble;
    }
    return at::kByte;
}

// A tensor over the array's bytes; the deleter keeps the (implicitly shared) buffer alive.
at::Tensor tensorOver(const IdxArray& a)
{
    std::vector<int64_t> shape(a.shape.begin(), a.shape.end());
    QByteArray keep = a.data;
    void* data = const_cast<char*>(keep.constData());
    return at::from_blob(data, shape, [keep](void*) mutable { keep.clear(); }, at::TensorOptions().dtype(idxScalarType(a.type)));
}

} // namespace

QString idxLabelsFor(const QString& imagesPath)
{
    const QFileInfo fi(imagesPath);
    const QString name = fi.fileName();
    QStringList candidates;
    auto add = [&](QString n) {
        if (n == name)
            return;
        candidates << n;
        if (n.endsWith(QLatin1String(".gz")))
            candidates << n.chopped(3);
        else
            candidates << n + QLatin1String(".gz");
    };
    add(QString(name).replace(QLatin1String("images-idx3"), QLatin1String("labels-idx1")));
    add(QString(name).replace(QLatin1String("images"), QLatin1String("labels")).replace(QLatin1String("idx3"), QLatin1String("idx1")));
    add(QString(name).replace(QLatin1String("images"), QLatin1String("labels")));
    add(QString(name).replace(QLatin1String("Images"), QLatin1String("Labels")));
    for (const QString& c : candidates) {
        const QString p = fi.dir().filePath(c);
        if (QFileInfo(p).isFile())
            return p;
    }
    return {};
}

Result<OpenedSource> openIdx(const QString& imagesPath, const DatasetOptions& options)
{
    const QString shown = paths::pretty(imagesPath);
    // Reading only the first N items is the fast path for "--samples N".
    const qint64 maxItems = options.fraction > 0 ? -1 : options.limit;
    auto images = readIdxFile(imagesPath, maxItems);
    if (!images)
        return images.error();
    if (images->shape.size() == 1)
        return Error::badInput(QStringLiteral("%1 is an IDX labels file (one number per sample). Give the images file (e.g. "
                                              "t10k-images-idx3-ubyte.gz); its labels are found next to it.").arg(shown));
    OpenedSource o;
    o.info.kind = DatasetInfo::Kind::Idx;
    o.info.path = imagesPath;
    QString labelsPath = options.labelsPath.isEmpty() ? idxLabelsFor(imagesPath) : options.labelsPath;
    at::Tensor labels;
    if (!labelsPath.isEmpty()) {
        auto l = readIdxFile(labelsPath, images->count());
        if (!l)
            return l.error();
        if (l->shape.size() != 1)
            return Error::badInput(QStringLiteral("%1 is not an IDX labels file: it has %2 dimensions, labels have 1.")
                                       .arg(paths::pretty(labelsPath)).arg(l->shape.size()));
        if (l->count() != images->count())
            return Error::badInput(QStringLiteral("%1 has %2 labels for the %3 images of %4. Give the labels file of the same split.")
                                       .arg(paths::pretty(labelsPath)).arg(l->count()).arg(images->count()).arg(shown));
        labels = tensorOver(*l);
        auto checked = checkLabels(labels, images->count(), labelsPath, o.info.notes);
        if (!checked)
            return checked.error();
        labels = *checked;
        o.info.labelsPath = labelsPath;
        o.info.notes << QStringLiteral("labels from %1").arg(QFileInfo(labelsPath).fileName());
    } else {
        o.info.notes << QStringLiteral("no labels file next to %1 (expected e.g. %2): inputs only")
                            .arg(QFileInfo(imagesPath).fileName(),
                                 QString(QFileInfo(imagesPath).fileName()).replace(QLatin1String("images"), QLatin1String("labels")));
    }
    const at::Tensor raw = tensorOver(*images);
    // [N, H, W] grey images get the channel dimension models expect: [N, 1, H, W].
    const bool addChannel = raw.dim() == 3;
    if (!options.mean.isEmpty() && options.mean.size() != 1 && !(raw.dim() >= 4 && options.mean.size() == raw.size(1)))
        return Error::usage(QStringLiteral("--mean has %1 values but %2 has %3 channel(s).").arg(options.mean.size()).arg(shown)
                                .arg(raw.dim() >= 4 ? raw.size(1) : 1));
    auto source = std::make_shared<IdxSource>(raw, labels, options, addChannel);
    o.info.totalSamples = images->count();
    o.info.hasLabels = labels.defined();
    std::vector<int64_t> first{0};
    auto sample = source->inputs(first);
    o.info.inputSpec = specOf(*sample, imagesPath);
    o.info.bytesInMemory = images->data.size() + (labels.defined() ? tensorBytes(labels) : 0);
    if (maxItems > 0)
        o.info.notes << QStringLiteral("read the first %1 items only").arg(images->count());
    o.source = source;
    return o;
}

// ---- image folders ------------------------------------------------------------------------

namespace {

class ImageSource : public DataSource
{
public:
    explicit ImageSource(ImageFolder folder) : m_folder(std::move(folder))
    {
        if (m_folder.hasLabels()) {
            std::vector<int64_t> l;
            l.reserve(size_t(m_folder.count()));
            for (qint64 i = 0; i < m_folder.count(); ++i)
                l.push_back(m_folder.label(i));
            m_labels = at::tensor(l, at::kLong);
        }
    }
    qint64 count() const override { return m_folder.count(); }
    Result<std::vector<at::Tensor>> inputs(const std::vector<int64_t>& idx) const override
    {
        at::Tensor t = at::empty({int64_t(idx.size()), m_folder.channels(), m_folder.height(), m_folder.width()}, at::kFloat);
        if (Status st = m_folder.decodeMany(QVector<qint64>(idx.begin(), idx.end()), t.data_ptr<float>()); !st)
            return st.error();
        return std::vector<at::Tensor>{t};
    }
    at::Tensor labels() const override { return m_labels; }
    const ImageFolder& folder() const { return m_folder; }

private:
    ImageFolder m_folder;
    at::Tensor m_labels;
};

} // namespace

Result<OpenedSource> openImageFolder(const QString& dir, const DatasetOptions& options)
{
    auto folder = ImageFolder::scan(dir, options);
    if (!folder)
        return folder.error();
    OpenedSource o;
    o.info.kind = DatasetInfo::Kind::ImageFolder;
    o.info.path = dir;
    o.info.totalSamples = folder->count();
    o.info.hasLabels = folder->hasLabels();
    o.info.classNames = folder->classes();
    o.info.skippedFiles = folder->skipped();
    o.info.skippedExamples = folder->skippedExamples();
    o.info.notes = folder->notes();
    if (folder->skipped() > 0)
        o.info.notes.prepend(QStringLiteral("%1 file(s) that are not images skipped").arg(folder->skipped()));
    TensorSpec s;
    s.shape = {1, folder->channels(), folder->height(), folder->width()};
    o.info.inputSpec.inputs << s;
    o.info.inputSpec.source = InputSpec::Source::Dataset;
    o.info.inputSpec.origin = dir;
    o.info.bytesInMemory = folder->count() * qint64(sizeof(qint64));
    o.source = std::make_shared<ImageSource>(std::move(*folder));
    return o;
}

// ---- random -------------------------------------------------------------------------------

namespace {

class RandomSource : public DataSource
{
public:
    RandomSource(InputSpec spec, qint64 count, quint64 seed) : m_spec(std::move(spec)), m_count(count), m_seed(seed) {}
    qint64 count() const override { return m_count; }
    Result<std::vector<at::Tensor>> inputs(const std::vector<int64_t>& idx) const override
    {
        std::vector<at::Tensor> out;
        for (int k = 0; k < m_spec.inputs.size(); ++k) {
            const TensorSpec& ts = m_spec.inputs[k];
            std::vector<int64_t> shape{int64_t(idx.size())};
            for (int d = 1; d < ts.shape.size(); ++d)
                shape.push_back(ts.shape[d]);
            const auto type = toScalarType(ts.dtype);
            if (!isFloatingPoint(ts.dtype)) {
                // Zeros are valid indices for embeddings and valid masks.
                out.push_back(at::zeros(shape, at::TensorOptions().dtype(type)));
                continue;
            }
            at::Tensor t = at::empty(shape, at::kFloat);
            // One generator per sample: sample i is the same whatever the batch size or subset.
            for (size_t i = 0; i < idx.size(); ++i) {
                auto gen = at::make_generator<at::CPUGeneratorImpl>(m_seed * 1000003ULL + uint64_t(idx[i]) * 31ULL + uint64_t(k));
                t[int64_t(i)].normal_(0.0, 1.0, gen);
            }
            out.push_back(type == at::kFloat ? t : t.to(type));
        }
        return out;
    }
    at::Tensor labels() const override { return {}; }

private:
    InputSpec m_spec;
    qint64 m_count;
    quint64 m_seed;
};

} // namespace

Result<OpenedSource> openRandom(const InputSpec& spec, const DatasetOptions& options, const QString& text)
{
    if (spec.isEmpty())
        return Error::usage(QStringLiteral("Random data needs input shapes: give random:SHAPE (e.g. random:1x3x224x224), "
                                           "or --input / a sidecar for the model."));
    const qint64 count = options.limit > 0 ? options.limit : options.randomCount;
    if (count <= 0)
        return Error::usage(QStringLiteral("Random data needs a positive sample count, not %1.").arg(count));
    OpenedSource o;
    o.info.kind = DatasetInfo::Kind::Random;
    o.info.path = text;
    o.info.totalSamples = count;
    o.info.inputSpec = spec.withBatch(1);
    o.info.inputSpec.source = InputSpec::Source::Dataset;
    o.info.inputSpec.origin = text;
    o.info.notes << QStringLiteral("seeded random inputs (seed %1): normal(0, 1) floats, zero integers").arg(options.seed);
    o.source = std::make_shared<RandomSource>(o.info.inputSpec, count, options.seed);
    return o;
}

} // namespace qs::detail
