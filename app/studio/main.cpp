// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/studio.h"

int main(int argc, char** argv)
{
    return qs::ui::runStudio(argc, argv);
}
