// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtablemodel.h"

#include "core/model/layertablemodel.h"

#include <QtCore/QLocale>

#include <cmath>

namespace qs {

namespace {

QString number(double v, int decimals)
{
    return std::isnan(v) ? QString() : QLocale::c().toString(v, 'f', decimals);
}

/// NaN sorts as "smallest" so that runs without the figure gather at one end.
QVariant sortable(double v)
{
    return std::isnan(v) ? QVariant(-std::numeric_limits<double>::infinity()) : QVariant(v);
}

} // namespace

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunTableModel::setRuns(QVector<RunSummary> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

Status RunTableModel::reload(const Store& store, const RunFilter& filter)
{
    auto runs = store.listRuns(filter);
    if (!runs)
        return runs.error();
    setRuns(std::move(*runs));
    return {};
}

int RunTableModel::rowOfRun(qint64 id) const
{
    for (int i = 0; i < m_runs.size(); ++i) {
        if (m_runs.at(i).id == id)
            return i;
    }
    return -1;
}

int RunTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::display(const RunSummary& r, int column) const
{
    switch (Column(column)) {
    case IdColumn: return r.id;
    case StartedColumn: return r.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case ModelColumn: return r.modelName;
    case VariantColumn: return r.label();
    case KindColumn: return r.kind;
    case StatusColumn: return runStatusName(r.status);
    case BatchColumn: return r.batch > 0 ? QVariant(r.batch) : QVariant();
    case ThreadsColumn: return r.threads > 0 ? QVariant(r.threads) : QVariant();
    case P50Column: return number(r.metric(metric::LatencyP50Ms), 3);
    case P99Column: return number(r.metric(metric::LatencyP99Ms), 3);
    case ThroughputColumn: return number(r.metric(metric::ThroughputPerS), 1);
    case PeakMemoryColumn: return number(r.metric(metric::PeakMb), 1);
    case CpuColumn: return number(r.metric(metric::CpuPercent), 0);
    case SizeColumn: return r.sizeBytes >= 0 ? LayerTableModel::humanBytes(r.sizeBytes) : QString();
    case Top1Column: return number(r.metric(metric::Top1), 2);
    case TagsColumn: return r.tags.join(QLatin1String(", "));
    case NoteColumn: return r.note.section(QLatin1Char('\n'), 0, 0);
    case ColumnCount: break;
    }
    return {};
}

QVariant RunTableModel::sortValue(const RunSummary& r, int column) const
{
    switch (Column(column)) {
    case IdColumn: return r.id;
    case StartedColumn: return r.started.toMSecsSinceEpoch();
    case BatchColumn: return r.batch;
    case ThreadsColumn: return r.threads;
    case P50Column: return sortable(r.metric(metric::LatencyP50Ms));
    case P99Column: return sortable(r.metric(metric::LatencyP99Ms));
    case ThroughputColumn: return sortable(r.metric(metric::ThroughputPerS));
    case PeakMemoryColumn: return sortable(r.metric(metric::PeakMb));
    case CpuColumn: return sortable(r.metric(metric::CpuPercent));
    case SizeColumn: return r.sizeBytes;
    case Top1Column: return sortable(r.metric(metric::Top1));
    case StatusColumn: return int(r.status);
    default: return display(r, column);
    }
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunSummary& r = m_runs.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return display(r, index.column());
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !r.error.isEmpty())
            return r.error;
        if (index.column() == ModelColumn)
            return r.modelPath;
        if (index.column() == NoteColumn)
            return r.note;
        if (index.column() == IdColumn)
            return r.uuid;
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case IdColumn: case BatchColumn: case ThreadsColumn: case P50Column: case P99Column: case ThroughputColumn:
        case PeakMemoryColumn: case CpuColumn: case SizeColumn: case Top1Column:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default: return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case SortRole: return sortValue(r, index.column());
    case RunIdRole: return r.id;
    case UuidRole: return r.uuid;
    case StatusRole: return int(r.status);
    case NoisyRole: return r.metric(metric::Noisy) > 0;
    case TagsRole: return r.tags;
    default: return {};
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const names[] = {"Run", "Started", "Model", "Variant", "Kind", "Status", "Batch", "Threads", "p50 ms",
                                        "p99 ms", "Throughput/s", "Peak MiB", "CPU %", "Size", "Top-1 %", "Tags", "Note"};
    static_assert(std::size(names) == ColumnCount);
    if (section < 0 || section >= ColumnCount)
        return {};
    return QString::fromLatin1(names[section]);
}

} // namespace qs
