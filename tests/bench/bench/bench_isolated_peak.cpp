// SPDX-License-Identifier: GPL-3.0-or-later
// Target: the peak resident set an isolated run reports is within 5% of /usr/bin/time -v's
// "Maximum resident set size" of the same process. The child is started exactly as an isolated
// run starts it (quantscope-cli bench --child, the request on stdin), under /usr/bin/time -v.
//
//   bench_isolated_peak [--cli PATH]   (default: quantscope-cli next to this program)
#include "core/bench/runresult.h"
#include "core/model/modelfactory.h"
#include "tests/bench/bench/benchutil.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>

using namespace qs;
using namespace qs::benchutil;

namespace {

struct Measured
{
    RunResult run;
    qint64 timeMaxRss = -1; ///< bytes
    QString error;
};

Measured measure(const QString& cli, const QString& model, const QString& input, int batch)
{
    Measured m;
    RunConfig c;
    c.modelPath = model;
    c.inputs = InputSpec::parse({input}).value();
    c.batch = batch;
    c.mode = RunMode::Isolated;
    c.minSeconds = 0.5;
    const QJsonObject request{{QStringLiteral("uuid"), QStringLiteral("bench")}, {QStringLiteral("config"), c.toJson()},
                              {QStringLiteral("update_interval_ms"), 250}};
    QProcess p;
    p.start(QStringLiteral("/usr/bin/time"), {QStringLiteral("-v"), cli, QStringLiteral("bench"), QStringLiteral("--child")});
    if (!p.waitForStarted()) {
        m.error = QStringLiteral("cannot start /usr/bin/time (install the 'time' package)");
        return m;
    }
    p.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    p.closeWriteChannel();
    p.waitForFinished(600000);
    for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.contains(QLatin1String("result"))) {
            auto r = RunResult::fromJson(o.value(QLatin1String("result")).toObject());
            if (r)
                m.run = *r;
        }
    }
    const QString err = QString::fromLocal8Bit(p.readAllStandardError());
    const auto match = QRegularExpression(QStringLiteral(R"(Maximum resident set size \(kbytes\): (\d+))")).match(err);
    if (match.hasMatch())
        m.timeMaxRss = match.captured(1).toLongLong() * 1024;
    if (m.run.status != RunStatus::Complete)
        m.error = m.run.error.isEmpty() ? err.right(400) : m.run.error;
    return m;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int i = int(args.indexOf(QStringLiteral("--cli")));
    const QString cli = i >= 0 && i + 1 < args.size() ? args[i + 1] : QCoreApplication::applicationDirPath() + QLatin1String("/quantscope-cli");
    if (!QFileInfo(cli).isExecutable()) {
        print(QStringLiteral("%1 not found; give --cli PATH").arg(cli));
        return 1;
    }
    QTemporaryDir dir;
    struct Case
    {
        const char* name;
        QVector<qint64> dims;
        int batch;
    };
    const Case cases[] = {
        {"MLP 64-128-10 (35 KB)", {64, 128, 10}, 1},
        {"MLP 1024-4096-4096-1024 (25 M params, 100 MB)", {1024, 4096, 4096, 1024}, 32},
        {"MLP 2048-8192-8192-2048 (101 M params, 403 MB)", {2048, 8192, 8192, 2048}, 256},
    };
    print(QStringLiteral("Isolated peak RSS vs /usr/bin/time -v (same child process, %1)").arg(cli));
    print(QStringLiteral("load average before: %1").arg(loadavg()));
    print(QStringLiteral("| model | batch | reported peak MiB | time -v max RSS MiB | difference | baseline MiB |"));
    print(QStringLiteral("| --- | --- | --- | --- | --- | --- |"));
    bool met = true;
    for (const Case& c : cases) {
        const QString path = dir.filePath(QStringLiteral("m%1.pt").arg(c.dims.size() * 10000 + c.dims[1]));
        if (!modelfactory::mlp(c.dims)->save(path).ok())
            return 1;
        const Measured m = measure(cli, path, QStringLiteral("1x%1").arg(c.dims.first()), c.batch);
        QFile::remove(path);
        if (!m.error.isEmpty() || m.timeMaxRss <= 0) {
            print(QStringLiteral("| %1 | %2 | failed: %3 |").arg(QLatin1String(c.name)).arg(c.batch).arg(m.error));
            met = false;
            continue;
        }
        const double peak = double(m.run.memory.peakBytes) / (1 << 20);
        const double time = double(m.timeMaxRss) / (1 << 20);
        const double diff = 100.0 * (peak / time - 1.0);
        met = met && std::abs(diff) < 5.0;
        print(QStringLiteral("| %1 | %2 | %3 | %4 | %5% | %6 |").arg(QLatin1String(c.name)).arg(c.batch).arg(peak, 0, 'f', 1)
                  .arg(time, 0, 'f', 1).arg(diff, 0, 'f', 2).arg(double(m.run.memory.baselineBytes) / (1 << 20), 0, 'f', 1));
    }
    print(QStringLiteral("load average after: %1").arg(loadavg()));
    print(QStringLiteral("target: within 5%: %1").arg(met ? QStringLiteral("met") : QStringLiteral("NOT met")));
    return met ? 0 : 1;
}
