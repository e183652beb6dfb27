// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QSet>
#include <QtCore/QSortFilterProxyModel>

namespace qs::ui {

/// \brief The Compare page's run list: the store's runs (a RunTableModel) with a check box per
/// row to pick the runs to compare, filtered by kind and text, sorted by SortRole.
///
/// Checks belong to run ids, not rows, so that they survive sorting, filtering and reloads of
/// the listing (a run recorded meanwhile).
class RunPickerProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunPickerProxy(QObject* parent = nullptr);

    /// Only runs of this kind ("bench"); empty: all kinds.
    void setKind(const QString& kind);
    /// Only runs whose model, variant, tag or note contains \a text.
    void setText(const QString& text);

    /// Checked run ids that the source lists, in the source's order.
    QList<qint64> checkedRunIds() const;
    void setCheckedRunIds(const QList<qint64>& ids);
    bool isChecked(qint64 runId) const { return m_checked.contains(runId); }
    /// The run id of proxy row \a row.
    qint64 runId(int row) const;

    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void checkedChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_kind;
    QString m_text;
    QSet<qint64> m_checked;
};

} // namespace qs::ui
