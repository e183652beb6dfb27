// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/store/runrecord.h"

#include <QtCore/QMetaObject>
#include <QtCore/QObject>

#include <functional>

class QWidget;

namespace qs::ui {

class StudioContext;
class BenchmarkPage;
class QuantizePage;

/// \brief "Re-run" of a stored run: puts its configuration back into the page that made it
/// (Benchmark or Quantize), opening its model first when another one is open, and optionally
/// starts it.
class RunReplayer : public QObject
{
    Q_OBJECT
public:
    RunReplayer(StudioContext* context, BenchmarkPage* benchmark, QuantizePage* quantize, QObject* parent = nullptr);

    /// Whether runs of \a kind can be re-run ("bench", "quantize").
    static bool canReplay(const QString& kind);
    /// Sets up (and with \a start, starts) \a run on its page; an error says why not (a file
    /// that is gone, a kind the studio cannot re-run). Opening another model finishes later:
    /// pageReady() follows once the form is filled.
    Status replay(const RunRecord& run, bool start);

Q_SIGNALS:
    /// The form of \a page now holds the run's configuration; show it.
    void pageReady(QWidget* page);

private:
    Status replayBench(const RunRecord& run, bool start);
    Status replayQuantize(const RunRecord& run, bool start);
    /// Calls \a then once \a modelPath is the open model (at once when it already is).
    Status withModel(const QString& modelPath, const InputSpec& inputs, std::function<void()> then);

    StudioContext* m_context;
    BenchmarkPage* m_benchmark;
    QuantizePage* m_quantize;
    QMetaObject::Connection m_opened;
    QMetaObject::Connection m_openFailed;
};

} // namespace qs::ui
