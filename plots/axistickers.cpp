// SPDX-License-Identifier: GPL-3.0-or-later
#include "axistickers_p.h"

#include "core/model/layertablemodel.h"

namespace qs::plots {

QString BytesTicker::getTickLabel(double tick, const QLocale&, QChar, int)
{
    return tick <= 0 ? QStringLiteral("0") : LayerTableModel::humanBytes(qint64(tick));
}

QString CountTicker::getTickLabel(double tick, const QLocale&, QChar, int)
{
    return LayerTableModel::humanCount(qint64(tick));
}

} // namespace qs::plots
