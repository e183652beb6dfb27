// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QFrame>

class QLabel;

namespace qs::ui {

/// \brief A tinted strip with an icon and a message: warnings that make figures unfair (load,
/// reference BLAS), collapsed variants, environment differences between compared runs.
/// The tint is mixed from the palette, so it reads in light and dark themes alike.
class MessageBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Info, Positive, Warning, Error };

    explicit MessageBanner(QWidget* parent = nullptr);

    /// Shows \a text (rich text allowed) with the look of \a kind; hides when \a text is empty.
    void setMessage(Kind kind, const QString& text);
    /// Several lines as a list.
    void setMessages(Kind kind, const QStringList& lines);
    QString text() const;
    Kind kind() const { return m_kind; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColors();

    Kind m_kind = Kind::Info;
    bool m_applying = false;
    QLabel* m_icon;
    QLabel* m_text;
};

} // namespace qs::ui
