// SPDX-License-Identifier: GPL-3.0-or-later
// A second process for tst_storeprocesses: writes runs concurrently, holds the write lock, or
// starts a run and keeps writing until it is killed with SIGKILL.
//   qs_store_helper write DB COUNT SEED     records COUNT complete runs, prints "done N"
//   qs_store_helper hold DB MS              holds the write lock MS milliseconds ("locked" first)
//   qs_store_helper die DB                  records 2 runs, begins one ("running ID"), then
//                                           writes big runs forever (killed mid-transaction)
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QThread>

#include <cstdio>

using namespace qs;

static int fail(const Error& e)
{
    std::fprintf(stderr, "helper: %s\n", qPrintable(e.toText()));
    return 1;
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3)
        return 2;
    const QString mode = args.at(1), path = args.at(2);
    if (mode == QLatin1String("hold")) {
        auto c = detail::SqliteConnection::open(path, false, false, 5000);
        if (!c)
            return fail(c.error());
        if (Status st = (*c)->execAll({QStringLiteral("BEGIN EXCLUSIVE")}, QStringLiteral("locking")); !st)
            return fail(st.error());
        std::printf("locked\n");
        std::fflush(stdout);
        QThread::msleep(args.value(3).toULong());
        if (Status st = (*c)->execAll({QStringLiteral("COMMIT")}, QStringLiteral("unlocking")); !st)
            return fail(st.error());
        return 0;
    }
    auto store = Store::open(path);
    if (!store)
        return fail(store.error());
    if (mode == QLatin1String("write")) {
        const int count = args.value(3).toInt();
        const quint32 seed = args.value(4).toUInt();
        for (int i = 0; i < count; ++i) {
            RunRecord r = test::makeRun(seed + quint32(i), 2000, 500);
            r.tags << QStringLiteral("writer-%1").arg(seed);
            if (i % 2) {
                if (Status st = (*store)->recordRun(r); !st)
                    return fail(st.error());
            } else {
                if (Status st = (*store)->beginRun(r); !st)
                    return fail(st.error());
                r.status = RunStatus::Complete;
                if (Status st = (*store)->finishRun(r); !st)
                    return fail(st.error());
            }
            // Readers interleave with the writers.
            if (auto list = (*store)->listRuns(); !list)
                return fail(list.error());
        }
        std::printf("done %d\n", count);
        return 0;
    }
    if (mode == QLatin1String("die")) {
        for (int i = 0; i < 2; ++i) {
            RunRecord r = test::makeRun(quint32(1000 + i), 1000, 300);
            r.tags << QStringLiteral("before-kill");
            if (Status st = (*store)->recordRun(r); !st)
                return fail(st.error());
        }
        RunRecord running = test::makeRun(2000, 0, 0);
        if (Status st = (*store)->beginRun(running); !st)
            return fail(st.error());
        std::printf("running %lld\n", running.id);
        std::fflush(stdout);
        for (quint32 i = 0;; ++i) {
            RunRecord r = test::makeRun(3000 + i, 100000, 60000);
            r.tags << QStringLiteral("during-kill");
            if (Status st = (*store)->recordRun(r); !st)
                return fail(st.error());
        }
    }
    return 2;
}
