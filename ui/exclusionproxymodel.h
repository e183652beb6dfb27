// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/quant/layerpattern.h"

#include <QtCore/QHash>
#include <QtCore/QIdentityProxyModel>
#include <QtCore/QStringList>

namespace qs::ui {

/// \brief Marks the layers that quantization will keep in FP32 in a LayerTableModel: their
/// names in italics and "kept in FP32" in the schemes column.
///
/// Patterns are the quantizer's --exclude patterns, matched by the quantizer's own LayerPatternSet:
/// globs over a layer's qualified name or its short type; a layer inside an excluded module is
/// excluded too.
class ExclusionProxyModel : public QIdentityProxyModel
{
    Q_OBJECT
public:
    explicit ExclusionProxyModel(QObject* parent = nullptr);

    void setPatterns(const QStringList& patterns);
    QStringList patterns() const { return m_patterns; }
    /// The pattern that keeps layer \a name of type \a type in FP32, or an empty string.
    QString matchingPattern(const QString& name, const QString& type) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    void setSourceModel(QAbstractItemModel* source) override;

private:
    QStringList m_patterns;
    LayerPatternSet m_set{QStringList{}};
    mutable QHash<QString, QString> m_types; ///< layer name -> short type, for parents' types
    mutable bool m_typesValid = false;
};

} // namespace qs::ui
