// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagebanner.h"

#include <QtCore/QEvent>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QStyle>

namespace qs::ui {

namespace {
QColor accent(MessageBanner::Kind kind)
{
    switch (kind) {
    case MessageBanner::Kind::Info: return QColor(0x00, 0x72, 0xB2);
    case MessageBanner::Kind::Positive: return QColor(0x00, 0x9E, 0x73);
    case MessageBanner::Kind::Warning: return QColor(0xE6, 0x9F, 0x00);
    case MessageBanner::Kind::Error: return QColor(0xD5, 0x5E, 0x00);
    }
    return {};
}

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t, a.blueF() * (1 - t) + b.blueF() * t);
}
} // namespace

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent), m_icon(new QLabel(this)), m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    m_text->setOpenExternalLinks(false);
    hide();
}

void MessageBanner::setMessage(Kind kind, const QString& text)
{
    m_kind = kind;
    m_text->setText(text);
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    if (kind == Kind::Warning)
        icon = QStyle::SP_MessageBoxWarning;
    else if (kind == Kind::Error)
        icon = QStyle::SP_MessageBoxCritical;
    else if (kind == Kind::Positive)
        icon = QStyle::SP_DialogApplyButton;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(QSize(size, size), devicePixelRatioF()));
    applyColors();
    setVisible(!text.isEmpty());
}

void MessageBanner::setMessages(Kind kind, const QStringList& lines)
{
    if (lines.isEmpty()) {
        setMessage(kind, QString());
        return;
    }
    if (lines.size() == 1) {
        setMessage(kind, lines.first().toHtmlEscaped());
        return;
    }
    QString html = QStringLiteral("<ul style='margin:0; -qt-list-indent:1'>");
    for (const QString& l : lines)
        html += QStringLiteral("<li>%1</li>").arg(l.toHtmlEscaped());
    setMessage(kind, html + QStringLiteral("</ul>"));
}

QString MessageBanner::text() const
{
    return m_text->text();
}

void MessageBanner::applyColors()
{
    // Mixing towards the window colour keeps the text colour readable in both themes.
    m_applying = true;
    QPalette pal = palette();
    const QColor base = parentWidget() ? parentWidget()->palette().color(QPalette::Window) : pal.color(QPalette::Window);
    pal.setColor(QPalette::Window, mix(base, accent(m_kind), 0.16));
    setPalette(pal);
    m_applying = false;
}

void MessageBanner::changeEvent(QEvent* event)
{
    // Our own setPalette() sends a PaletteChange too: the guard keeps that from recursing.
    if (!m_applying
        && (event->type() == QEvent::ParentChange || event->type() == QEvent::StyleChange || event->type() == QEvent::PaletteChange))
        applyColors();
    QFrame::changeEvent(event);
}

} // namespace qs::ui
