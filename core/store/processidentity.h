// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>

namespace qs {

/// \brief Who owns a running Run: host, boot, pid and the process's start time.
///
/// A pid alone is reused; pid + start time (in clock ticks since boot) + boot id names one
/// process for good. A run whose owner is not alive any more was interrupted (kill -9,
/// crash, power loss) and is shown as such, never as complete.
struct ProcessIdentity
{
    QString host;
    QString boot;        ///< /proc/sys/kernel/random/boot_id: changes on every reboot
    qint64 pid = 0;
    qint64 startTicks = 0; ///< field 22 of /proc/PID/stat

    static ProcessIdentity current();
    /// Whether that very process still runs on this machine. Runs from another host (a copied
    /// database) cannot be running here: false.
    bool isAlive() const;
};

} // namespace qs
