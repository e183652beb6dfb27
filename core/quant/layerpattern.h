// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <functional>

namespace qs {

/// \brief An --exclude pattern: a glob ("*", "?", "[abc]") matched against a layer's qualified
/// name ("features.0.conv") and against its short type ("Embedding"). A layer is also matched
/// when one of the modules containing it is ("features" keeps everything inside in FP32).
class LayerPattern
{
public:
    explicit LayerPattern(const QString& pattern);

    /// Why \a pattern cannot be used (empty, spaces, unbalanced brackets), or success.
    static Status check(const QString& pattern);

    QString pattern() const { return m_pattern; }
    /// Matches the module itself (not its parents).
    bool matchesModule(const QString& name, const QString& type) const;

private:
    QString m_pattern;
    QRegularExpression m_re;
};

/// \brief A set of patterns applied to a module hierarchy.
class LayerPatternSet
{
public:
    explicit LayerPatternSet(const QStringList& patterns);

    /// The pattern that matches \a name / \a type, or one of \a name's parents (\a typeOf gives a
    /// parent's short type: "features" -> "Sequential"); empty when none does.
    QString match(const QString& name, const QString& type, const std::function<QString(const QString&)>& typeOf) const;
    bool isEmpty() const { return m_patterns.isEmpty(); }
    const QVector<LayerPattern>& patterns() const { return m_patterns; }

private:
    QVector<LayerPattern> m_patterns;
};

} // namespace qs
