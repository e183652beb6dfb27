// SPDX-License-Identifier: GPL-3.0-or-later
#include <c10/util/Exception.h>

#include "torchwarnings.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QMutex>
#include <QtCore/QSet>

Q_LOGGING_CATEGORY(lcTorch, "quantscope.core.torch", QtWarningMsg)

namespace qs::torchwarnings {

namespace {

QMutex g_mutex;
QStringList g_seen;
QSet<QString> g_known;

class Handler : public c10::WarningHandler
{
public:
    void process(const c10::SourceLocation& loc, const std::string& msg, const bool) override
    {
        const QString text = QString::fromStdString(msg);
        QMutexLocker lock(&g_mutex);
        if (g_known.contains(text))
            return;
        g_known.insert(text);
        g_seen << text;
        if (g_seen.size() > 50)
            g_seen.removeFirst();
        qCDebug(lcTorch) << "LibTorch warning:" << text << "at" << loc.file << loc.line;
    }
};

Handler& handler()
{
    static Handler h;
    return h;
}

} // namespace

void installForThisThread()
{
    if (c10::Warning::get_warning_handler() != &handler())
        c10::Warning::set_warning_handler(&handler());
}

QStringList seen()
{
    QMutexLocker lock(&g_mutex);
    return g_seen;
}

} // namespace qs::torchwarnings
