// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace qs::cli {

/// \brief quantscope-cli: the studio's core, headless, with JSON output. app/cli/main.cpp calls this.
int main(int argc, char** argv);

} // namespace qs::cli
