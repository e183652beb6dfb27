// SPDX-License-Identifier: GPL-3.0-or-later
// qs_evalbench [DEMO_DIR] [--sweep]: quantizes the demo Fashion-MNIST CNN to static INT8 with the
// default options (and with --sweep, other calibration counts, observers and granularities),
// evaluates FP32 and each variant on the whole test set and prints top-1, the drop in points and
// the evaluation time (best of 3) with the machine load.
#include "core/bench/threading.h"
#include "core/common/engine.h"
#include "core/eval/evaluatejob.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizer.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTextStream>

#include "tests/support/testsupport.h"

using namespace qs;

namespace {

QString loadavg()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2) : QString();
}

struct Timed
{
    EvalResult result;
    double bestSeconds = 0;
};

Timed timedEval(const TorchModel& m, const Dataset& data, int repeats)
{
    Timed t;
    EvalOptions o;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto r = evaluate(m, data, o);
        const double s = timer.nsecsElapsed() / 1e9;
        if (!r) {
            QTextStream(stderr) << "evaluation failed: " << r.error().message << "\n";
            std::exit(1);
        }
        t.result = *r;
        if (i == 0 || s < t.bestSeconds)
            t.bestSeconds = s;
    }
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    const bool sweep = args.removeAll(QStringLiteral("--sweep")) > 0;
    const QString dir = args.isEmpty() ? test::demoDir() : args.first();
    QTextStream out(stdout);
    threading::setComputeThreads(2);
    auto fp32 = loadModel(dir + QStringLiteral("/fashion_cnn.pt"));
    auto testData = Dataset::open(dir + QStringLiteral("/fashion_test.pt"));
    auto calib = Dataset::open(dir + QStringLiteral("/fashion_calib.pt"));
    if (!fp32 || !testData || !calib) {
        QTextStream(stderr) << "cannot open the demo workspace in " << dir << "\n";
        return 1;
    }
    out << "engine " << engine::fastest() << ", 2 threads, test set " << testData->size() << " samples, calibration file "
        << calib->size() << " samples; load average " << loadavg() << "\n";
    const Timed ref = timedEval(*fp32, *testData, 3);
    out << QStringLiteral("FP32: top-1 %1% (%2/%3), evaluated in %4 s (best of 3)\n")
               .arg(100 * ref.result.accuracy->top1, 0, 'f', 2)
               .arg(ref.result.accuracy->correct)
               .arg(ref.result.accuracy->samples)
               .arg(ref.bestSeconds, 0, 'f', 2);

    struct Config
    {
        QString name;
        int samples;
        QuantizeOptions::Observer observer;
        QuantizeOptions::Granularity granularity;
    };
    QVector<Config> configs { { QStringLiteral("default (200, histogram, per-channel)"), 200,
        QuantizeOptions::Observer::Histogram, QuantizeOptions::Granularity::Default } };
    if (sweep) {
        for (int n : { 32, 100, 500, 1000 })
            configs << Config { QStringLiteral("%1 samples, histogram, per-channel").arg(n), n,
                QuantizeOptions::Observer::Histogram, QuantizeOptions::Granularity::Default };
        configs << Config { QStringLiteral("200 samples, minmax, per-channel"), 200, QuantizeOptions::Observer::MinMax,
            QuantizeOptions::Granularity::Default };
        configs << Config { QStringLiteral("200 samples, histogram, per-tensor"), 200,
            QuantizeOptions::Observer::Histogram, QuantizeOptions::Granularity::PerTensor };
    }
    for (const Config& c : configs) {
        QuantizeOptions o;
        o.scheme = QStringLiteral("static-int8");
        o.calibrationSamples = c.samples;
        o.observer = c.observer;
        o.granularity = c.granularity;
        auto q = quantizeModel(*fp32, o, *calib);
        if (!q) {
            QTextStream(stderr) << c.name << ": " << q.error().message << "\n";
            return 1;
        }
        const Timed t = timedEval(q->model, *testData, sweep ? 1 : 3);
        out << QStringLiteral("static-int8 %1: top-1 %2% (%3/%4), drop %5 points, evaluated in %6 s\n")
                   .arg(c.name)
                   .arg(100 * t.result.accuracy->top1, 0, 'f', 2)
                   .arg(t.result.accuracy->correct)
                   .arg(t.result.accuracy->samples)
                   .arg(100 * (ref.result.accuracy->top1 - t.result.accuracy->top1), 0, 'f', 2)
                   .arg(t.bestSeconds, 0, 'f', 2);
    }
    out << "load average after: " << loadavg() << "\n";
    return 0;
}
