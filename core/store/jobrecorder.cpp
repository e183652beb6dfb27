// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobrecorder.h"

#include "core/bench/benchmarkjob.h"
#include "core/bench/fingerprint.h"
#include "core/common/logging.h"
#include "core/eval/evaluatejob.h"
#include "core/quant/quantizejob.h"
#include "core/store/benchrecord.h"
#include "core/store/evalrecord.h"
#include "core/store/quantizerecord.h"
#include "core/store/store.h"

namespace qs {

JobRecorder::JobRecorder(QString databasePath, QObject* parent) : QObject(parent), m_path(std::move(databasePath)) {}

QVector<qint64> JobRecorder::runIds() const
{
    QMutexLocker lock(&m_mutex);
    return m_order;
}

qint64 JobRecorder::runId(const QString& key) const
{
    QMutexLocker lock(&m_mutex);
    return m_keys.value(key);
}

std::optional<Error> JobRecorder::error() const
{
    QMutexLocker lock(&m_mutex);
    return m_error;
}

void JobRecorder::fail(const Error& e)
{
    qCWarning(lcStore) << "recording a run failed:" << e.message;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_error)
            m_error = e;
    }
    Q_EMIT recordFailed(e);
}

qint64 JobRecorder::begin(RunRecord run)
{
    auto store = Store::open(m_path);
    if (!store) {
        fail(store.error());
        return 0;
    }
    if (Status st = (*store)->beginRun(run); !st) {
        fail(st.error());
        return 0;
    }
    return run.id;
}

void JobRecorder::finish(qint64 pendingId, RunRecord run, const QString& key)
{
    auto store = Store::open(m_path);
    if (!store)
        return fail(store.error());
    run.id = pendingId;
    if (Status st = pendingId > 0 ? (*store)->finishRun(run) : (*store)->recordRun(run); !st)
        return fail(st.error());
    {
        QMutexLocker lock(&m_mutex);
        m_keys.insert(key, run.id);
        m_order << run.id;
    }
    Q_EMIT runRecorded(run.id);
}

void JobRecorder::end(qint64 pendingId, RunStatus status, const QString& error, const QString& key)
{
    if (pendingId <= 0)
        return;
    auto store = Store::open(m_path);
    if (!store)
        return fail(store.error());
    auto run = (*store)->loadRun(pendingId);
    if (!run)
        return fail(run.error());
    run->status = status;
    run->error = error;
    if (Status st = (*store)->finishRun(*run); !st)
        return fail(st.error());
    if (!key.isEmpty()) {
        QMutexLocker lock(&m_mutex);
        m_keys.insert(key, pendingId);
    }
}

// ---- benchmark --------------------------------------------------------------------------------

void BenchRecorder::attach(BenchmarkJob* job)
{
    connect(job, &BenchmarkJob::runStarted, this, [this](int, int, const RunConfig& config) { m_pending = begin(benchRunRecord(config)); },
            Qt::DirectConnection);
    connect(job, &BenchmarkJob::runFinished, this,
            [this](const RunResult& result) { finish(std::exchange(m_pending, 0), benchRunRecord(result), result.uuid); },
            Qt::DirectConnection);
}

// ---- quantize ---------------------------------------------------------------------------------

void QuantizeRecorder::attach(QuantizeJob* job, const QVector<QuantizeOptions>& schemes, const QString& modelPath, const QString& modelSha256)
{
    // Every scheme is recorded as running when the job starts: one killed mid-way leaves them all
    // interrupted, those done before stay complete.
    connect(job, &Job::started, this, [=] {
        m_pending.clear();
        for (const QuantizeOptions& o : schemes)
            m_pending << begin(quantizeRunRecord(o, modelPath, modelSha256));
    }, Qt::DirectConnection);
    connect(job, &QuantizeJob::variantReady, this, [this](int index, const Variant& variant) {
        finish(index < m_pending.size() ? std::exchange(m_pending[index], 0) : 0, quantizeRunRecord(variant), variant.options.scheme);
    }, Qt::DirectConnection);
    connect(job, &QuantizeJob::variantFailed, this, [this, schemes](int index, const QString&, const Error& error) {
        if (index < m_pending.size())
            end(std::exchange(m_pending[index], 0), RunStatus::Failed, error.message, schemes.value(index).scheme);
    }, Qt::DirectConnection);
    // Whatever is still running when the job ends was cancelled (or the job failed around it).
    connect(job, &Job::cancelled, this, [this] {
        for (qint64& id : m_pending)
            end(std::exchange(id, 0), RunStatus::Cancelled, QStringLiteral("Cancelled by the user."));
    }, Qt::DirectConnection);
    connect(job, &Job::failed, this, [this](const Error& e) {
        for (qint64& id : m_pending)
            end(std::exchange(id, 0), RunStatus::Failed, e.message);
    }, Qt::DirectConnection);
}

// ---- evaluate ---------------------------------------------------------------------------------

void EvalRecorder::attach(EvaluateJob* job, const QString& modelPath, const QString& modelSha256, const QJsonObject& config)
{
    connect(job, &Job::started, this, [=] { m_pending = begin(evalRunRecord(modelPath, modelSha256, config)); }, Qt::DirectConnection);
    connect(job, &EvaluateJob::evaluated, this, [this](const EvalResult& result) {
        finish(std::exchange(m_pending, 0), evalRunRecord(result, captureFingerprint().toJson()), QStringLiteral("eval"));
    }, Qt::DirectConnection);
    connect(job, &Job::cancelled, this, [this] { end(std::exchange(m_pending, 0), RunStatus::Cancelled, QStringLiteral("Cancelled by the user.")); },
            Qt::DirectConnection);
    connect(job, &Job::failed, this, [this](const Error& e) { end(std::exchange(m_pending, 0), RunStatus::Failed, e.message); },
            Qt::DirectConnection);
}

} // namespace qs
