// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"

#include <QtCore/QPointer>
#include <QtWidgets/QWidget>

class QListWidget;
class QLineEdit;
class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QRadioButton;
class QPushButton;
class QLabel;
class QTableView;

namespace qs {
class BenchmarkJob;
struct BenchmarkSweep;
} // namespace qs

namespace qs::ui {

class StudioContext;
class BenchmarkLiveView;
class SessionRunModel;
class MessageBanner;

/// \brief The Benchmark page: which variants (FP32, FP32 optimized, this session's and other
/// quantized files), batch sizes, threads, engine, warmup, minimum iterations and time, live or
/// isolated; then the live view of the Run being measured and the Runs measured so far.
class BenchmarkPage : public QWidget
{
    Q_OBJECT
public:
    explicit BenchmarkPage(StudioContext* context, QWidget* parent = nullptr);
    ~BenchmarkPage() override;

    /// The sweep the form describes, or an error naming the field to fix.
    Result<BenchmarkSweep> sweep() const;
    bool isRunning() const { return !m_job.isNull(); }
    BenchmarkLiveView* liveView() const { return m_liveView; }
    SessionRunModel* runModel() const { return m_runs; }

    /// Form fields, for tests and for the History page's "re-run".
    void setBatches(const QString& text);
    void setThreads(const QString& text);
    void setMinimums(int iterations, double seconds, int warmup);
    void setIsolated(bool isolated);
    /// "" (the fastest), "onednn", "qnnpack"; \a samplerHz: 1000, 100 or 0 (off).
    void setEngine(const QString& engine);
    void setSamplerHz(int samplerHz);
    /// Checks exactly the variants whose label or path is in \a labels (FP32 items: "fp32",
    /// "fp32-optimized"); others are unchecked.
    void checkVariants(const QStringList& labels);
    /// Adds a TorchScript file (e.g. a quantized artifact from an earlier session) to the list.
    /// \a modelPath: the FP32 model it was made from (it leaves the list when another model opens).
    void addVariantFile(const QString& path, const QString& label = {}, const QString& scheme = {}, bool checked = true,
                        const QString& modelPath = {});
    QStringList variantLabels() const;

public Q_SLOTS:
    /// Starts the benchmark the form describes (Run → Benchmark, Ctrl+R).
    void start();
    void cancel();

Q_SIGNALS:
    void runFinished(const qs::RunResult& result);
    /// The whole sweep ended (complete, failed or cancelled).
    void benchmarkFinished();

private:
    void rebuildVariants();
    void updatePlan();
    void setRunning(bool running);

    StudioContext* m_context;
    QListWidget* m_variants;
    QLineEdit* m_batches;
    QLineEdit* m_threads;
    QComboBox* m_engine;
    QSpinBox* m_warmup;
    QSpinBox* m_minIters;
    QDoubleSpinBox* m_minTime;
    QComboBox* m_sampler;
    QRadioButton* m_liveMode;
    QRadioButton* m_isolatedMode;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QLabel* m_plan;
    MessageBanner* m_banner;
    BenchmarkLiveView* m_liveView;
    QTableView* m_table;
    SessionRunModel* m_runs;
    QPointer<BenchmarkJob> m_job;
    QStringList m_noisyRuns;
};

} // namespace qs::ui
