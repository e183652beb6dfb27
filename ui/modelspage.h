// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QWidget>

class QLabel;
class QLineEdit;
class QCheckBox;
class QStackedWidget;
class QTableView;
class QFormLayout;
class QPushButton;

namespace qs {
class LayerTableModel;
class LayerFilterProxy;
namespace plots {
class LayerTypePlot;
}
} // namespace qs

namespace qs::ui {

class StudioContext;
class WelcomeWidget;
class InputSpecEditor;
class ExclusionProxyModel;

/// \brief The Models page: the open model's summary, its inputs (one row per forward argument),
/// the sortable and filterable layer table where layers are picked to stay in FP32, and
/// parameters and bytes by layer type; the welcome screen when nothing is open.
class ModelsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPage(StudioContext* context, QWidget* parent = nullptr);

    QTableView* layerTable() const { return m_table; }
    LayerTableModel* layerModel() const { return m_layers; }
    WelcomeWidget* welcome() const { return m_welcome; }
    InputSpecEditor* inputEditor() const { return m_inputs; }

    /// Qualified names of the layers selected in the table.
    QStringList selectedLayers() const;

public Q_SLOTS:
    /// Adds the selected layers to the ones quantization keeps in FP32.
    void keepSelectedInFp32();
    /// Quantizes the selected layers again (removes them from the exclusions).
    void quantizeSelected();
    void applyInputs();

Q_SIGNALS:
    void openRequested();
    /// "Quantize…" pressed: the Quantize page should show.
    void quantizeRequested();

private:
    void refresh();
    void saveSidecar();
    void updateExclusionButtons();

    StudioContext* m_context;
    QStackedWidget* m_stack;
    WelcomeWidget* m_welcome;
    QLabel* m_title;
    QFormLayout* m_summary;
    InputSpecEditor* m_inputs;
    QLabel* m_inputProblem;
    QLineEdit* m_filter;
    QCheckBox* m_leafOnly;
    QTableView* m_table;
    LayerTableModel* m_layers;
    ExclusionProxyModel* m_exclusions;
    LayerFilterProxy* m_proxy;
    QPushButton* m_keepFp32;
    QPushButton* m_requantize;
    QLabel* m_excludedLabel;
    plots::LayerTypePlot* m_typePlot;
};

} // namespace qs::ui
