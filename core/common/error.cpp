// SPDX-License-Identifier: GPL-3.0-or-later
#include "error.h"

namespace qs {

int Error::exitCode() const
{
    switch (kind) {
    case Kind::Usage: return 2;
    case Kind::BadInput: return 3;
    case Kind::ModelFailure: return 4;
    case Kind::Database: return 5;
    case Kind::Io: return 6;
    case Kind::Cancelled: return 130;
    case Kind::Internal: return 70;
    }
    return 1;
}

QString Error::toText(bool withDetails) const
{
    if (!withDetails || details.isEmpty() || details == message)
        return message;
    QString indented = details.trimmed();
    indented.replace(QLatin1Char('\n'), QLatin1String("\n    "));
    return message + QLatin1String("\n  details: ") + indented;
}

} // namespace qs
