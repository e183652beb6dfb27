// SPDX-License-Identifier: GPL-3.0-or-later
#include "studio.h"

#include "ui/mainwindow.h"
#include "ui/studiocontext.h"
#include "ui/theme.h"

#include "core/common/torchwarnings.h"
#include "core/common/version.h"
#include "core/model/inputspec.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QTimer>
#include <QtGui/QIcon>
#include <QtWidgets/QApplication>

#include <cstdio>

// Q_INIT_RESOURCE must be used outside any namespace; the resources live in a static library
// whose registration the linker would otherwise drop.
static void initStudioResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace qs::ui {

int runStudio(int argc, char** argv)
{
    QApplication app(argc, argv);
    initStudioResources();
    QApplication::setApplicationName(QStringLiteral("quantscope"));
    QApplication::setOrganizationName(QStringLiteral("quantscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Quantscope"));
    QApplication::setApplicationVersion(version());
    QApplication::setDesktopFileName(QStringLiteral("io.github.quantscope.Quantscope"));
    QIcon icon;
    for (int s : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/quantscope-%1.png").arg(s), QSize(s, s));
    QApplication::setWindowIcon(icon);
    torchwarnings::installForThisThread();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Quantscope: measure what quantization does to a TorchScript model."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("TorchScript model to open."), QStringLiteral("[MODEL]"));
    parser.addOption({QStringLiteral("demo"), QStringLiteral("Open the built-in demo workspace (prepared on first use).")});
    parser.addOption({QStringLiteral("input"), QStringLiteral("Input shape for MODEL, e.g. 1x3x224x224 (repeatable)."),
                      QStringLiteral("SHAPE[:dtype]")});
    parser.addOption({QStringLiteral("theme"), QStringLiteral("Colours: system, light or dark (remembered)."), QStringLiteral("THEME")});
    parser.process(app);

    if (parser.isSet(QStringLiteral("theme")))
        applyTheme(parseTheme(parser.value(QStringLiteral("theme"))));
    else if (currentTheme() != Theme::System)
        applyTheme(currentTheme());

    InputSpec inputs;
    if (parser.isSet(QStringLiteral("input"))) {
        auto parsed = InputSpec::parse(parser.values(QStringLiteral("input")));
        if (!parsed) {
            std::fprintf(stderr, "quantscope: %s\n", qPrintable(parsed.error().message));
            return parsed.error().exitCode();
        }
        inputs = *parsed;
    }

    StudioContext context;
    MainWindow window(&context);
    window.show();
    const QStringList models = parser.positionalArguments();
    QTimer::singleShot(0, &window, [&] {
        if (!models.isEmpty())
            context.openModel(models.first(), inputs);
        else if (parser.isSet(QStringLiteral("demo")))
            context.openDemo();
    });
    const int rc = QApplication::exec();
    context.jobs()->cancelAll();
    context.jobs()->waitForDone();
    return rc;
}

} // namespace qs::ui
