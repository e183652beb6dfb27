// SPDX-License-Identifier: GPL-3.0-or-later
#include "shortcutsdialog.h"

#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QTreeWidget>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

namespace {
QString plain(QString text)
{
    text.remove(QLatin1Char('&'));
    text.remove(QStringLiteral("…"));
    return text.trimmed();
}

void collectMenu(QMenu* menu, const QString& group, QVector<ShortcutsDialog::Entry>& out)
{
    for (QAction* a : menu->actions()) {
        if (a->menu()) {
            collectMenu(a->menu(), group, out);
            continue;
        }
        const QList<QKeySequence> keys = a->shortcuts();
        if (keys.isEmpty() || a->isSeparator())
            continue;
        QStringList k;
        for (const QKeySequence& s : keys)
            k << s.toString(QKeySequence::NativeText);
        out.push_back({group, plain(a->text()), k.join(QStringLiteral(", "))});
    }
}
} // namespace

QVector<ShortcutsDialog::Entry> ShortcutsDialog::collect(QWidget* window)
{
    QVector<Entry> out;
    if (auto* mw = qobject_cast<QMainWindow*>(window)) {
        for (QAction* a : mw->menuBar()->actions()) {
            if (a->menu())
                collectMenu(a->menu(), plain(a->text()), out);
        }
    }
    // Buttons on the pages: grouped by the page they are on (its accessible name).
    if (auto* pages = window->findChild<QStackedWidget*>(QStringLiteral("pages"))) {
        for (int i = 0; i < pages->count(); ++i) {
            QWidget* page = pages->widget(i);
            for (QAbstractButton* b : page->findChildren<QAbstractButton*>()) {
                if (b->shortcut().isEmpty())
                    continue;
                out.push_back({page->accessibleName().isEmpty() ? page->objectName() : page->accessibleName(),
                               plain(b->text().isEmpty() ? b->toolTip().section(QLatin1Char('('), 0, 0) : b->text()),
                               b->shortcut().toString(QKeySequence::NativeText)});
            }
            // Actions of a page (History: compare, tag, delete...), active while it has the focus.
            for (QAction* a : page->actions()) {
                if (a->shortcut().isEmpty() || a->text().isEmpty())
                    continue;
                out.push_back({page->accessibleName().isEmpty() ? page->objectName() : page->accessibleName(), plain(a->text()),
                               a->shortcut().toString(QKeySequence::NativeText)});
            }
        }
    }
    // Buttons outside the pages (status bar).
    for (QAbstractButton* b : window->findChildren<QAbstractButton*>()) {
        if (b->shortcut().isEmpty())
            continue;
        auto* pages = window->findChild<QStackedWidget*>(QStringLiteral("pages"));
        if (pages && pages->isAncestorOf(b))
            continue;
        out.push_back({QObject::tr("Anywhere"), plain(b->text()), b->shortcut().toString(QKeySequence::NativeText)});
    }
    return out;
}

ShortcutsDialog::ShortcutsDialog(QWidget* window, QWidget* parent) : QDialog(parent), m_tree(new QTreeWidget(this))
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    setObjectName(QStringLiteral("shortcutsDialog"));
    auto* layout = new QVBoxLayout(this);
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Action"), tr("Keys")});
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    QMap<QString, QTreeWidgetItem*> groups;
    for (const Entry& e : collect(window)) {
        QTreeWidgetItem*& g = groups[e.group];
        if (!g) {
            g = new QTreeWidgetItem(m_tree, {e.group});
            QFont f = g->font(0);
            f.setBold(true);
            g->setFont(0, f);
            g->setFirstColumnSpanned(true);
            g->setExpanded(true);
        }
        new QTreeWidgetItem(g, {e.action, e.keys});
    }
    m_tree->expandAll();
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    layout->addWidget(m_tree);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(520, 560);
}

} // namespace qs::ui
