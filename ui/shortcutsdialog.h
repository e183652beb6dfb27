// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QDialog>

class QTreeWidget;

namespace qs::ui {

/// \brief Help → Keyboard Shortcuts: every shortcut of the menus and of the pages' buttons,
/// read from the widgets themselves so the list cannot go stale.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget* window, QWidget* parent = nullptr);

    /// (where, what, keys) for every shortcut found under \a window.
    struct Entry
    {
        QString group;
        QString action;
        QString keys;
    };
    static QVector<Entry> collect(QWidget* window);

private:
    QTreeWidget* m_tree;
};

} // namespace qs::ui
