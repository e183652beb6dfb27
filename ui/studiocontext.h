// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/demo/demoworkspace.h"
#include "core/jobs/jobrunner.h"
#include "core/model/openmodeljob.h"

#include <QtCore/QObject>

#include <optional>

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

Q_SIGNALS:
    void modelChanged();
    void recentFilesChanged();
    void jobStarted(qs::Job* job);
    void errorOccurred(const QString& title, const qs::Error& error);
    void demoReady(const qs::DemoWorkspace& workspace);

private:
    void addRecentFile(const QString& path);

    JobRunner m_jobs;
    OpenedModel m_model;
    std::optional<DemoWorkspace> m_demo;
};

} // namespace qs::ui
