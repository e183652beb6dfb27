// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionrunmodel.h"

#include "plots/metricformat.h"

#include <QtGui/QBrush>
#include <QtGui/QColor>

namespace qs::ui {

using plots::formatValue;
using plots::Unit;

SessionRunModel::SessionRunModel(QObject* parent) : QAbstractTableModel(parent) {}

QString SessionRunModel::shortLabel(const RunConfig& c)
{
    // The model is the same for every row: the variant and the configuration tell them apart.
    QString s = QStringLiteral("%1 b%2 t%3").arg(c.variant.isEmpty() ? QStringLiteral("fp32") : c.variant).arg(c.batch).arg(c.threads);
    if (!c.engine.isEmpty() && !c.variant.startsWith(QLatin1String("fp32")))
        s += QLatin1Char(' ') + c.engine;
    return s;
}

void SessionRunModel::setRuns(const QVector<RunResult>& runs)
{
    beginResetModel();
    m_runs = runs;
    endResetModel();
}

void SessionRunModel::addRun(const RunResult& run)
{
    beginInsertRows({}, int(m_runs.size()), int(m_runs.size()));
    m_runs << run;
    endInsertRows();
}

int SessionRunModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int SessionRunModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionRunModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_runs.size())
        return {};
    const RunResult& r = m_runs.at(index.row());
    const bool measured = r.latency.count > 0;
    const qint64 peak = r.memory.peakBytes > 0 ? r.memory.peakBytes : r.timeline.peak();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case RunColumn: return shortLabel(r.config);
        case StatusColumn:
            if (r.status == RunStatus::Complete && r.noisy)
                return tr("complete (noisy)");
            return runStatusName(r.status);
        case P50Column: return measured ? formatValue(r.latency.p50, Unit::Milliseconds) : QString();
        case P99Column: return measured ? formatValue(r.latency.p99, Unit::Milliseconds) : QString();
        case ThroughputColumn: return measured ? formatValue(r.throughputPerSec, Unit::PerSecond) : QString();
        case PeakColumn: return peak > 0 ? formatValue(double(peak), Unit::Bytes) : QString();
        case CpuColumn: return r.cpuPercent >= 0 ? formatValue(r.cpuPercent, Unit::Percent) : QString();
        }
        break;
    case SortRole:
        switch (index.column()) {
        case P50Column: return measured ? r.latency.p50 : -1.0;
        case P99Column: return measured ? r.latency.p99 : -1.0;
        case ThroughputColumn: return r.throughputPerSec;
        case PeakColumn: return peak;
        case CpuColumn: return r.cpuPercent;
        default: return data(index, Qt::DisplayRole);
        }
    case UuidRole: return r.uuid;
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn) {
            if (!r.error.isEmpty())
                return r.error;
            if (r.noisy)
                return r.noiseReasons.join(QLatin1Char('\n'));
        }
        if (index.column() == RunColumn)
            return QStringLiteral("%1\n%2").arg(r.config.label(), r.config.modelPath);
        break;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && (r.status == RunStatus::Failed || r.noisy))
            return QBrush(QColor(0xD5, 0x5E, 0x00));
        break;
    case Qt::TextAlignmentRole:
        if (index.column() >= P50Column)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return {};
}

QVariant SessionRunModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RunColumn: return tr("Run");
    case StatusColumn: return tr("Status");
    case P50Column: return tr("p50");
    case P99Column: return tr("p99");
    case ThroughputColumn: return tr("Throughput");
    case PeakColumn: return tr("Peak memory");
    case CpuColumn: return tr("CPU");
    }
    return {};
}

} // namespace qs::ui
