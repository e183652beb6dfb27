// SPDX-License-Identifier: GPL-3.0-or-later
#include "logging.h"

Q_LOGGING_CATEGORY(lcModel, "quantscope.core.model", QtWarningMsg)
Q_LOGGING_CATEGORY(lcQuant, "quantscope.core.quant", QtWarningMsg)
Q_LOGGING_CATEGORY(lcData, "quantscope.core.data", QtWarningMsg)
Q_LOGGING_CATEGORY(lcEval, "quantscope.core.eval", QtWarningMsg)
Q_LOGGING_CATEGORY(lcBench, "quantscope.core.bench", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStore, "quantscope.core.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcReport, "quantscope.core.report", QtWarningMsg)
Q_LOGGING_CATEGORY(lcJobs, "quantscope.core.jobs", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDemo, "quantscope.core.demo", QtWarningMsg)
