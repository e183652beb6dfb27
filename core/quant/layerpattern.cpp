// SPDX-License-Identifier: GPL-3.0-or-later
#include "layerpattern.h"

namespace qs {

LayerPattern::LayerPattern(const QString& pattern)
    : m_pattern(pattern)
    , m_re(QRegularExpression::wildcardToRegularExpression(pattern, QRegularExpression::DefaultWildcardConversion))
{
}

Status LayerPattern::check(const QString& pattern)
{
    if (pattern.trimmed().isEmpty())
        return Error::usage(
            QStringLiteral("An empty --exclude pattern matches nothing. Give a layer name (fc3), a glob "
                           "(features.*) or a layer type (Embedding)."));
    if (pattern.contains(QRegularExpression(QStringLiteral("\\s"))))
        return Error::usage(
            QStringLiteral("--exclude '%1' contains spaces; layer names and types have none.").arg(pattern));
    int depth = 0;
    for (QChar c : pattern) {
        if (c == QLatin1Char('['))
            ++depth;
        else if (c == QLatin1Char(']'))
            --depth;
        if (depth < 0 || depth > 1)
            break;
    }
    if (depth != 0)
        return Error::usage(
            QStringLiteral("--exclude '%1' has unbalanced brackets. Use [abc] for one of a, b, c, or leave "
                           "brackets out.")
                .arg(pattern));
    const QRegularExpression re(
        QRegularExpression::wildcardToRegularExpression(pattern, QRegularExpression::DefaultWildcardConversion));
    if (!re.isValid())
        return Error::usage(
            QStringLiteral("--exclude '%1' is not a valid pattern: %2.").arg(pattern, re.errorString()));
    return {};
}

bool LayerPattern::matchesModule(const QString& name, const QString& type) const
{
    return (!name.isEmpty() && m_re.match(name).hasMatch()) || (!type.isEmpty() && m_re.match(type).hasMatch());
}

LayerPatternSet::LayerPatternSet(const QStringList& patterns)
{
    for (const QString& p : patterns)
        m_patterns << LayerPattern(p);
}

QString LayerPatternSet::match(
    const QString& name, const QString& type, const std::function<QString(const QString&)>& typeOf) const
{
    for (const LayerPattern& p : m_patterns) {
        if (p.matchesModule(name, type))
            return p.pattern();
    }
    // Parents: "a.b.c" is inside "a.b" and "a".
    QString parent = name;
    while (true) {
        const int dot = parent.lastIndexOf(QLatin1Char('.'));
        if (dot < 0)
            break;
        parent = parent.left(dot);
        const QString parentType = typeOf ? typeOf(parent) : QString();
        for (const LayerPattern& p : m_patterns) {
            if (p.matchesModule(parent, parentType))
                return p.pattern();
        }
    }
    return {};
}

} // namespace qs
