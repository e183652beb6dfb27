// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/quant/quantizeoptions.h"
#include "core/quant/variant.h"

#include <QtCore/QPointer>
#include <QtWidgets/QWidget>

class QListWidget;
class QComboBox;
class QSpinBox;
class QLineEdit;
class QPushButton;
class QLabel;
class QTableView;
class QProgressBar;

namespace qs {
class QuantizeJob;
}

namespace qs::ui {

class StudioContext;
class VariantListModel;
class CoverageReport;
class MessageBanner;

/// \brief The Quantize page: several schemes at once with engine, observer, weight granularity,
/// block size, calibration data and sample count, layers kept in FP32; progress with ETA and
/// cancel; then each variant's coverage report.
class QuantizePage : public QWidget
{
    Q_OBJECT
public:
    explicit QuantizePage(StudioContext* context, QWidget* parent = nullptr);
    ~QuantizePage() override;

    /// One QuantizeOptions per checked scheme, or an error naming what to fix.
    Result<QVector<QuantizeOptions>> options() const;
    bool isRunning() const { return !m_job.isNull(); }

    /// Checks exactly \a schemeIds in the list.
    void checkSchemes(const QStringList& schemeIds);
    QStringList checkedSchemes() const;
    void setCalibration(const QString& path, int samples);
    /// Shows \a options in the form (the History page's "re-run"): only its scheme checked, its
    /// engine, observer, granularity, block size and calibration; its exclusions become the
    /// session's excluded layers.
    void applyOptions(const QuantizeOptions& options);
    VariantListModel* variantModel() const { return m_variants; }
    CoverageReport* report() const { return m_report; }
    QTableView* variantTable() const { return m_table; }

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    void variantReady(const qs::Variant& variant);
    /// The job ended (all schemes done, failed or cancelled).
    void quantizeFinished();
    void benchmarkRequested();

private:
    void modelChanged();
    void updateOptionsState();
    void refreshExclusions();
    void showVariant(int row);

    StudioContext* m_context;
    QListWidget* m_schemes;
    QComboBox* m_engine;
    QComboBox* m_observer;
    QComboBox* m_granularity;
    QComboBox* m_block;
    QComboBox* m_calibration;
    QLineEdit* m_calibPath;
    QPushButton* m_calibBrowse;
    QSpinBox* m_samples;
    QListWidget* m_excluded;
    QLineEdit* m_excludeEdit;
    QLabel* m_outDir;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_progressLabel;
    MessageBanner* m_banner;
    QTableView* m_table;
    VariantListModel* m_variants;
    CoverageReport* m_report;
    QPointer<QuantizeJob> m_job;
};

} // namespace qs::ui
