// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>
#include <torch/script.h>

#include "demojob.h"

#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/data/idxfile.h"
#include "core/data/tensorfile_p.h"
#include "core/model/inputspec.h"
#include "core/model/modelfactory.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QSaveFile>
#include <QtCore/QThread>

namespace qs {

namespace {

constexpr int kBatch = 64;
constexpr int kCalibrationImages = 1000;

struct Split
{
    at::Tensor images; // [N,1,28,28] float in [0,1]
    at::Tensor labels; // [N] int64
};

Result<Split> readSplit(const QString& dir, const QString& prefix)
{
    const QString imagesPath = dir + QLatin1Char('/') + prefix + QLatin1String("-images-idx3-ubyte.gz");
    const QString labelsPath = dir + QLatin1Char('/') + prefix + QLatin1String("-labels-idx1-ubyte.gz");
    if (!QFileInfo::exists(imagesPath))
        return Error::badInput(QStringLiteral("Fashion-MNIST is not installed (%1 is missing). Install Debian's "
                                              "dataset-fashion-mnist package: sudo apt-get install dataset-fashion-mnist.")
                                   .arg(imagesPath));
    auto images = readIdxFile(imagesPath);
    if (!images)
        return images.error();
    auto labels = readIdxFile(labelsPath);
    if (!labels)
        return labels.error();
    if (images->shape.size() != 3 || images->shape[1] != 28 || images->shape[2] != 28 || labels->count() != images->count())
        return Error::badInput(QStringLiteral("%1 does not hold 28x28 images matching %2.").arg(imagesPath, labelsPath));
    Split s;
    const int64_t n = images->count();
    s.images = at::from_blob(images->data.data(), {n, 1, 28, 28}, at::kByte).to(at::kFloat).div_(255.0);
    s.labels = at::from_blob(labels->data.data(), {n}, at::kByte).to(at::kLong);
    return s;
}

Status writeJson(const QString& path, const QJsonObject& o)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error::io(QStringLiteral("Cannot write %1: %2.").arg(paths::pretty(path), f.errorString()));
    f.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    if (!f.commit())
        return Error::io(QStringLiteral("Cannot write %1: %2.").arg(paths::pretty(path), f.errorString()));
    return {};
}

} // namespace

DemoJob::DemoJob(const Options& options, QObject* parent)
    : Job(QStringLiteral("Preparing the demo workspace"), parent), m_options(options)
{
    if (m_options.dir.isEmpty())
        m_options.dir = paths::demoDir();
}

Status DemoJob::run()
{
    if (!m_options.force) {
        if (auto cached = DemoWorkspace::load(m_options.dir)) {
            m_workspace = *cached;
            m_fromCache = true;
            Q_EMIT ready(m_workspace);
            return {};
        }
    }
    // Build in a sibling folder and swap it in, so that an interrupted run never leaves a
    // half-written workspace where a complete one is expected.
    const QString tmp = m_options.dir + QLatin1String(".partial");
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp))
        return Error::io(QStringLiteral("Cannot create %1. Check that the data directory is writable, or set "
                                        "QUANTSCOPE_DATA_DIR.").arg(paths::pretty(tmp)));
    // Removes the partial folder on every way out: errors, cancellation (an exception) and success.
    struct PartialGuard
    {
        QString dir;
        ~PartialGuard() { QDir(dir).removeRecursively(); }
    } guard{tmp};
    if (Status st = train(tmp); !st)
        return st;
    const QString old = m_options.dir + QLatin1String(".old");
    QDir(old).removeRecursively();
    if (QFileInfo::exists(m_options.dir) && !QDir().rename(m_options.dir, old))
        return Error::io(QStringLiteral("Cannot replace %1.").arg(paths::pretty(m_options.dir)));
    if (!QDir().rename(tmp, m_options.dir))
        return Error::io(QStringLiteral("Cannot move the demo workspace into %1.").arg(paths::pretty(m_options.dir)));
    QDir(old).removeRecursively();
    auto loaded = DemoWorkspace::load(m_options.dir);
    if (!loaded)
        return Error(Error::Kind::Internal, QStringLiteral("The demo workspace in %1 is incomplete after training.").arg(m_options.dir));
    m_workspace = *loaded;
    Q_EMIT ready(m_workspace);
    return {};
}

Status DemoJob::train(const QString& dir)
{
    setProgress(0, QStringLiteral("Reading Fashion-MNIST"));
    auto train = readSplit(DemoWorkspace::datasetDir(), QStringLiteral("train"));
    if (!train)
        return train.error();
    auto test = readSplit(DemoWorkspace::datasetDir(), QStringLiteral("t10k"));
    if (!test)
        return test.error();
    checkCancelled();

    const int previousThreads = at::get_num_threads();
    const int threads = m_options.threads > 0 ? m_options.threads : QThread::idealThreadCount();
    at::set_num_threads(threads);
    struct RestoreThreads
    {
        int n;
        ~RestoreThreads() { at::set_num_threads(n); }
    } restore{previousThreads};

    auto built = modelfactory::smallCnn(10, m_options.seed);
    if (!built)
        return built.error();
    torch::jit::Module module = detail::moduleOf(*built);

    QElapsedTimer timer;
    timer.start();
    try {
        torch::manual_seed(m_options.seed);
        auto gen = at::make_generator<at::CPUGeneratorImpl>(m_options.seed);
        std::vector<at::Tensor> params;
        for (const auto& p : module.parameters())
            params.push_back(p);
        torch::optim::Adam optimizer(params, torch::optim::AdamOptions(1e-3));
        const int64_t n = train->images.size(0);
        const int64_t stepsPerEpoch = (n + kBatch - 1) / kBatch;
        const int64_t totalSteps = stepsPerEpoch * m_options.epochs;
        int64_t step = 0;
        double runningLoss = 0;
        module.train();
        for (int epoch = 0; epoch < m_options.epochs; ++epoch) {
            const at::Tensor order = at::randperm(n, gen, at::kLong);
            for (int64_t b = 0; b < stepsPerEpoch; ++b) {
                checkCancelled();
                const at::Tensor idx = order.slice(0, b * kBatch, std::min(n, (b + 1) * kBatch));
                const at::Tensor x = train->images.index_select(0, idx);
                const at::Tensor y = train->labels.index_select(0, idx);
                optimizer.zero_grad();
                const at::Tensor logits = module.forward({x}).toTensor();
                const at::Tensor loss = at::nll_loss(at::log_softmax(logits, 1), y);
                loss.backward();
                optimizer.step();
                runningLoss = step == 0 ? loss.item<double>() : 0.98 * runningLoss + 0.02 * loss.item<double>();
                ++step;
                setProgress(int(900 * step / totalSteps),
                            QStringLiteral("Training epoch %1/%2, loss %3").arg(epoch + 1).arg(m_options.epochs).arg(runningLoss, 0, 'f', 3));
            }
        }
    } catch (const JobCancelled&) {
        throw;
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        return Error(Error::Kind::Internal, QStringLiteral("Training the demo model failed: %1").arg(f.summary), f.full);
    }
    const double trainSeconds = double(timer.elapsed()) / 1000.0;
    module.eval();

    setProgress(920, QStringLiteral("Evaluating on 10,000 test images"));
    int64_t correct = 0;
    {
        c10::InferenceMode guard;
        const int64_t n = test->images.size(0);
        for (int64_t b = 0; b < n; b += 1000) {
            checkCancelled();
            const at::Tensor x = test->images.slice(0, b, std::min(n, b + 1000));
            const at::Tensor pred = module.forward({x}).toTensor().argmax(1);
            correct += pred.eq(test->labels.slice(0, b, std::min(n, b + 1000))).sum().item<int64_t>();
        }
    }
    const double accuracy = double(correct) / double(test->images.size(0));
    qCInfo(lcDemo) << "demo CNN trained in" << trainSeconds << "s, test accuracy" << accuracy;

    setProgress(960, QStringLiteral("Writing the workspace"));
    if (Status st = detail::wrap(module).save(dir + QLatin1String("/fashion_cnn.pt")); !st)
        return st;
    InputSpec spec;
    spec.inputs << TensorSpec{{1, 1, 28, 28}, DType::Float32};
    QJsonObject sidecar = spec.toJson();
    QJsonArray classes;
    for (const QString& c : DemoWorkspace::classNames())
        classes.append(c);
    sidecar.insert(QStringLiteral("classes"), classes);
    sidecar.insert(QStringLiteral("description"),
                   QStringLiteral("Fashion-MNIST CNN trained by Quantscope; inputs are 28x28 grey images scaled to [0,1]."));
    if (Status st = writeJson(dir + QLatin1String("/fashion_cnn.json"), sidecar); !st)
        return st;

    c10::Dict<std::string, at::Tensor> testSet;
    testSet.insert("inputs", test->images);
    testSet.insert("labels", test->labels);
    if (Status st = detail::saveTorchFile(dir + QLatin1String("/fashion_test.pt"), testSet); !st)
        return st;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(m_options.seed + 1);
    const at::Tensor pick = at::randperm(train->images.size(0), gen, at::kLong).slice(0, 0, kCalibrationImages);
    c10::Dict<std::string, at::Tensor> calib;
    calib.insert("inputs", train->images.index_select(0, pick).contiguous());
    calib.insert("labels", train->labels.index_select(0, pick).contiguous());
    if (Status st = detail::saveTorchFile(dir + QLatin1String("/fashion_calib.pt"), calib); !st)
        return st;

    DemoWorkspace w;
    w.dir = m_options.dir;
    w.classes = DemoWorkspace::classNames();
    w.testAccuracy = accuracy;
    w.trainSeconds = trainSeconds;
    w.epochs = m_options.epochs;
    w.threads = threads;
    w.created = QDateTime::currentDateTimeUtc();
    QJsonObject manifest = w.toJson();
    for (const char* key : {"dir", "model", "sidecar", "test_data", "calibration_data"})
        manifest.remove(QLatin1String(key));
    return writeJson(dir + QLatin1String("/demo.json"), manifest);
}

} // namespace qs
