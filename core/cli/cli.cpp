// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli.h"

#include "core/cli/command.h"
#include "core/common/torchwarnings.h"
#include "core/common/version.h"

#include <QtCore/QCoreApplication>

namespace qs::cli {

namespace {

void printUsage(QTextStream& s)
{
    s << "quantscope-cli " << version() << ": measure what quantization does to a TorchScript model.\n\n"
      << "Usage: quantscope-cli COMMAND [options]\n\nCommands:\n";
    int w = 0;
    for (const Command& c : commands())
        w = std::max(w, int(c.name.size()));
    for (const Command& c : commands())
        s << "  " << c.name.leftJustified(w + 2) << c.summary << "\n";
    s << "\nRun 'quantscope-cli COMMAND --help' for a command's options. Every command takes --json.\n"
      << "Exit codes: 0 ok, 2 usage, 3 bad input file, 4 the model failed, 5 database, 6 write error, 130 cancelled.\n";
    s.flush();
}

int levenshtein(const QString& a, const QString& b)
{
    QVector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (int j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

} // namespace

int main(int argc, char** argv)
{
    std::unique_ptr<QCoreApplication> app;
    if (argc >= 2) {
        if (ApplicationFactory make = applicationFactory(QString::fromLocal8Bit(argv[1])))
            app = make(argc, argv);
    }
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("quantscope-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("quantscope"));
    QCoreApplication::setApplicationVersion(version());
    torchwarnings::installForThisThread();

    const QStringList args = QCoreApplication::arguments().mid(1);
    Context ctx;
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        if (args.size() >= 2 && args.first() == QLatin1String("help")) {
            for (const Command& c : commands()) {
                if (c.name == args[1])
                    return c.run(ctx, {c.name, QStringLiteral("--help")});
            }
        }
        printUsage(ctx.out());
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == QLatin1String("--version") || args.first() == QLatin1String("version")) {
        ctx.out() << "quantscope-cli " << version() << " (LibTorch " << libtorchVersion() << ", Qt " << qVersion() << ")\n";
        return 0;
    }
    for (const Command& c : commands()) {
        if (c.name == args.first())
            return c.run(ctx, args);
    }
    QString suggestion;
    int best = 3;
    for (const Command& c : commands()) {
        const int d = levenshtein(args.first(), c.name);
        if (d < best) {
            best = d;
            suggestion = c.name;
        }
    }
    ctx.err() << "quantscope-cli: '" << args.first() << "' is not a command."
              << (suggestion.isEmpty() ? QString() : QStringLiteral(" Did you mean '%1'?").arg(suggestion))
              << " Run 'quantscope-cli --help' for the list.\n";
    return 2;
}

} // namespace qs::cli
