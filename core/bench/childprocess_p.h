// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: the process an isolated run measures in.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <sys/types.h>

namespace qs::detail {

/// \brief A child program with pipes on its stdin, stdout and stderr (posix_spawn).
///
/// Unlike QProcess it can be stopped without waiting for the kernel to tear it down:
/// killAndForget() sends SIGKILL and leaves the reaping to a background thread. A killed child
/// ends only when each of its threads has been scheduled once more, which on a loaded machine
/// took seconds for the benchmark's idle-priority memory sampler; a cancel does not wait for that.
class ChildProcess
{
public:
    ChildProcess() = default;
    /// Kills the child if it still runs and leaves it to the background reaper.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Starts \a program with \a arguments in this process's environment. False and error() set
    /// when it could not be started.
    bool start(const QString& program, const QStringList& arguments);
    QString error() const { return m_error; }
    pid_t pid() const { return m_pid; }

    /// Writes all of \a data to the child's stdin (blocking); false when the child closed it.
    bool write(const QByteArray& data);
    void closeStdin();

    /// Waits up to \a timeoutMs for output and reads what is there. False once both stdout and
    /// stderr are closed (the child is exiting or gone).
    bool waitForOutput(int timeoutMs);
    /// Complete lines read from stdout so far (without their '\n'), removed from the buffer.
    QList<QByteArray> takeLines();
    /// What is left on stdout after the last '\n' (call after the child ended).
    QByteArray takeRest();
    /// stderr read since the last call.
    QByteArray takeStderr();

    /// Waits for the child to end (after stdout and stderr closed) and records how.
    void waitForExit();
    bool crashed() const { return m_signal != 0; }
    /// The exit code, or the signal that ended the child when crashed().
    int exitCode() const { return m_signal != 0 ? m_signal : m_exitCode; }

    /// SIGKILL now; a background thread reaps the child. Returns at once.
    void killAndForget();

private:
    void closeFd(int& fd);

    pid_t m_pid = -1;
    int m_in = -1;
    int m_out = -1;
    int m_err = -1;
    QByteArray m_outBuf;
    QByteArray m_errBuf;
    QString m_error;
    int m_exitCode = -1;
    int m_signal = 0;
};

} // namespace qs::detail
