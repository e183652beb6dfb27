// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace qs::ui {

/// \brief The studio application: parses the command line (MODEL, --demo, --input), shows the
/// main window and runs the event loop. app/studio/main.cpp calls this.
int runStudio(int argc, char** argv);

} // namespace qs::ui
