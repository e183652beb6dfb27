// SPDX-License-Identifier: GPL-3.0-or-later
// Replays every fuzz target's seed corpus and every input that once made a target crash, hang or
// leak (tests/fuzz/regressions/<target>/) in the normal build, so that fixed bugs stay fixed.
#include "tests/fuzz/fuzzseeds.h"
#include "tests/fuzz/fuzztarget.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtTest/QtTest>

namespace qs::fuzz {

namespace {
QVector<Target>& targets()
{
    static QVector<Target> t;
    return t;
}
} // namespace

bool registerTarget(const char* name, TargetFn fn)
{
    targets() << Target{name, fn};
    return true;
}

} // namespace qs::fuzz

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void replay_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("input");
        for (const auto& t : qs::fuzz::targets()) {
            const QString name = QLatin1String(t.name);
            const auto seeds = qs::fuzz::seeds(name);
            QVERIFY2(!seeds.isEmpty(), qPrintable(QStringLiteral("target %1 has no seeds").arg(name)));
            for (auto it = seeds.begin(); it != seeds.end(); ++it)
                QTest::newRow(qPrintable(name + QLatin1String("/seed/") + it.key())) << name << it.value();
            const QDir dir(QStringLiteral(QS_FUZZ_REGRESSIONS_DIR "/") + name);
            for (const QString& file : dir.entryList(QDir::Files)) {
                QFile f(dir.filePath(file));
                QVERIFY(f.open(QIODevice::ReadOnly));
                QTest::newRow(qPrintable(name + QLatin1String("/regression/") + file)) << name << f.readAll();
            }
        }
    }

    void replay()
    {
        QFETCH(QString, target);
        QFETCH(QByteArray, input);
        for (const auto& t : qs::fuzz::targets()) {
            if (target != QLatin1String(t.name))
                continue;
            QElapsedTimer timer;
            timer.start();
            // A crash fails the test by taking the process down; a hang by the CTest timeout.
            QCOMPARE(t.fn(reinterpret_cast<const uint8_t*>(input.constData()), size_t(input.size())), 0);
            QVERIFY2(timer.elapsed() < 20000, "one input took more than 20 s");
        }
    }

    void everyTargetIsRegistered()
    {
        QStringList names;
        for (const auto& t : qs::fuzz::targets())
            names << QLatin1String(t.name);
        names.sort();
        QStringList expected = qs::fuzz::targetNames();
        expected.sort();
        QCOMPARE(names, expected);
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
