// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QWidget>

class QListWidget;

namespace qs::ui {

class StudioContext;

/// \brief What the Models page shows before a model is open: open a file, open the demo
/// workspace, or pick a recent file.
class WelcomeWidget : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomeWidget(StudioContext* context, QWidget* parent = nullptr);

Q_SIGNALS:
    void openRequested();

private:
    void refreshRecent();

    StudioContext* m_context;
    QListWidget* m_recent;
};

} // namespace qs::ui
