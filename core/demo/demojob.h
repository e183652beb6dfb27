// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/demo/demoworkspace.h"
#include "core/jobs/job.h"

namespace qs {

/// \brief Prepares the demo workspace: uses the cache when it is complete, otherwise trains the
/// Fashion-MNIST CNN from C++ (two epochs, about a minute on two cores), evaluates it on the
/// 10,000 test images and writes model, sidecar, test and calibration sets atomically.
class DemoJob : public Job
{
    Q_OBJECT
public:
    struct Options
    {
        QString dir;       ///< empty: paths::demoDir()
        bool force = false; ///< retrain even when the cache is complete
        int epochs = 2;
        int threads = 0;   ///< 0: all cores
        quint64 seed = 0;
    };

    explicit DemoJob(const Options& options, QObject* parent = nullptr);
    DemoWorkspace workspace() const { return m_workspace; }
    bool fromCache() const { return m_fromCache; }

Q_SIGNALS:
    /// Emitted (from the worker thread) when the workspace is ready.
    void ready(const qs::DemoWorkspace& workspace);

protected:
    Status run() override;

private:
    Status train(const QString& dir);

    Options m_options;
    DemoWorkspace m_workspace;
    bool m_fromCache = false;
};

} // namespace qs
