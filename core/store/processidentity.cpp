// SPDX-License-Identifier: GPL-3.0-or-later
#include "processidentity.h"

#include <QtCore/QFile>
#include <QtCore/QSysInfo>

#include <unistd.h>

namespace qs {

namespace {

QByteArray readSmallFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(4096);
}

/// Field 22 (starttime) of /proc/PID/stat; the command name (field 2) may hold spaces and
/// parentheses, so count fields after its last ')'.
qint64 startTicksOf(qint64 pid)
{
    const QByteArray stat = readSmallFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const int close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // After ')': field 3 (state) is fields[0], so field 22 is fields[19].
    if (fields.size() < 20)
        return -1;
    // A killed process its parent has not reaped yet is a zombie: it runs nothing any more.
    if (fields.at(0) == "Z" || fields.at(0) == "X")
        return -1;
    bool ok = false;
    const qint64 v = fields.at(19).toLongLong(&ok);
    return ok ? v : -1;
}

QString bootId()
{
    static const QString id = QString::fromLatin1(readSmallFile(QStringLiteral("/proc/sys/kernel/random/boot_id")).trimmed());
    return id;
}

} // namespace

ProcessIdentity ProcessIdentity::current()
{
    static const ProcessIdentity self = [] {
        ProcessIdentity p;
        p.host = QSysInfo::machineHostName();
        p.boot = bootId();
        p.pid = qint64(::getpid());
        p.startTicks = startTicksOf(p.pid);
        return p;
    }();
    return self;
}

bool ProcessIdentity::isAlive() const
{
    const ProcessIdentity me = current();
    if (host != me.host || pid <= 0)
        return false;
    if (!boot.isEmpty() && !me.boot.isEmpty() && boot != me.boot)
        return false;
    const qint64 ticks = startTicksOf(pid);
    return ticks >= 0 && ticks == startTicks;
}

} // namespace qs
