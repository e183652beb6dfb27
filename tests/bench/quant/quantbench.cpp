// SPDX-License-Identifier: GPL-3.0-or-later
// Speed of quantized variants: Quantscope's against FP32 and against the variant PyTorch's own
// graph-mode quantizer makes from the same FP32 file (tests/bench/quant/make_reference.py),
// every file loaded and timed by the product's benchmark harness (runBenchmark), 1 thread
// (OpenBLAS bounded too), onednn. Targets (issue 3): every Quantscope variant at least as fast
// as PyTorch's. Figures and the command go to docs/benchmarks.md.
//
//   qs_quantbench [--dir DIR] [--rounds N] [--min-seconds S]
#include "core/bench/benchmarkrunner.h"
#include "core/bench/fingerprint.h"
#include "core/bench/threading.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizer.h"
#include "tests/support/testsupport.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTextStream>

#include <algorithm>

using namespace qs;

namespace {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QString loadavg()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2)
                                       : QStringLiteral("?");
}

struct Entry
{
    QString model; // "MLP 1024-4096-4096-512" / "small CNN"
    QString variant; // "FP32", "FP32 optimized", "Quantscope dynamic-int8", "PyTorch dynamic-int8"
    QString path;
    QString spec;
    qint64 batch = 1;
    bool optimized = false;
    QVector<double> p50; // one per round
};

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]));
}

bool quantize(
    const QString& model, const QString& scheme, const QString& outPath, const QString& calib, const QString& spec)
{
    auto fp32 = loadModel(model);
    if (!fp32) {
        out() << fp32.error().toText() << "\n";
        return false;
    }
    QuantizeOptions o;
    o.scheme = scheme;
    o.engine = QStringLiteral("onednn");
    o.outPath = outPath;
    o.inputs = *InputSpec::parse({ spec });
    if (!calib.isEmpty()) {
        o.calibration = QuantizeOptions::Calibration::File;
        o.calibrationPath = calib;
    }
    auto q = quantizeModel(*fp32, o);
    if (!q) {
        out() << scheme << ": " << q.error().toText() << "\n";
        return false;
    }
    out() << QStringLiteral("quantized %1 -> %2: %3/%4 layers, %5 s, cosine %6\n")
                 .arg(QFileInfo(model).fileName(), QFileInfo(outPath).fileName())
                 .arg(q->variant.coverage.quantizedLayers)
                 .arg(q->variant.coverage.totalLayers)
                 .arg(q->variant.seconds, 0, 'f', 2)
                 .arg(q->variant.fidelity.cosine, 0, 'f', 5);
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    threading::setDefaultThreadEnvironment(1);
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto option = [&](const QString& name, const QString& fallback) {
        const int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
    };
    const QString dir = option(QStringLiteral("--dir"), QDir::tempPath() + QStringLiteral("/qs-quantbench"));
    const int rounds = option(QStringLiteral("--rounds"), QStringLiteral("3")).toInt();
    const double minSeconds = option(QStringLiteral("--min-seconds"), QStringLiteral("2")).toDouble();
    QDir().mkpath(dir);
    const QString mlp = dir + QStringLiteral("/mlp_fp32.pt"), cnn = dir + QStringLiteral("/cnn_fp32.pt");
    const QString calib = dir + QStringLiteral("/cnn_calib.pt");

    // FP32 models and calibration data, made here (seeded).
    auto m = modelfactory::mlp({ 1024, 4096, 4096, 512 }, 0);
    auto c = modelfactory::smallCnn(10, 0);
    if (!m || !c || !m->save(mlp).ok() || !c->save(cnn).ok()
        || !test::writeInputs(calib, { 264, 1, 28, 28 }, 1.0, -1, 1)) {
        out() << "could not write the FP32 models into " << dir << "\n";
        return 1;
    }
    const QString mlpDyn = dir + QStringLiteral("/qs_mlp_dynamic.pt"),
                  cnnStatic = dir + QStringLiteral("/qs_cnn_static.pt");
    if (!quantize(mlp, QStringLiteral("dynamic-int8"), mlpDyn, {}, QStringLiteral("8x1024"))
        || !quantize(cnn, QStringLiteral("static-int8"), cnnStatic, calib, QStringLiteral("1x1x28x28")))
        return 1;

    // PyTorch's variants of the same files.
    bool reference = test::pythonTorchAvailable();
    if (reference) {
        QProcess py;
        py.start(QStringLiteral("/usr/bin/python3"), { QStringLiteral(QS_QUANTBENCH_REFERENCE), dir });
        reference = py.waitForFinished(600000) && py.exitCode() == 0;
        out() << (reference
                ? QString::fromUtf8(py.readAllStandardOutput())
                : QStringLiteral("make_reference.py failed: ") + QString::fromUtf8(py.readAllStandardError()));
    } else {
        out() << "no /usr/bin/python3 with torch: PyTorch's variants are not measured\n";
    }

    const QString mlpName = QStringLiteral("MLP 1024-4096-4096-512"),
                  cnnName = QStringLiteral("small CNN (demo architecture)");
    QVector<Entry> entries {
        { mlpName, QStringLiteral("FP32"), mlp, QStringLiteral("1x1024"), 8 },
        { mlpName, QStringLiteral("FP32 optimize_for_inference"), mlp, QStringLiteral("1x1024"), 8, true },
        { mlpName, QStringLiteral("Quantscope dynamic-int8"), mlpDyn, QStringLiteral("1x1024"), 8 },
    };
    if (reference)
        entries << Entry { mlpName, QStringLiteral("PyTorch dynamic-int8"), dir + QStringLiteral("/py_mlp_dynamic.pt"),
            QStringLiteral("1x1024"), 8 };
    for (qint64 b : { qint64(1), qint64(32) }) {
        entries << Entry { cnnName, QStringLiteral("FP32"), cnn, QStringLiteral("1x1x28x28"), b }
                << Entry { cnnName, QStringLiteral("FP32 optimize_for_inference"), cnn, QStringLiteral("1x1x28x28"), b,
                       true }
                << Entry { cnnName, QStringLiteral("Quantscope static-int8"), cnnStatic, QStringLiteral("1x1x28x28"),
                       b };
        if (reference)
            entries << Entry { cnnName, QStringLiteral("PyTorch static-int8"),
                dir + QStringLiteral("/py_cnn_static.pt"), QStringLiteral("1x1x28x28"), b };
    }

    const QString loadBefore = loadavg();
    for (int r = 0; r < rounds; ++r) {
        // Whole blocks per variant; the order turns every round so drift hits every variant.
        for (int k = 0; k < entries.size(); ++k) {
            Entry& e = entries[(k + r) % entries.size()];
            RunConfig config;
            config.modelPath = e.path;
            config.variant = e.variant;
            config.batch = e.batch;
            config.threads = 1;
            config.engine = QStringLiteral("onednn");
            config.warmupIterations = 20;
            config.minIterations = 100;
            config.minSeconds = minSeconds;
            config.samplerHz = 0;
            config.inputs = *InputSpec::parse({ e.spec });
            config.optimizeForInference = e.optimized;
            const RunResult result = runBenchmark(config);
            if (result.status != RunStatus::Complete) {
                out() << e.variant << " " << e.path << ": " << result.error << "\n";
                return 1;
            }
            e.p50 << result.latency.p50;
            out() << QStringLiteral("round %1  %2 b%3  %4: p50 %5 ms (%6 iterations%7)\n")
                         .arg(r + 1)
                         .arg(e.model)
                         .arg(e.batch)
                         .arg(e.variant)
                         .arg(result.latency.p50, 0, 'f', 4)
                         .arg(result.iterations())
                         .arg(result.noisy ? QStringLiteral(", noisy") : QString());
            out().flush();
        }
    }
    const QString loadAfter = loadavg();

    const Fingerprint fp = captureFingerprint();
    out() << "\n"
          << fp.cpu << ", BLAS " << fp.blas << ", LibTorch " << fp.libtorch << "; 1 thread, onednn; load average "
          << loadBefore << " before, " << loadAfter << " after\n\n";
    out() << "| model | batch | variant | p50 ms (median of " << rounds
          << " rounds) | vs FP32 | vs PyTorch's variant |\n"
          << "| --- | --- | --- | --- | --- | --- |\n";
    for (const Entry& e : entries) {
        double fp32 = 0, py = 0;
        for (const Entry& o : entries) {
            if (o.model == e.model && o.batch == e.batch && o.variant == QLatin1String("FP32"))
                fp32 = median(o.p50);
            if (o.model == e.model && o.batch == e.batch && o.variant.startsWith(QLatin1String("PyTorch")))
                py = median(o.p50);
        }
        const double p50 = median(e.p50);
        const bool ours = e.variant.startsWith(QLatin1String("Quantscope"));
        out() << QStringLiteral("| %1 | %2 | %3 | %4 | %5x | %6 |\n")
                     .arg(e.model)
                     .arg(e.batch)
                     .arg(e.variant)
                     .arg(p50, 0, 'f', 4)
                     .arg(fp32 / p50, 0, 'f', 2)
                     .arg(ours && py > 0 ? QStringLiteral("%1x").arg(py / p50, 0, 'f', 3) : QStringLiteral(""));
    }
    out().flush();
    return 0;
}
