// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QJsonObject>
#include <QtCore/QTextStream>

#include <QtCore/QCoreApplication>

#include <functional>
#include <memory>
#include <optional>

namespace qs {
class Job;
class Store;
struct InputSpec;
}

namespace qs::cli {

/// \brief What a command gets: its arguments, the output streams and the shared conventions
/// (JSON on stdout, messages and progress on stderr, exit codes from Error::exitCode()).
class Context
{
public:
    /// Writes to stdout and stderr.
    Context();
    /// Writes into \a out and \a err (for generated documentation and tests).
    Context(QString* out, QString* err);
    ~Context();

    QTextStream& out() { return m_out; }
    QTextStream& err() { return m_err; }

    bool json = false;
    bool quiet = false;
    bool verbose = false;

    /// Standard options every command has: --json, --quiet, --verbose, --help.
    void addStandardOptions(QCommandLineParser& parser);
    /// Parses \a args (command name first). Returns -1 to continue, or an exit code (help
    /// printed: 0; bad arguments: 2 with a message).
    int parse(QCommandLineParser& parser, const QStringList& args, const QString& usage);

    void printJson(const QJsonObject& object);
    /// Prints the error (stderr, and as {"error": ...} on stdout with --json); returns the exit code.
    int fail(const Error& error);
    /// Runs \a job on this thread, drawing its progress on stderr.
    Status runJob(Job& job);

    /// The InputSpec from --input values, else the sidecar next to \a modelPath (maybe empty).
    Result<InputSpec> inputSpec(const QStringList& inputs, const QString& modelPath);
    /// Parses "--threads" style positive integers, with a message naming the option.
    Result<int> positiveInt(const QCommandLineParser& parser, const QString& option, int fallback);

    // ---- the run store ----------------------------------------------------------------------
    /// How a command uses the run database: reads it (runs, report) or records runs into it
    /// (bench, quantize, eval).
    enum class StoreUse { Read, Record };
    /// Adds --db FILE (and for Record, --no-db) to \a parser; parse() then reads them.
    void addStoreOptions(QCommandLineParser& parser, StoreUse use);
    /// Whether a recording command should record (false with --no-db).
    bool recording() const { return m_storeUse == StoreUse::Record && !m_noDb; }
    /// The database file --db names, or the default one (qs::paths::defaultDatabase()).
    QString databasePath() const;
    /// The run store, opened on first use (created when missing, except for an explicit --db of
    /// a reading command, where a missing file is likely a typo, unless \a create). Lives as long
    /// as the Context.
    Result<Store*> store(bool create = false);
    /// Tells the user where runs went ("Recorded as run 12 in ~/...") on stderr unless --quiet.
    void reportRecorded(const QVector<qint64>& runIds);

private:
    QTextStream m_out;
    QTextStream m_err;
    std::optional<StoreUse> m_storeUse;
    QString m_dbOption;
    bool m_noDb = false;
    std::unique_ptr<Store> m_store;
};

/// \brief A subcommand of quantscope-cli.
struct Command
{
    QString name;
    QString summary;
    std::function<int(Context&, const QStringList& args)> run;
    int order = 100; ///< position in `quantscope-cli --help`
};

/// Registers a command; each command's .cpp does so with a static CommandRegistrar.
void registerCommand(const Command& command);
QVector<Command> commands();

/// Makes the application object for a command that needs more than a QCoreApplication for
/// these arguments (a PDF report needs a QGuiApplication), or null for the usual one. Called
/// before any Qt object exists, with main()'s argc/argv.
using ApplicationFactory = std::unique_ptr<QCoreApplication> (*)(int& argc, char** argv);
ApplicationFactory applicationFactory(const QString& command);

struct CommandRegistrar
{
    explicit CommandRegistrar(const Command& command) { registerCommand(command); }
    CommandRegistrar(const Command& command, ApplicationFactory factory);
};

} // namespace qs::cli
