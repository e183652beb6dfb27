// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/CPUGeneratorImpl.h>
#include <torch/script.h>

#include "dataset_p.h"

#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/data/datasources_p.h"
#include "core/data/imagefolder.h"
#include "core/model/tensorutil_p.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QLocale>

#include <numeric>

namespace qs {

namespace {

enum class FileKind { TorchZip, Gzip, RawIdx, Pickle, Image, Unknown };

FileKind sniff(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return FileKind::Unknown;
    const QByteArray head = f.read(8);
    const auto byte = [&](int i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0u; };
    if (head.startsWith("PK\x03\x04"))
        return FileKind::TorchZip;
    if (byte(0) == 0x1f && byte(1) == 0x8b)
        return FileKind::Gzip;
    if (head.size() >= 4 && byte(0) == 0 && byte(1) == 0 && byte(2) >= 0x08 && byte(2) <= 0x0E && byte(3) >= 1 && byte(3) <= 8)
        return FileKind::RawIdx;
    if (byte(0) == 0x80)
        return FileKind::Pickle;
    const QString lower = path.toLower();
    for (const QString& ext : ImageFolder::imageExtensions()) {
        if (lower.endsWith(ext))
            return FileKind::Image;
    }
    return FileKind::Unknown;
}

// An IDX images file inside a folder (e.g. /usr/share/datasets/fashion-mnist): the test split
// when there are several, because evaluation is what folders of IDX files are given for.
QString idxImagesIn(const QString& dir, QStringList& notes)
{
    QStringList images;
    for (const QString& name : QDir(dir).entryList(QDir::Files, QDir::Name)) {
        if (name.contains(QLatin1String("images"), Qt::CaseInsensitive) && name.contains(QLatin1String("idx"), Qt::CaseInsensitive))
            images << name;
    }
    if (images.isEmpty())
        return {};
    QString pick = images.first();
    for (const QString& name : images) {
        if (name.contains(QLatin1String("t10k")) || name.contains(QLatin1String("test"), Qt::CaseInsensitive))
            pick = name;
    }
    if (images.size() > 1)
        notes << QStringLiteral("%1 IDX image files in the folder; using %2").arg(images.size()).arg(pick);
    return QDir(dir).filePath(pick);
}

std::vector<int64_t> subsetIndices(qint64 total, qint64 limit, double fraction, quint64 seed)
{
    std::vector<int64_t> idx;
    if (fraction > 0 && fraction < 1) {
        const int64_t keep = std::max<int64_t>(1, std::llround(fraction * double(total)));
        auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
        const at::Tensor perm = at::randperm(total, gen, at::kLong).slice(0, 0, keep);
        const at::Tensor sorted = std::get<0>(perm.sort());
        idx.assign(sorted.data_ptr<int64_t>(), sorted.data_ptr<int64_t>() + keep);
    } else {
        idx.resize(size_t(total));
        std::iota(idx.begin(), idx.end(), int64_t(0));
    }
    if (limit > 0 && limit < int64_t(idx.size()))
        idx.resize(size_t(limit));
    return idx;
}

Dataset makeDataset(std::shared_ptr<const detail::DataSource> source, DatasetInfo info, qint64 limit, double fraction, quint64 seed)
{
    auto impl = std::make_shared<Dataset::Impl>();
    impl->source = std::move(source);
    impl->indices = subsetIndices(impl->source->count(), limit, fraction, seed);
    const at::Tensor all = impl->source->labels();
    if (all.defined() && !impl->indices.empty()) {
        const auto& idx = impl->indices;
        impl->labels = idx.back() - idx.front() == int64_t(idx.size()) - 1 ? all.slice(0, idx.front(), idx.back() + 1)
                                                                            : all.index_select(0, at::tensor(idx, at::kLong));
        info.labelMin = impl->labels.min().item<int64_t>();
        info.labelMax = impl->labels.max().item<int64_t>();
    }
    info.totalSamples = impl->source->count();
    info.samples = qint64(impl->indices.size());
    QStringList subset;
    if (fraction > 0 && fraction < 1)
        subset << QStringLiteral("random %1% (seed %2)").arg(fraction * 100, 0, 'g', 4).arg(seed);
    if (limit > 0 && limit < info.totalSamples)
        subset << QStringLiteral("first %1").arg(limit);
    info.subset = subset.join(QLatin1String(", "));
    if (limit > info.totalSamples && fraction <= 0)
        info.notes << QStringLiteral("%1 samples asked for, the data has %2").arg(limit).arg(info.totalSamples);
    impl->info = std::move(info);
    Dataset d;
    d.d = impl;
    return d;
}

Status checkSubsetOptions(const DatasetOptions& o)
{
    if (o.fraction != -1 && (o.fraction <= 0 || o.fraction > 1 || std::isnan(o.fraction)))
        return Error::usage(QStringLiteral("The subset fraction must be in (0, 1] (e.g. 0.1 or 10%), not %1.").arg(o.fraction));
    return {};
}

} // namespace

QString DatasetOptions::describe() const
{
    QStringList parts;
    if (fraction > 0 && fraction < 1)
        parts << QStringLiteral("random %1% (seed %2)").arg(fraction * 100, 0, 'g', 4).arg(seed);
    if (limit > 0)
        parts << QStringLiteral("first %1").arg(limit);
    if (resize > 0)
        parts << QStringLiteral("resize %1").arg(resize);
    if (cropWidth > 0)
        parts << QStringLiteral("crop %1x%2").arg(cropWidth).arg(cropHeight);
    if (color == Color::Bgr)
        parts << QStringLiteral("BGR");
    if (color == Color::Grayscale)
        parts << QStringLiteral("grayscale");
    auto list = [](const QVector<double>& v) {
        QStringList s;
        for (double x : v)
            s << QString::number(x);
        return s.join(QLatin1Char(','));
    };
    if (!mean.isEmpty())
        parts << QStringLiteral("mean %1").arg(list(mean));
    if (!std.isEmpty())
        parts << QStringLiteral("std %1").arg(list(std));
    if (!scale)
        parts << QStringLiteral("unscaled 0..255");
    return parts.join(QLatin1String(", "));
}

QString DatasetInfo::kindName(Kind k)
{
    switch (k) {
    case Kind::TensorFile: return QStringLiteral("tensor-file");
    case Kind::ImageFolder: return QStringLiteral("image-folder");
    case Kind::Idx: return QStringLiteral("idx");
    case Kind::Random: return QStringLiteral("random");
    }
    return {};
}

QString DatasetInfo::summary() const
{
    const QLocale c = QLocale::c();
    QStringList shapes;
    for (const TensorSpec& s : inputSpec.inputs) {
        QStringList dims;
        for (int i = 1; i < s.shape.size(); ++i)
            dims << QString::number(s.shape[i]);
        shapes << (dims.isEmpty() ? QStringLiteral("scalar") : dims.join(QLatin1Char('x'))) + QLatin1Char(' ') + dtypeName(s.dtype);
    }
    QString text = QStringLiteral("%1: %2 samples of %3").arg(kind == Kind::Random ? path : QFileInfo(path).fileName(),
                                                              c.toString(samples), shapes.join(QLatin1String(" + ")));
    if (samples != totalSamples)
        text += QStringLiteral(" (of %1)").arg(c.toString(totalSamples));
    if (hasLabels) {
        const qint64 classes = classNames.isEmpty() ? labelMax + 1 : classNames.size();
        text += QStringLiteral(", with labels (%1 classes)").arg(classes);
    } else {
        text += QStringLiteral(", no labels");
    }
    return text;
}

QJsonObject DatasetInfo::toJson() const
{
    QJsonObject o{{QStringLiteral("kind"), kindName(kind)},
                  {QStringLiteral("path"), path},
                  {QStringLiteral("samples"), samples},
                  {QStringLiteral("total_samples"), totalSamples},
                  {QStringLiteral("subset"), subset},
                  {QStringLiteral("labels"), hasLabels},
                  {QStringLiteral("input_spec"), inputSpec.toJson().value(QStringLiteral("inputs"))},
                  {QStringLiteral("load_seconds"), loadSeconds},
                  {QStringLiteral("bytes_in_memory"), bytesInMemory}};
    if (!labelsPath.isEmpty())
        o.insert(QStringLiteral("labels_path"), labelsPath);
    if (!classNames.isEmpty())
        o.insert(QStringLiteral("classes"), QJsonArray::fromStringList(classNames));
    if (skippedFiles > 0)
        o.insert(QStringLiteral("skipped_files"), skippedFiles);
    if (!notes.isEmpty())
        o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(notes));
    return o;
}

Dataset::Dataset() = default;
Dataset::~Dataset() = default;
Dataset::Dataset(const Dataset&) = default;
Dataset& Dataset::operator=(const Dataset&) = default;

bool Dataset::isNull() const { return !d; }

const DatasetInfo& Dataset::info() const
{
    static const DatasetInfo empty;
    return d ? d->info : empty;
}

qint64 Dataset::size() const { return d ? qint64(d->indices.size()) : 0; }
bool Dataset::hasLabels() const { return d && d->labels.defined(); }

QVector<qint64> Dataset::labels() const
{
    if (!hasLabels())
        return {};
    const int64_t* p = d->labels.data_ptr<int64_t>();
    return QVector<qint64>(p, p + d->labels.numel());
}

qint64 Dataset::sourceIndex(qint64 i) const
{
    return d && i >= 0 && i < size() ? d->indices[size_t(i)] : -1;
}

Dataset Dataset::subset(qint64 limit, double fraction, quint64 seed) const
{
    if (!d)
        return {};
    DatasetInfo info = d->info;
    return makeDataset(d->source, info, limit, fraction, seed);
}

Result<Dataset> Dataset::open(const QString& source, const DatasetOptions& options, const InputSpec& modelSpec)
{
    if (Status st = checkSubsetOptions(options); !st)
        return st.error();
    QElapsedTimer timer;
    timer.start();
    Result<detail::OpenedSource> opened = Error(Error::Kind::Internal, QString());
    QStringList notes;
    const QString lower = source.trimmed().toLower();
    if (lower == QLatin1String("random") || lower.startsWith(QLatin1String("random:"))) {
        InputSpec spec = modelSpec;
        if (lower.startsWith(QLatin1String("random:"))) {
            auto parsed = InputSpec::parseLine(source.trimmed().mid(7));
            if (!parsed)
                return Error::usage(QStringLiteral("%1 (in --data %2)").arg(parsed.error().message, source));
            spec = *parsed;
        }
        opened = detail::openRandom(spec, options, source.trimmed());
    } else {
        const QFileInfo fi(source);
        const QString shown = paths::pretty(source);
        if (!fi.exists())
            return Error::badInput(QStringLiteral("The data %1 does not exist. Give a tensor file (.pt), an image folder, an IDX file "
                                                  "or random:SHAPE.").arg(shown));
        if (!fi.isReadable())
            return Error::badInput(QStringLiteral("Cannot read %1: permission denied.").arg(shown));
        if (fi.isDir()) {
            const QString idx = idxImagesIn(source, notes);
            opened = idx.isEmpty() ? detail::openImageFolder(source, options) : detail::openIdx(idx, options);
        } else {
            switch (sniff(source)) {
            case FileKind::TorchZip:
            case FileKind::Pickle:
                opened = detail::openTensorFile(source, options);
                break;
            case FileKind::Gzip:
            case FileKind::RawIdx:
                opened = detail::openIdx(source, options);
                break;
            case FileKind::Image:
                return Error::badInput(QStringLiteral("%1 is a single image. Put images in a folder (one subfolder per class for labels) "
                                                      "and give the folder.").arg(shown));
            case FileKind::Unknown:
                if (fi.size() == 0)
                    return Error::badInput(QStringLiteral("%1 is empty (0 bytes). It was probably not written completely; save or copy it again.")
                                               .arg(shown));
                return Error::badInput(QStringLiteral("%1 is not a data file Quantscope reads: give a torch.save'd tensor file, an image folder, "
                                                      "an IDX file (MNIST format, .gz or not) or random:SHAPE.").arg(shown));
            }
        }
    }
    if (!opened)
        return opened.error();
    DatasetInfo info = opened->info;
    info.notes = notes + info.notes;
    info.loadSeconds = double(timer.nsecsElapsed()) / 1e9;
    Dataset data = makeDataset(opened->source, info, info.kind == DatasetInfo::Kind::Random ? -1 : options.limit, options.fraction,
                               options.seed);
    qCDebug(lcData) << "opened" << data.info().summary() << "in" << data.info().loadSeconds << "s";
    return data;
}

Result<Dataset> Dataset::random(const InputSpec& spec, const DatasetOptions& options)
{
    QStringList text;
    for (const TensorSpec& t : spec.inputs)
        text << t.toString();
    auto opened = detail::openRandom(spec, options, QStringLiteral("random:") + text.join(QLatin1Char(';')));
    if (!opened)
        return opened.error();
    return makeDataset(opened->source, opened->info, -1, options.fraction, options.seed);
}

Status Dataset::checkAgainst(const InputSpec& spec, bool* reshapable) const
{
    if (reshapable)
        *reshapable = false;
    const InputSpec& mine = info().inputSpec;
    const QString dataName = info().kind == DatasetInfo::Kind::Random ? info().path : paths::pretty(info().path);
    auto perSample = [](const TensorSpec& t) {
        QStringList dims;
        for (int i = 1; i < t.shape.size(); ++i)
            dims << QString::number(t.shape[i]);
        return (dims.isEmpty() ? QStringLiteral("scalars") : dims.join(QLatin1Char('x'))) + QLatin1Char(' ') + dtypeName(t.dtype);
    };
    const QString from = spec.origin.isEmpty() ? QString() : QStringLiteral(" (per %1)").arg(paths::pretty(spec.origin));
    if (spec.inputs.size() != mine.inputs.size())
        return Error::badInput(QStringLiteral("%1 gives %2 input(s) per sample but the model takes %3%4.")
                                   .arg(dataName).arg(mine.inputs.size()).arg(spec.inputs.size()).arg(from));
    bool allReshapable = true;
    QStringList problems;
    for (int i = 0; i < spec.inputs.size(); ++i) {
        const TensorSpec& want = spec.inputs[i];
        const TensorSpec& have = mine.inputs[i];
        if (want.dtype != have.dtype)
            allReshapable = false;
        const bool sameShape = want.shape.mid(1) == have.shape.mid(1);
        if (sameShape && want.dtype == have.dtype)
            continue;
        if (want.numel() / std::max<qint64>(1, want.shape.value(0, 1)) != have.numel() / std::max<qint64>(1, have.shape.value(0, 1)))
            allReshapable = false;
        problems << QStringLiteral("input %1: the data has %2, the model takes %3").arg(i).arg(perSample(have), perSample(want));
    }
    if (problems.isEmpty())
        return {};
    if (reshapable)
        *reshapable = allReshapable;
    QString hint = QStringLiteral("Give data of the model's shape");
    if (info().kind == DatasetInfo::Kind::ImageFolder)
        hint += QStringLiteral(" (image folders: --resize, --crop, --grayscale)");
    return Error::badInput(QStringLiteral("The samples of %1 do not fit the model%2: %3. %4, or fix the model's input spec (--input or its sidecar).")
                               .arg(dataName, from, problems.join(QLatin1String("; ")), hint));
}

bool Dataset::looksLikeData(const QString& path)
{
    const QFileInfo fi(path);
    if (fi.isDir())
        return true;
    const QString n = fi.fileName().toLower();
    return n.endsWith(QLatin1String(".pt")) || n.endsWith(QLatin1String(".pth")) || n.endsWith(QLatin1String(".gz"))
           || n.contains(QLatin1String("ubyte")) || n.endsWith(QLatin1String(".idx"));
}

namespace detail {

Result<Batch> batchOf(const Dataset& data, qint64 first, qint64 count)
{
    Batch b;
    b.first = first;
    if (!data.d || first < 0 || first >= data.size())
        return b;
    const qint64 end = std::min(data.size(), first + count);
    const std::vector<int64_t> idx(data.d->indices.begin() + first, data.d->indices.begin() + end);
    auto inputs = data.d->source->inputs(idx);
    if (!inputs)
        return inputs.error();
    b.inputs = std::move(*inputs);
    if (data.d->labels.defined())
        b.labels = data.d->labels.slice(0, first, end);
    return b;
}

at::Tensor labelsOf(const Dataset& data)
{
    return data.d ? data.d->labels : at::Tensor();
}

Result<Dataset> datasetFromTensors(const std::vector<at::Tensor>& inputs, const at::Tensor& labels, const QString& name,
                                   const DatasetOptions& options)
{
    if (Status st = checkSubsetOptions(options); !st)
        return st.error();
    auto opened = openTensors(inputs, labels, name);
    if (!opened)
        return opened.error();
    return makeDataset(opened->source, opened->info, options.limit, options.fraction, options.seed);
}

} // namespace detail

} // namespace qs
