// SPDX-License-Identifier: GPL-3.0-or-later
#include <c10/util/Exception.h>
#include <torch/csrc/jit/frontend/error_report.h>

#include "torcherror_p.h"

#include <sstream>

#include <QtCore/QHash>
#include <QtCore/QRegularExpression>
#include <QtCore/QStringList>

namespace qs::detail {
struct ErrorReportText
{
    std::string* text;
};
} // namespace qs::detail

namespace torch::jit {
// ErrorReport::what() is noexcept but highlights its source range, which for a loaded model
// unpickles the archive's .debug_pkl record on first use: on a damaged record that throws out of
// a noexcept function and the process aborts (found by the modelloader fuzz target). This
// specialization of ErrorReport's friend operator<< builds the same text with the throwing part
// guarded, so what() is never called.
template <>
const ErrorReport& operator<< <qs::detail::ErrorReportText>(const ErrorReport& e, const qs::detail::ErrorReportText& out)
{
    std::ostringstream msg;
    msg << "\n" << e.ss.str() << ":\n";
    try {
        std::ostringstream where;
        e.context.highlight(where);
        for (auto it = e.error_stack.rbegin(); it != e.error_stack.rend(); ++it) {
            where << "'" << it->fn_name << "' is being compiled since it was called from '"
                  << (std::next(it) == e.error_stack.rend() ? std::string() : std::next(it)->fn_name) << "'\n";
            it->caller_range.highlight(where);
        }
        msg << where.str();
    } catch (const c10::Error& inner) {
        msg << "(the source location is unavailable: " << qs::detail::kDamagedDebugInfo << ": " << inner.what_without_backtrace() << ")\n";
    } catch (const std::exception& inner) {
        msg << "(the source location is unavailable: " << inner.what() << ")\n";
    }
    *out.text = msg.str();
    return e;
}
} // namespace torch::jit

namespace qs::detail {

namespace {

QString stripBacktrace(const QString& text)
{
    // c10::Error appends "Exception raised from f at file:line (most recent call first):\nframe #0..."
    QStringList kept;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("Exception raised from ")) || line.startsWith(QLatin1String("frame #")))
            continue;
        kept << line;
    }
    while (!kept.isEmpty() && kept.last().trimmed().isEmpty())
        kept.removeLast();
    return kept.join(QLatin1Char('\n'));
}

} // namespace

TorchFailure condenseTorchError(const std::string& what)
{
    TorchFailure f;
    f.full = stripBacktrace(QString::fromStdString(what));
    const QStringList lines = f.full.split(QLatin1Char('\n'));

    // The serialized-code traceback lists frames outermost first. In each frame the failing line
    // stands just above its "<--- HERE" marker; when it calls (var).forward, var was bound to a
    // submodule earlier in the frame ("conv1 = self.conv1", "_0 = getattr(self, \"0\")").
    static const QRegularExpression bindRe(QStringLiteral(R"re(^\s*(\w+)\s*=\s*(?:self\.(\w+)|getattr\(self,\s*"([^"]+)"\))\s*$)re"));
    // "(conv1).forward(x, )" in serialized code, "self.conv1.forward(x)" in source written in C++.
    static const QRegularExpression callRe(QStringLiteral(R"re((?:\((?:self\.)?(\w+)\)|self\.(\w+))\.forward\b)re"));
    QStringList path;
    QHash<QString, QString> bound;
    bool inFrames = false;
    for (int i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        // A loaded model's error has two tracebacks (serialized code, then original code); one
        // is enough. A model defined from source has only the second.
        if (line.contains(QLatin1String("Traceback of TorchScript"))) {
            if (inFrames)
                break;
            inFrames = true;
            continue;
        }
        if (line.trimmed().startsWith(QLatin1String("File \""))) {
            bound.clear();
            continue;
        }
        const auto b = bindRe.match(line);
        if (b.hasMatch())
            bound.insert(b.captured(1), b.captured(2).isEmpty() ? b.captured(3) : b.captured(2));
        if (line.contains(QLatin1String("<--- HERE")) && i > 0) {
            f.code = lines[i - 1].trimmed();
            const auto c = callRe.match(lines[i - 1]);
            if (c.hasMatch()) {
                const QString var = c.captured(1).isEmpty() ? c.captured(2) : c.captured(1);
                path << bound.value(var, var);
            }
        }
    }
    if (!path.isEmpty())
        f.layer = path.join(QLatin1Char('.'));

    // The error itself is the last "SomethingError: ..." line, or the first line when there is
    // no TorchScript traceback at all.
    static const QRegularExpression errRe(QStringLiteral(R"(^\s*(?:builtins\.)?(\w*Error|\w*Exception):\s*(.*)$)"));
    for (int i = lines.size() - 1; i >= 0; --i) {
        const auto m = errRe.match(lines[i]);
        if (m.hasMatch()) {
            QString rest = m.captured(2).trimmed();
            // Multi-line messages continue on the following lines.
            for (int j = i + 1; j < lines.size() && !lines[j].trimmed().isEmpty(); ++j)
                rest += QLatin1Char(' ') + lines[j].trimmed();
            f.summary = rest;
            break;
        }
    }
    if (f.summary.isEmpty()) {
        for (const QString& l : lines) {
            if (!l.trimmed().isEmpty()) {
                f.summary = l.trimmed();
                break;
            }
        }
    }
    return f;
}

TorchFailure condenseCurrentException()
{
    try {
        throw;
    } catch (const c10::Error& e) {
        return condenseTorchError(e.what_without_backtrace());
    } catch (const torch::jit::ErrorReport& e) {
        std::string text;
        e << ErrorReportText{&text};
        TorchFailure f = condenseTorchError(text);
        // The report's first line introduces the source excerpt: "undefined value x:".
        if (f.summary.endsWith(QLatin1Char(':')))
            f.summary.chop(1);
        return f;
    } catch (const std::exception& e) {
        return condenseTorchError(e.what());
    } catch (...) {
        TorchFailure f;
        f.summary = f.full = QStringLiteral("unknown exception");
        return f;
    }
}

QString describe(const TorchFailure& f)
{
    if (f.layer.isEmpty())
        return f.summary;
    return QStringLiteral("in layer '%1': %2").arg(f.layer, f.summary);
}

} // namespace qs::detail
