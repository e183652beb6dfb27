// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the Debian package with CPack, inspects it like a packager would (dependencies,
// binaries, desktop file, AppStream metadata, man pages), then runs the programs from an
// extracted root to show that they find their libraries where the package puts them.
#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run run(const QString& program, const QStringList& args, const QString& dir = {}, const QProcessEnvironment& env = {})
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(600000)) {
        p.kill();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestPackage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_work;
    QString m_deb;
    QString m_root;

private Q_SLOTS:
    void initTestCase()
    {
        for (const char* tool : {"cpack", "dpkg-deb", "dpkg-shlibdeps"}) {
            if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
                QSKIP(qPrintable(QStringLiteral("%1 is not installed").arg(QLatin1String(tool))));
        }
        QVERIFY(m_work.isValid());
        const Run r = run(QStringLiteral("cpack"), {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), m_work.path()},
                          QStringLiteral(QS_BUILD_DIR));
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QStringList debs = QDir(m_work.path()).entryList({QStringLiteral("quantscope_*.deb")});
        QCOMPARE(debs.size(), 1);
        m_deb = m_work.filePath(debs.first());
        QVERIFY(m_deb.contains(QStringLiteral("quantscope_" QS_VERSION "_")));
        m_root = m_work.filePath(QStringLiteral("root"));
        const Run x = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_root});
        QVERIFY2(x.code == 0, qPrintable(x.err));
    }

    void dependencies()
    {
        const Run r = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")});
        QCOMPARE(r.code, 0);
        const QString depends = r.out;
        QSet<QString> names;
        for (const QString& group : depends.split(QLatin1Char(','), Qt::SkipEmptyParts))
            for (const QString& alt : group.split(QLatin1Char('|')))
                names.insert(alt.trimmed().section(QLatin1Char(' '), 0, 0));
        // Found by dpkg-shlibdeps from what the binaries link, and named by us for what is
        // loaded at run time (SQLite driver, platform plugins, the BLAS behind libblas.so.3).
        for (const char* pkg : {"libtorch1.13", "libqcustomplot2.1-qt6", "libqt6widgets6", "libqt6core6", "libc6",
                                "libqt6sql6-sqlite", "qt6-qpa-plugins", "libopenblas0-pthread"})
            QVERIFY2(names.contains(QLatin1String(pkg)), qPrintable(QStringLiteral("%1 missing from: %2").arg(QLatin1String(pkg), depends)));
        // Every dependency exists in this Debian (installed here, or at least available).
        const QStringList groups = depends.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString& group : groups) {
            bool found = false;
            for (const QString& alt : group.split(QLatin1Char('|'))) {
                const QString name = alt.trimmed().section(QLatin1Char(' '), 0, 0);
                const Run q = run(QStringLiteral("dpkg-query"), {QStringLiteral("-W"), QStringLiteral("-f=${Status}"), name});
                if (q.out.contains(QStringLiteral("install ok installed")))
                    found = true;
            }
            QVERIFY2(found, qPrintable(QStringLiteral("no package of '%1' is installed").arg(group.trimmed())));
        }
    }

    void contents()
    {
        const Run r = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), m_deb});
        QCOMPARE(r.code, 0);
        for (const char* path : {"./usr/bin/quantscope", "./usr/bin/quantscope-cli", "/quantscope/libquantscope-core.so.0",
                                 "./usr/share/applications/io.github.quantscope.Quantscope.desktop",
                                 "./usr/share/metainfo/io.github.quantscope.Quantscope.metainfo.xml",
                                 "./usr/share/icons/hicolor/256x256/apps/quantscope.png",
                                 "./usr/share/icons/hicolor/48x48/apps/quantscope.png",
                                 "./usr/share/icons/hicolor/scalable/apps/quantscope.svg",
                                 "./usr/share/mime/packages/quantscope.xml",
                                 "./usr/share/man/man1/quantscope-cli.1.gz", "./usr/share/man/man1/quantscope.1.gz"})
            QVERIFY2(r.out.contains(QLatin1String(path)), path);
        // Nothing from the build or test tree leaks into the package.
        QVERIFY(!r.out.contains(QStringLiteral("tst_")));
        QVERIFY(!r.out.contains(QStringLiteral(".a\n")));
    }

    void desktopFileAndMetainfoValidate()
    {
        const QString desktop = m_root + QLatin1String("/usr/share/applications/io.github.quantscope.Quantscope.desktop");
        QVERIFY(QFile::exists(desktop));
        if (!QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate")).isEmpty()) {
            const Run r = run(QStringLiteral("desktop-file-validate"), {desktop});
            QVERIFY2(r.code == 0 && r.out.trimmed().isEmpty(), qPrintable(r.out + r.err));
        }
        QFile f(desktop);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY(text.contains(QStringLiteral("Categories=Development;")));
        QVERIFY(text.contains(QStringLiteral("MimeType=application/x-torchscript;")));
        QVERIFY(text.contains(QStringLiteral("Exec=quantscope %f")));

        const QString metainfo = m_root + QLatin1String("/usr/share/metainfo/io.github.quantscope.Quantscope.metainfo.xml");
        if (QStandardPaths::findExecutable(QStringLiteral("appstreamcli")).isEmpty())
            QSKIP("appstreamcli is not installed");
        const Run r = run(QStringLiteral("appstreamcli"), {QStringLiteral("validate"), QStringLiteral("--no-net"), metainfo});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    }

    void programsRunFromThePackage()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.remove(QStringLiteral("LD_LIBRARY_PATH"));
        const Run cli = run(m_root + QLatin1String("/usr/bin/quantscope-cli"), {QStringLiteral("--version")}, {}, env);
        QVERIFY2(cli.code == 0, qPrintable(cli.err));
        QVERIFY(cli.out.startsWith(QStringLiteral("quantscope-cli " QS_VERSION)));
        // The binaries find the private core library through their RUNPATH, not the build tree.
        const Run ldd = run(QStringLiteral("ldd"), {m_root + QLatin1String("/usr/bin/quantscope-cli")}, {}, env);
        QVERIFY2(ldd.out.contains(QRegularExpression(QStringLiteral("libquantscope-core\\.so\\.0 => %1/usr/bin/\\.\\./lib/quantscope/")
                                                         .arg(QRegularExpression::escape(m_root)))),
                 qPrintable(ldd.out));
        QVERIFY(!ldd.out.contains(QStringLiteral(QS_BUILD_DIR)));
        const Run studio = run(m_root + QLatin1String("/usr/bin/quantscope"), {QStringLiteral("--version")}, {}, env);
        QVERIFY2(studio.code == 0, qPrintable(studio.err));
        QVERIFY(studio.out.contains(QStringLiteral(QS_VERSION)));
        const Run help = run(m_root + QLatin1String("/usr/bin/quantscope-cli"), {QStringLiteral("--help")}, {}, env);
        QVERIFY(help.out.contains(QStringLiteral("Commands:")));
    }

    void manPageListsEveryCommand()
    {
        const Run help = run(m_root + QLatin1String("/usr/bin/quantscope-cli"), {QStringLiteral("--help")});
        const Run page = run(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("gzip -dc '%1'").arg(
                                                                          m_root + QLatin1String("/usr/share/man/man1/quantscope-cli.1.gz"))});
        QCOMPARE(page.code, 0);
        QVERIFY(page.out.startsWith(QStringLiteral(".TH QUANTSCOPE\\-CLI 1")));
        // Every command of --help has its section with its options.
        const QStringList lines = help.out.split(QLatin1Char('\n'));
        const int start = lines.indexOf(QStringLiteral("Commands:"));
        QVERIFY(start >= 0);
        int commands = 0;
        for (int i = start + 1; i < lines.size() && lines[i].startsWith(QStringLiteral("  ")); ++i) {
            const QString name = lines[i].trimmed().section(QLatin1Char(' '), 0, 0);
            if (name == QLatin1String("man"))
                continue;
            QVERIFY2(page.out.contains(QStringLiteral(".SS ") + QString(name).replace(QLatin1Char('-'), QLatin1String("\\-"))), qPrintable(name));
            ++commands;
        }
        QVERIFY(commands >= 3);
        QVERIFY(page.out.contains(QStringLiteral("\\-\\-json")));
        if (!QStandardPaths::findExecutable(QStringLiteral("groff")).isEmpty()) {
            const Run render = run(QStringLiteral("sh"), {QStringLiteral("-c"),
                                                          QStringLiteral("gzip -dc '%1' | groff -man -Tutf8 -ww -z 2>&1").arg(
                                                              m_root + QLatin1String("/usr/share/man/man1/quantscope-cli.1.gz"))});
            QVERIFY2(render.out.trimmed().isEmpty(), qPrintable(render.out));
        }
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
