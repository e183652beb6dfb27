// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"
#include "core/common/error.h"
#include "core/demo/demoworkspace.h"
#include "core/jobs/jobrunner.h"
#include "core/model/openmodeljob.h"
#include "core/quant/variant.h"

#include <QtCore/QObject>

#include <optional>

namespace qs {
class JobRecorder;
}

namespace qs::ui {

/// \brief What the studio's pages share: the open model, the job runner, recent files and the
/// demo workspace. Pages observe it; long work goes through its jobs, never the GUI thread.
class StudioContext : public QObject
{
    Q_OBJECT
public:
    explicit StudioContext(QObject* parent = nullptr);
    ~StudioContext() override;

    JobRunner* jobs() { return &m_jobs; }

    bool hasModel() const { return !m_model.model.isNull(); }
    const OpenedModel& model() const { return m_model; }

    /// Opens \a path on a worker; modelChanged() or errorOccurred() follows.
    void openModel(const QString& path, const InputSpec& inputs = {});
    /// Re-inspects the open model with \a inputs (one forward on a worker).
    void setInputs(const InputSpec& inputs);
    /// Trains or loads the demo workspace, then opens its model.
    void openDemo();
    std::optional<DemoWorkspace> demo() const { return m_demo; }

    QStringList recentFiles() const;
    void clearRecentFiles();

    /// Starts \a job on \a lane and announces it (status bar); deletes it when finished.
    void run(Job* job, JobRunner::Lane lane = JobRunner::Lane::General);

    /// Layers (or --exclude patterns) quantization keeps in FP32, picked on the Models page.
    QStringList excludedLayers() const { return m_excluded; }
    void setExcludedLayers(const QStringList& patterns);

    /// Variants quantized in this session (for the current and earlier models), oldest first.
    const QVector<Variant>& variants() const { return m_variants; }
    void addVariant(const Variant& variant);

    /// Benchmark Runs finished in this session (complete, failed or cancelled), oldest first.
    const QVector<RunResult>& runs() const { return m_runs; }
    void addRun(const RunResult& run);

    /// Asks for the Compare page with these runs (History's "Compare", tests): emits compareRequested().
    void requestCompare(qint64 baselineRunId, const QList<qint64>& runIds) { Q_EMIT compareRequested(baselineRunId, runIds); }

    /// A short message for the status bar.
    void showStatus(const QString& message) { Q_EMIT statusMessage(message); }

    /// The run database the studio records into (Preferences; default paths::defaultDatabase()).
    static QString databasePath();
    void setDatabasePath(const QString& path);
    /// Records what \a job produces in the run database (call before run(job)); the recorder
    /// belongs to the job. Failed writes show in the status bar and never stop the job.
    void record(JobRecorder* recorder, Job* job);
    /// Where quantized variants are written (Preferences; default dataDir()/variants).
    static QString variantsDir();
    static QString defaultVariantsDir();
    static void setVariantsDir(const QString& dir);

Q_SIGNALS:
    /// Show \a runIds (database ids) on the Compare page against \a baselineRunId, which need not
    /// be among them; the main window brings the page up. Emitted by requestCompare().
    void compareRequested(qint64 baselineRunId, const QList<qint64>& runIds);
    void modelChanged();
    void recentFilesChanged();
    void jobStarted(qs::Job* job);
    void errorOccurred(const QString& title, const qs::Error& error);
    void demoReady(const qs::DemoWorkspace& workspace);
    void excludedLayersChanged(const QStringList& patterns);
    void runAdded(const qs::RunResult& run);
    void variantAdded(const qs::Variant& variant);
    void databasePathChanged(const QString& path);
    void statusMessage(const QString& message);
    /// A run this studio recorded in the run database (databasePath()) finished: \a id is its
    /// database id. Benchmarks and quantizations are recorded while they run, like the CLI's.
    void runRecorded(qint64 id);

private:
    void addRecentFile(const QString& path);

    JobRunner m_jobs;
    OpenedModel m_model;
    std::optional<DemoWorkspace> m_demo;
    QStringList m_excluded;
    QVector<RunResult> m_runs;
    QVector<Variant> m_variants;
};

} // namespace qs::ui
