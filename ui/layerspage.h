// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/eval/diagnosis.h"
#include "core/eval/layerdiagnosis.h"

#include <QtCore/QPointer>
#include <QtWidgets/QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace qs {
class Job;
}

namespace qs::plots {
class SensitivityPlot;
class TradeoffPlot;
class ValueHistogramPlot;
} // namespace qs::plots

namespace qs::ui {

class StudioContext;
class MessageBanner;
class SensitivityTableModel;
class FallbackStepModel;
class RangeTableModel;

/// \brief The Layers page: which layers suffer from quantization. Ranks the layers of the open
/// model by what quantizing each alone costs (SensitivityJob), finds the fewest layers to keep
/// in FP32 for an accuracy budget (FallbackJob), with every step it took, and shows why: each
/// weight's and activation's values against the range the scheme chose (LayerDiagnosisJob).
class LayersPage : public QWidget
{
    Q_OBJECT
public:
    explicit LayersPage(StudioContext* context, QWidget* parent = nullptr);
    ~LayersPage() override;

    /// The diagnosis the form describes (data not opened yet), or an error naming what to fix.
    Result<DiagnosisOptions> options() const;
    bool isRunning() const { return !m_job.isNull() || m_preparing; }

    /// Form fields (tests, and people who script the studio).
    void setScheme(const QString& scheme);
    void setData(const QString& path, int samples);
    void setMetric(DiagnosisMetric metric);
    void setBudget(double budget);
    void setBins(int bins);

    SensitivityTableModel* sensitivityModel() const { return m_sensitivity; }
    FallbackStepModel* stepModel() const { return m_steps; }
    RangeTableModel* rangeModel() const { return m_ranges; }
    QTableView* rangeTable() const { return m_rangeTable; }
    plots::ValueHistogramPlot* histogramPlot() const { return m_histogram; }
    QLabel* rangeSummary() const { return m_rangeSummary; }
    plots::SensitivityPlot* sensitivityPlot() const { return m_plot; }
    plots::TradeoffPlot* stepPlot() const { return m_stepPlot; }
    QTabWidget* tabs() const { return m_tabs; }
    QLabel* summary() const { return m_summary; }
    MessageBanner* fallbackBanner() const { return m_fallbackBanner; }

public Q_SLOTS:
    /// Ranks the layers (Run → Rank Layers).
    void analyze();
    /// Runs the accuracy-aware fallback with the budget.
    void findFallback();
    /// Diagnoses every weight and activation: histograms against the ranges (Run → Show Ranges).
    void showRanges();
    void cancel();

Q_SIGNALS:
    void sensitivityReady(const qs::SensitivityResult& result);
    void fallbackReady(const qs::FallbackResult& result);
    void rangesReady(const qs::LayerDiagnosis& result);
    /// The job ended (done, failed or cancelled).
    void diagnosisFinished();

private:
    enum class Work { Sensitivity, Fallback, Ranges };
    void start(Work work);
    void launch(Work work, const DiagnosisOptions& options, const Dataset& data);
    void modelChanged();
    void updateState();
    void updateBudgetUnit();
    void showSensitivity(const SensitivityResult& result);
    void showFallback(const FallbackResult& result);
    void showDiagnosis(const LayerDiagnosis& result);
    void showHistogramOf(const QModelIndex& proxyIndex);
    QString demoDataPath(bool calibration) const;
    /// What a sensitivity result was computed for: reused by the fallback when it matches.
    QString diagnosisKey() const;

    StudioContext* m_context;
    QComboBox* m_scheme;
    QComboBox* m_engine;
    QComboBox* m_metric;
    QLineEdit* m_dataPath;
    QSpinBox* m_samples;
    QSpinBox* m_calibSamples;
    QLabel* m_calibNote;
    QPushButton* m_analyze;
    QDoubleSpinBox* m_budget;
    QCheckBox* m_prune;
    QCheckBox* m_save;
    QPushButton* m_fallback;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_progressLabel;
    MessageBanner* m_banner;
    QTabWidget* m_tabs;
    QLabel* m_summary;
    plots::SensitivityPlot* m_plot;
    QTableView* m_table;
    SensitivityTableModel* m_sensitivity;
    MessageBanner* m_fallbackBanner;
    plots::TradeoffPlot* m_stepPlot;
    QTableView* m_stepTable;
    FallbackStepModel* m_steps;
    QSpinBox* m_bins;
    QPushButton* m_rangesButton;
    QLabel* m_rangeSummary;
    QTableView* m_rangeTable;
    RangeTableModel* m_ranges;
    plots::ValueHistogramPlot* m_histogram;
    QCheckBox* m_logScale;
    QPointer<Job> m_job;
    bool m_preparing = false;
    QString m_sensitivityKey; ///< diagnosisKey() of the result shown
    std::optional<SensitivityResult> m_lastSensitivity;
};

} // namespace qs::ui
