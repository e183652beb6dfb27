// SPDX-License-Identifier: GPL-3.0-or-later
#include "childprocess_p.h"

#include <QtCore/QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace qs::detail {

namespace {

bool makePipe(int fds[2])
{
    return pipe2(fds, O_CLOEXEC) == 0;
}

// Reaps a killed child without anyone waiting for it. One short-lived thread per child: a
// cancel is rare, and the thread ends as soon as the kernel has torn the child down.
void reapInBackground(pid_t pid)
{
    std::thread([pid] {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }).detach();
}

} // namespace

ChildProcess::~ChildProcess()
{
    if (m_pid > 0)
        killAndForget();
    closeFd(m_in);
    closeFd(m_out);
    closeFd(m_err);
}

void ChildProcess::closeFd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

bool ChildProcess::start(const QString& program, const QStringList& arguments)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    if (!makePipe(in) || !makePipe(out) || !makePipe(err)) {
        m_error = QString::fromLocal8Bit(strerror(errno));
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
            if (fd >= 0)
                ::close(fd);
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    // The child starts with default signal dispositions and nothing blocked, whatever this
    // process (Qt, LibTorch) installed.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    const QByteArray exe = QFile::encodeName(program);
    std::vector<QByteArray> args{exe};
    for (const QString& a : arguments)
        args.push_back(a.toLocal8Bit());
    std::vector<char*> argv;
    for (QByteArray& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int rc = posix_spawn(&pid, exe.constData(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        m_error = QString::fromLocal8Bit(strerror(rc));
        ::close(in[1]);
        ::close(out[0]);
        ::close(err[0]);
        return false;
    }
    m_pid = pid;
    m_in = in[1];
    m_out = out[0];
    m_err = err[0];
    return true;
}

bool ChildProcess::write(const QByteArray& data)
{
    if (m_in < 0)
        return false;
    // A child that died before reading its request must not kill this process with SIGPIPE:
    // the signal is blocked for this thread around the write, and one it raised is taken.
    sigset_t pipeSet, old;
    sigemptyset(&pipeSet);
    sigaddset(&pipeSet, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSet, &old);
    bool ok = true;
    for (qsizetype done = 0; done < data.size();) {
        const ssize_t w = ::write(m_in, data.constData() + done, size_t(data.size() - done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            ok = false;
            break;
        }
        done += w;
    }
    if (!ok) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipeSet, nullptr, &zero) > 0) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
}

void ChildProcess::closeStdin()
{
    closeFd(m_in);
}

bool ChildProcess::waitForOutput(int timeoutMs)
{
    pollfd fds[2];
    int n = 0;
    if (m_out >= 0)
        fds[n++] = {m_out, POLLIN, 0};
    if (m_err >= 0)
        fds[n++] = {m_err, POLLIN, 0};
    if (n == 0)
        return false;
    const int ready = poll(fds, nfds_t(n), timeoutMs);
    if (ready <= 0)
        return true;
    char buf[65536];
    for (int i = 0; i < n; ++i) {
        if (fds[i].revents == 0)
            continue;
        const bool isOut = fds[i].fd == m_out;
        const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
        if (r > 0)
            (isOut ? m_outBuf : m_errBuf).append(buf, qsizetype(r));
        else if (r == 0 || (errno != EINTR && errno != EAGAIN))
            closeFd(isOut ? m_out : m_err);
    }
    return m_out >= 0 || m_err >= 0;
}

QList<QByteArray> ChildProcess::takeLines()
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    for (qsizetype nl = m_outBuf.indexOf('\n'); nl >= 0; nl = m_outBuf.indexOf('\n', start)) {
        lines << m_outBuf.mid(start, nl - start);
        start = nl + 1;
    }
    m_outBuf.remove(0, start);
    return lines;
}

QByteArray ChildProcess::takeRest()
{
    QByteArray rest;
    rest.swap(m_outBuf);
    return rest;
}

QByteArray ChildProcess::takeStderr()
{
    QByteArray err;
    err.swap(m_errBuf);
    return err;
}

void ChildProcess::waitForExit()
{
    if (m_pid <= 0)
        return;
    int status = 0;
    pid_t r;
    while ((r = waitpid(m_pid, &status, 0)) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    if (r < 0)
        return;
    if (WIFSIGNALED(status))
        m_signal = WTERMSIG(status);
    else if (WIFEXITED(status))
        m_exitCode = WEXITSTATUS(status);
}

void ChildProcess::killAndForget()
{
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGKILL);
    reapInBackground(m_pid);
    m_pid = -1;
    m_signal = SIGKILL;
    closeFd(m_in);
    closeFd(m_out);
    closeFd(m_err);
}

} // namespace qs::detail
