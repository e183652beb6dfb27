// SPDX-License-Identifier: GPL-3.0-or-later
#include "command.h"

#include "core/common/paths.h"
#include "core/jobs/job.h"
#include "core/model/inputspec.h"
#include "core/store/store.h"

#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QMutex>

#include <cstdio>
#include <unistd.h>

namespace qs::cli {

namespace {
QVector<Command>& registry()
{
    static QVector<Command> r;
    return r;
}

QHash<QString, ApplicationFactory>& factories()
{
    static QHash<QString, ApplicationFactory> f;
    return f;
}

QString formatEta(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 s = (ms + 999) / 1000;
    return QStringLiteral(" ETA %1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

void registerCommand(const Command& command)
{
    registry() << command;
}

CommandRegistrar::CommandRegistrar(const Command& command, ApplicationFactory factory)
{
    registerCommand(command);
    factories().insert(command.name, factory);
}

ApplicationFactory applicationFactory(const QString& command)
{
    return factories().value(command, nullptr);
}

QVector<Command> commands()
{
    QVector<Command> sorted = registry();
    std::stable_sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return a.order < b.order; });
    return sorted;
}

Context::Context() : m_out(stdout), m_err(stderr) {}

Context::Context(QString* out, QString* err) : m_out(out), m_err(err) {}
Context::~Context() = default;

void Context::addStandardOptions(QCommandLineParser& parser)
{
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the result as JSON on stdout.")});
    parser.addOption({{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("No progress on stderr.")});
    parser.addOption({{QStringLiteral("v"), QStringLiteral("verbose")}, QStringLiteral("Show details of errors.")});
    parser.addHelpOption();
}

int Context::parse(QCommandLineParser& parser, const QStringList& args, const QString& usage)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(args)) {
        m_err << "quantscope-cli: " << parser.errorText() << "\n"
              << "Usage: " << usage << "\n"
              << "Run '" << args.value(0) << " --help' for the options.\n";
        m_err.flush();
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QString help = parser.helpText();
        // QCommandLineParser names the application binary; show the subcommand form instead.
        const int nl = help.indexOf(QLatin1Char('\n'));
        m_out << "Usage: " << usage << help.mid(nl);
        m_out.flush();
        return 0;
    }
    json = parser.isSet(QStringLiteral("json"));
    quiet = parser.isSet(QStringLiteral("quiet"));
    verbose = parser.isSet(QStringLiteral("verbose"));
    if (m_storeUse) {
        m_dbOption = parser.value(QStringLiteral("db"));
        m_noDb = *m_storeUse == StoreUse::Record && parser.isSet(QStringLiteral("no-db"));
        if (m_noDb && !m_dbOption.isEmpty()) {
            m_err << "quantscope-cli: --db and --no-db contradict each other; give one of them.\n";
            m_err.flush();
            return 2;
        }
    }
    return -1;
}

void Context::addStoreOptions(QCommandLineParser& parser, StoreUse use)
{
    m_storeUse = use;
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("Run database file (default: %1).").arg(paths::pretty(paths::defaultDatabase())),
                      QStringLiteral("FILE")});
    if (use == StoreUse::Record)
        parser.addOption({QStringLiteral("no-db"), QStringLiteral("Do not record the run in the run database.")});
}

QString Context::databasePath() const
{
    return m_dbOption.isEmpty() ? paths::defaultDatabase() : QFileInfo(m_dbOption).absoluteFilePath();
}

Result<Store*> Context::store(bool create)
{
    if (!m_store) {
        Store::Options options;
        // A reading command given a path that does not exist most likely has a typo in it.
        options.create = create || m_dbOption.isEmpty() || m_storeUse == StoreUse::Record;
        // A file we may not write is still worth reading (list, show, export, report); writes then
        // fail with a message about its permissions instead of SQLite's "readonly database".
        const QFileInfo fi(databasePath());
        options.readOnly = fi.exists() && !fi.isWritable();
        auto opened = Store::open(databasePath(), options);
        if (!opened)
            return opened.error();
        m_store = std::move(*opened);
    }
    return m_store.get();
}

void Context::reportRecorded(const QVector<qint64>& runIds)
{
    if (quiet || runIds.isEmpty())
        return;
    QStringList ids;
    for (qint64 id : runIds)
        ids << QString::number(id);
    // Consecutive ids (the usual case) as a range.
    const bool consecutive = runIds.size() > 2 && runIds.last() - runIds.first() == runIds.size() - 1;
    const QString list = consecutive ? QStringLiteral("%1-%2").arg(runIds.first()).arg(runIds.last()) : ids.join(QLatin1String(", "));
    m_err << "Recorded as run" << (runIds.size() > 1 ? "s " : " ") << list << " in " << paths::pretty(databasePath())
          << " (`quantscope-cli runs show ID`).\n";
    m_err.flush();
}

void Context::printJson(const QJsonObject& object)
{
    m_out << QJsonDocument(object).toJson(QJsonDocument::Indented);
    m_out.flush();
}

int Context::fail(const Error& error)
{
    m_err << "quantscope-cli: " << error.toText(verbose || error.kind == Error::Kind::Internal) << "\n";
    if (!verbose && !error.details.isEmpty() && error.details != error.message)
        m_err << (error.kind == Error::Kind::Database || error.kind == Error::Kind::Io ? "(run with --verbose for the full error)\n"
                                                                                      : "(run with --verbose for LibTorch's full message)\n");
    m_err.flush();
    if (json) {
        static const char* kinds[] = {"usage", "bad_input", "model_failure", "database", "io", "cancelled", "internal"};
        printJson(QJsonObject{{QStringLiteral("error"),
                               QJsonObject{{QStringLiteral("kind"), QLatin1String(kinds[int(error.kind)])},
                                           {QStringLiteral("message"), error.message},
                                           {QStringLiteral("details"), error.details},
                                           {QStringLiteral("exit_code"), error.exitCode()}}}});
    }
    return error.exitCode();
}

Status Context::runJob(Job& job)
{
    const bool tty = isatty(fileno(stderr));
    int lastDecile = -1;
    QString lastMessage;
    QObject::connect(&job, &Job::progress, &job, [&, tty](int permille, const QString& message, qint64 eta) {
        if (quiet)
            return;
        if (tty) {
            QString line = QStringLiteral("\r[%1%] %2%3").arg(permille / 10, 3).arg(message, formatEta(eta));
            m_err << line.leftJustified(79, QLatin1Char(' '), true);
            m_err.flush();
        } else if (permille / 100 != lastDecile || message.section(QLatin1Char(','), 0, 0) != lastMessage) {
            // Logs and CI: a line per 10% or per new stage, not per update.
            lastDecile = permille / 100;
            lastMessage = message.section(QLatin1Char(','), 0, 0);
            m_err << QStringLiteral("[%1%] %2%3\n").arg(permille / 10, 3).arg(message, formatEta(eta));
            m_err.flush();
        }
    }, Qt::DirectConnection);
    const Status st = job.runNow();
    if (tty && !quiet) {
        m_err << "\r" << QString(79, QLatin1Char(' ')) << "\r";
        m_err.flush();
    }
    return st;
}

Result<InputSpec> Context::inputSpec(const QStringList& inputs, const QString& modelPath)
{
    if (!inputs.isEmpty())
        return InputSpec::parse(inputs);
    return InputSpec::readSidecar(modelPath);
}

Result<int> Context::positiveInt(const QCommandLineParser& parser, const QString& option, int fallback)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const int v = parser.value(option).toInt(&ok);
    if (!ok || v < 1)
        return Error::usage(QStringLiteral("--%1 must be a positive whole number, not '%2'.").arg(option, parser.value(option)));
    return v;
}

} // namespace qs::cli
