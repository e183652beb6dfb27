// SPDX-License-Identifier: GPL-3.0-or-later
#include "errordialog.h"

#include <QtWidgets/QMessageBox>

namespace qs::ui {

void showError(QWidget* parent, const QString& title, const Error& error)
{
    auto* box = new QMessageBox(error.kind == Error::Kind::Cancelled ? QMessageBox::Information : QMessageBox::Warning,
                                title, error.message, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorDialog"));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!error.details.isEmpty() && error.details != error.message)
        box->setDetailedText(error.details);
    box->open();
}

} // namespace qs::ui
