// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/quant/variant.h"

#include <QtCore/QAbstractTableModel>

namespace qs::ui {

/// \brief The variants quantized in this session, one row each: size before and after, coverage,
/// fidelity and whether the output collapsed.
class VariantListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SchemeColumn, SizeColumn, LayersColumn, TensorsColumn, CosineColumn, SqnrColumn, SecondsColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, ///< raw numbers for numeric columns
        ArtifactRole,            ///< the artifact path
        CollapsedRole,           ///< bool
    };

    explicit VariantListModel(QObject* parent = nullptr);

    void setVariants(const QVector<Variant>& variants);
    /// Adds \a variant, or replaces the row with the same artifact.
    void addVariant(const Variant& variant);
    const Variant& variant(int row) const { return m_variants.at(row); }
    const QVector<Variant>& variants() const { return m_variants; }

    /// "static-int8 (onednn)"
    static QString label(const Variant& v);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<Variant> m_variants;
};

} // namespace qs::ui
