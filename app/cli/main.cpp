// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/cli.h"

int main(int argc, char** argv)
{
    return qs::cli::main(argc, argv);
}
