// SPDX-License-Identifier: GPL-3.0-or-later
// `quantscope-cli man`: the manual page, built from every command's own --help, so that it is
// always complete (the package installs it as quantscope-cli.1).
#include "core/cli/command.h"
#include "core/common/version.h"

#include <QtCore/QDate>
#include <QtCore/QRegularExpression>

namespace qs::cli {

namespace {

QString roff(QString text)
{
    text.replace(QLatin1Char('\\'), QLatin1String("\\e"));
    text.replace(QLatin1Char('-'), QLatin1String("\\-"));
    if (text.startsWith(QLatin1Char('.')) || text.startsWith(QLatin1Char('\'')))
        text.prepend(QLatin1String("\\&"));
    return text;
}

// QCommandLineParser's help: "Usage: ...", description, "Options:" and "Arguments:" sections
// whose entries are "  -x, --name <value>   text" with wrapped continuation lines.
QString helpToRoff(const QString& help)
{
    QString out;
    QString section;
    QString term, body;
    auto flush = [&]() {
        if (!term.isEmpty())
            out += QStringLiteral(".TP\n.B %1\n%2\n").arg(roff(term), roff(body.simplified()));
        term.clear();
        body.clear();
    };
    static const QRegularExpression entry(QStringLiteral(R"(^  (\S.*?)(?:\s{2,}(.*))?$)"));
    for (const QString& line : help.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("Usage: "))) {
            out += QStringLiteral(".PP\n.B %1\n.br\n").arg(roff(line.mid(7).trimmed()));
            continue;
        }
        if (line == QLatin1String("Options:") || line == QLatin1String("Arguments:")) {
            flush();
            section = line;
            out += QStringLiteral(".PP\n%1\n").arg(line);
            continue;
        }
        if (section.isEmpty()) {
            if (!line.trimmed().isEmpty())
                out += roff(line.trimmed()) + QLatin1Char('\n');
            continue;
        }
        if (line.trimmed().isEmpty())
            continue;
        const auto m = entry.match(line);
        if (m.hasMatch() && !line.startsWith(QLatin1String("    "))) {
            flush();
            term = m.captured(1).trimmed();
            body = m.captured(2);
        } else {
            body += QLatin1Char(' ') + line.trimmed();
        }
    }
    flush();
    return out;
}

int runMan(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the manual page of quantscope-cli (groff), built from every command's --help."));
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, QStringLiteral("quantscope-cli man")); rc >= 0)
        return rc;

    QString page;
    page += QStringLiteral(".TH QUANTSCOPE\\-CLI 1 \"%1\" \"Quantscope %2\" \"User Commands\"\n")
                .arg(QDate::currentDate().toString(Qt::ISODate), version());
    page += QStringLiteral(".SH NAME\nquantscope\\-cli \\- measure what quantization does to a TorchScript model, headless\n");
    page += QStringLiteral(".SH SYNOPSIS\n.B quantscope\\-cli\n.I COMMAND\n[\\fIoptions\\fR]\n");
    page += QStringLiteral(".SH DESCRIPTION\nThe core of the Quantscope studio without a window: open, inspect, quantize, "
                           "benchmark and evaluate TorchScript models, keep runs in a SQLite database and export reports. "
                           "Every command takes \\-\\-json (results as JSON on stdout); progress and messages go to stderr.\n");
    page += QStringLiteral(".SH COMMANDS\n");
    for (const Command& c : commands()) {
        if (c.name == QLatin1String("man"))
            continue;
        QString out, err;
        Context inner(&out, &err);
        c.run(inner, {c.name, QStringLiteral("--help")});
        inner.out().flush();
        page += QStringLiteral(".SS %1\n%2\n").arg(roff(c.name), roff(c.summary));
        page += helpToRoff(out);
    }
    page += QStringLiteral(".SH EXIT STATUS\n"
                           ".TP\n.B 0\nsuccess\n.TP\n.B 2\nusage error: unknown command or option, bad option value\n"
                           ".TP\n.B 3\nbad input: a file or value given is not usable\n"
                           ".TP\n.B 4\nthe model itself failed (forward threw, NaN/Inf, out of memory)\n"
                           ".TP\n.B 5\nthe run database could not be read or written\n"
                           ".TP\n.B 6\na file could not be written\n"
                           ".TP\n.B 70\ninternal error\n.TP\n.B 130\ncancelled\n");
    page += QStringLiteral(".SH ENVIRONMENT\n.TP\n.B QUANTSCOPE_DATA_DIR\nwhere the demo workspace and the run database live "
                           "(default: $XDG_DATA_HOME/quantscope)\n"
                           ".TP\n.B OMP_NUM_THREADS, OPENBLAS_NUM_THREADS\nthread counts; commands that measure set them "
                           "from \\-\\-threads\n");
    page += QStringLiteral(".SH FILES\n.TP\n.I <model>.json\nthe input spec sidecar next to a model: "
                           "{\"inputs\":[{\"shape\":[1,3,224,224],\"dtype\":\"float32\"}]}\n");
    page += QStringLiteral(".SH SEE ALSO\n.BR quantscope (1)\n");
    ctx.out() << page;
    return 0;
}

const CommandRegistrar reg({QStringLiteral("man"), QStringLiteral("Print this program's manual page (groff)."), runMan, 1000});

} // namespace

} // namespace qs::cli
