// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QWidget>

class QLabel;
class QLineEdit;
class QCheckBox;
class QStackedWidget;
class QTableView;
class QFormLayout;

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

/// \brief The Models page: the open model's summary, its input spec editor, the sortable and
/// filterable layer table and weights by layer type; the welcome screen when nothing is open.
class ModelsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPage(StudioContext* context, QWidget* parent = nullptr);

    QTableView* layerTable() const { return m_table; }
    LayerTableModel* layerModel() const { return m_layers; }
    WelcomeWidget* welcome() const { return m_welcome; }

Q_SIGNALS:
    void openRequested();

private:
    void refresh();
    void applyInputs();
    void saveSidecar();

    StudioContext* m_context;
    QStackedWidget* m_stack;
    WelcomeWidget* m_welcome;
    QLabel* m_title;
    QFormLayout* m_summary;
    QLineEdit* m_inputs;
    QLabel* m_inputProblem;
    QLineEdit* m_filter;
    QCheckBox* m_leafOnly;
    QTableView* m_table;
    LayerTableModel* m_layers;
    LayerFilterProxy* m_proxy;
    plots::LayerTypePlot* m_typePlot;
};

} // namespace qs::ui
