// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/Context.h>

#include "engine.h"

#include <QtCore/QMutex>

namespace qs::engine {

namespace {

QString nameOf(at::QEngine e)
{
    switch (e) {
    case at::QEngine::ONEDNN: return QStringLiteral("onednn");
    case at::QEngine::QNNPACK: return QStringLiteral("qnnpack");
    case at::QEngine::FBGEMM: return QStringLiteral("fbgemm");
    case at::QEngine::X86: return QStringLiteral("x86");
    default: return {};
    }
}

QMutex& engineMutex()
{
    static QMutex m;
    return m;
}

} // namespace

QStringList available()
{
    QStringList names;
    for (at::QEngine e : at::globalContext().supportedQEngines()) {
        const QString n = nameOf(e);
        if (!n.isEmpty())
            names << n;
    }
    return names;
}

QString fastest()
{
    const QStringList names = available();
#if defined(__x86_64__) || defined(__i386__)
    // On x86 QNNPACK is a mobile kernel library and often slower than FP32; oneDNN uses VNNI/AMX.
    for (const char* pref : {"x86", "fbgemm", "onednn", "qnnpack"}) {
#else
    for (const char* pref : {"qnnpack", "onednn", "x86", "fbgemm"}) {
#endif
        if (names.contains(QLatin1String(pref)))
            return QLatin1String(pref);
    }
    return {};
}

QString current()
{
    return nameOf(at::globalContext().qEngine());
}

Status validate(const QString& name)
{
    const QStringList names = available();
    if (names.isEmpty())
        return Error::badInput(QStringLiteral("This LibTorch build has no quantized engine, so quantized models cannot run."));
    if (!name.isEmpty() && !names.contains(name.toLower()))
        return Error::usage(QStringLiteral("Engine '%1' is not available in this LibTorch build. Available engines: %2.")
                                .arg(name, names.join(QLatin1String(", "))));
    return {};
}

Status select(const QString& name)
{
    Status v = validate(name);
    if (!v)
        return v;
    const QString wanted = name.isEmpty() ? fastest() : name.toLower();
    QMutexLocker lock(&engineMutex());
    for (at::QEngine e : at::globalContext().supportedQEngines()) {
        if (nameOf(e) == wanted) {
            if (at::globalContext().qEngine() != e)
                at::globalContext().setQEngine(e);
            return {};
        }
    }
    return Error::usage(QStringLiteral("Engine '%1' is not available.").arg(name));
}

} // namespace qs::engine
