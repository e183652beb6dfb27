// SPDX-License-Identifier: GPL-3.0-or-later
// Isolated runs: the measurement happens in a child `quantscope-cli bench --child`, which reads
// {"uuid", "config", ...} on stdin and writes one JSON object per line on stdout:
// {"update": RunUpdate}, {"progress": fraction, "message": text} and finally {"result": RunResult}.
#include "benchmarkrunner.h"

#include "core/bench/childprocess_p.h"
#include "core/bench/procfs.h"
#include "core/common/logging.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QStandardPaths>
#include <QtCore/QUuid>

#include <csignal>
#include <cstring>

namespace qs {

namespace {

QString signalName(int sig)
{
    switch (sig) {
    case SIGKILL: return QStringLiteral("SIGKILL");
    case SIGSEGV: return QStringLiteral("SIGSEGV");
    case SIGABRT: return QStringLiteral("SIGABRT");
    case SIGBUS: return QStringLiteral("SIGBUS");
    case SIGTERM: return QStringLiteral("SIGTERM");
    case SIGILL: return QStringLiteral("SIGILL");
    case SIGFPE: return QStringLiteral("SIGFPE");
    default: return QString::fromLocal8Bit(strsignal(sig));
    }
}

QString mb(qint64 bytes)
{
    return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 0);
}

// Keeps the end of the child's stderr for the error details.
void appendTail(QByteArray& tail, const QByteArray& more)
{
    tail += more;
    if (tail.size() > 8192)
        tail = tail.right(8192);
}

} // namespace

QString childExecutable()
{
    const QString env = qEnvironmentVariable("QUANTSCOPE_CLI");
    if (!env.isEmpty() && QFileInfo(env).isExecutable())
        return env;
    if (QCoreApplication::instance()) {
        const QString next = QCoreApplication::applicationDirPath() + QLatin1String("/quantscope-cli");
        if (QFileInfo(next).isExecutable())
            return next;
    }
    return QStandardPaths::findExecutable(QStringLiteral("quantscope-cli"));
}

RunResult runIsolated(const RunConfig& config, const RunHooks& hooks)
{
    // What the parent knows even when the child dies: the streamed samples and timeline.
    RunResult partial;
    partial.uuid = hooks.uuid.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : hooks.uuid;
    partial.config = config;
    partial.config.mode = RunMode::Isolated;
    partial.started = QDateTime::currentDateTimeUtc();
    auto fail = [&partial](RunStatus status, const Error& e) {
        partial.status = status;
        partial.error = e.message;
        partial.errorDetails = e.details;
        partial.errorKind = errorKindName(e.kind);
        partial.finished = QDateTime::currentDateTimeUtc();
        if (partial.environment.cpu.isEmpty())
            partial.environment = captureFingerprint();
        partial.finalize();
        return partial;
    };

    const QString exe = childExecutable();
    if (exe.isEmpty())
        return fail(RunStatus::Failed, Error(Error::Kind::Internal, QStringLiteral("Isolated runs start quantscope-cli, which is "
                                                                                  "neither next to this program nor on PATH. "
                                                                                  "Install it, or set QUANTSCOPE_CLI to its path.")));
    detail::ChildProcess child;
    if (!child.start(exe, {QStringLiteral("bench"), QStringLiteral("--child")}))
        return fail(RunStatus::Failed, Error(Error::Kind::Internal, QStringLiteral("Could not start %1 for an isolated run: %2")
                                                                        .arg(exe, child.error())));
    const QJsonObject request{{QStringLiteral("uuid"), partial.uuid},
                              {QStringLiteral("config"), partial.config.toJson()},
                              {QStringLiteral("update_interval_ms"), hooks.updateIntervalMs}};
    // A child that fails at once closes its stdin; what it says on stderr is read below.
    child.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    child.closeStdin();

    std::optional<RunResult> result;
    QByteArray errTail;
    Phase phase = Phase::Load;
    double lastUpdateMs = 0;
    auto closePhase = [&](double endMs) {
        if (partial.phases.isEmpty())
            return;
        PhaseMark& p = partial.phases.last();
        p.endMs = std::max(p.startMs, endMs);
        switch (p.phase) {
        case Phase::Warmup: p.iterations = int(partial.warmupLatencyMs.size()); break;
        case Phase::Steady: p.iterations = int(partial.latencyMs.size()); break;
        case Phase::FirstInference: p.iterations = 1; break;
        default: p.iterations = 0; break;
        }
        p.peakRssBytes = std::max<qint64>(0, partial.timeline.peakBetween(p.startMs, p.endMs));
    };
    const qint64 pid = child.pid();
    auto handleLine = [&](const QByteArray& line) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.contains(QLatin1String("update"))) {
            RunUpdate u = RunUpdate::fromJson(o.value(QLatin1String("update")).toObject());
            u.runIndex = hooks.runIndex;
            u.runCount = hooks.runCount;
            u.uuid = partial.uuid;
            u.config = partial.config;
            u.childPid = pid;
            phase = u.phase;
            partial.warmupLatencyMs += u.newWarmupMs;
            partial.latencyMs += u.newLatencyMs;
            partial.timeline.append(u.newMemory);
            // The phases so far, from the child's phase markers: a Run that is cancelled or dies
            // keeps them (the child's own result has them exactly).
            for (const MemoryMarker& m : u.newMemory.markers) {
                closePhase(m.tMs);
                PhaseMark p;
                p.phase = m.phase;
                p.startMs = m.tMs;
                partial.phases << p;
            }
            lastUpdateMs = u.elapsedMs;
            if (hooks.update)
                hooks.update(u);
        } else if (o.contains(QLatin1String("progress"))) {
            if (hooks.progress)
                hooks.progress(o.value(QLatin1String("progress")).toDouble(), o.value(QLatin1String("message")).toString());
        } else if (o.contains(QLatin1String("result"))) {
            auto r = RunResult::fromJson(o.value(QLatin1String("result")).toObject());
            if (r)
                result = *r;
            else
                qCWarning(lcBench) << "isolated run: unreadable result:" << r.error().message;
        }
    };

    bool cancelled = false;
    for (;;) {
        if (hooks.cancelled && hooks.cancelled()) {
            // The job finishes now; the kernel tears the child down (and a background thread
            // reaps it) in its own time.
            cancelled = true;
            child.killAndForget();
            break;
        }
        // Short waits: a cancel is noticed within 20 ms.
        const bool open = child.waitForOutput(20);
        for (const QByteArray& line : child.takeLines())
            handleLine(line);
        appendTail(errTail, child.takeStderr());
        if (!open) {
            if (const QByteArray rest = child.takeRest(); !rest.trimmed().isEmpty())
                handleLine(rest);
            child.waitForExit();
            break;
        }
    }

    if (!result)
        closePhase(lastUpdateMs);
    if (cancelled)
        return fail(RunStatus::Cancelled, Error(Error::Kind::Cancelled, QStringLiteral("Cancelled by the user during %1 (after %2 "
                                                                                      "steady-state iterations); the isolated "
                                                                                      "process was stopped.")
                                                                            .arg(phaseTitle(phase).toLower())
                                                                            .arg(partial.latencyMs.size())));
    if (result) {
        result->config.mode = RunMode::Isolated;
        return *result;
    }
    const QString details = QString::fromLocal8Bit(errTail).trimmed();
    if (child.crashed()) {
        const int sig = child.exitCode();
        const qint64 lastRss = partial.timeline.isEmpty() ? -1 : partial.timeline.rssAt(partial.timeline.size() - 1);
        QString why;
        if (sig == SIGKILL)
            why = QStringLiteral(" A SIGKILL nobody asked for is usually the kernel's out-of-memory killer: the model needs more "
                                 "memory than is free (resident set at the last sample: %1; MemAvailable now: %2). Use a smaller "
                                 "--batch, close other programs, or use a machine with more memory.")
                      .arg(lastRss >= 0 ? mb(lastRss) : QStringLiteral("unknown"), mb(procfs::memAvailable()));
        else
            why = QStringLiteral(" That is a crash inside LibTorch or Quantscope, not a measurement; run it with --verbose "
                                 "and report it with the model if it repeats.");
        return fail(RunStatus::Failed, Error(Error::Kind::ModelFailure,
                                             QStringLiteral("The isolated benchmark process of %1 was killed by signal %2 (%3) during %4.%5")
                                                 .arg(config.label()).arg(sig).arg(signalName(sig), phaseTitle(phase).toLower(), why),
                                             details));
    }
    return fail(RunStatus::Failed, Error(Error::Kind::Internal, QStringLiteral("The isolated benchmark process of %1 exited with code %2 "
                                                                              "without a result.")
                                                                    .arg(config.label()).arg(child.exitCode()),
                                         details));
}

} // namespace qs
