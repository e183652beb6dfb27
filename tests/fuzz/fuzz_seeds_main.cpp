// SPDX-License-Identifier: GPL-3.0-or-later
// fuzz_seeds DIR: writes the seed corpus of every fuzz target to DIR/<target>/.
#include "tests/fuzz/fuzzseeds.h"

#include <QtCore/QCoreApplication>

#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    const int n = qs::fuzz::writeSeeds(QString::fromLocal8Bit(argv[1]));
    std::printf("%d seed files written to %s\n", n, argv[1]);
    return n > 0 ? 0 : 1;
}
