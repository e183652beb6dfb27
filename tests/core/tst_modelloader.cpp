// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/filesniffer.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"

#include <QtCore/QTemporaryDir>
#include <QtCore/QtEndian>
#include <QtTest/QtTest>

#include <functional>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/testsupport.h"

using namespace qs;

Q_DECLARE_METATYPE(FileSniff::Kind)

namespace {

void putLE(QByteArray& b, qsizetype at, quint64 value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        b[at + i] = char((value >> (8 * i)) & 0xff);
}

// The end of a zip archive as PyTorch writes it: a zip64 end record, its locator and the end
// record, after \a head (the entries and the \a cdSize bytes of directory that end it), saying
// the directory holds \a count entries at \a cdOffset.
QByteArray withZip64End(const QByteArray& head, quint64 count, quint64 cdSize, quint64 cdOffset)
{
    QByteArray rec(56, '\0');
    putLE(rec, 0, 0x06064b50, 4);
    putLE(rec, 4, 44, 8);
    putLE(rec, 24, count, 8);
    putLE(rec, 32, count, 8);
    putLE(rec, 40, cdSize, 8);
    putLE(rec, 48, cdOffset, 8);
    QByteArray loc(20, '\0');
    putLE(loc, 0, 0x07064b50, 4);
    putLE(loc, 8, quint64(head.size()), 8);
    putLE(loc, 16, 1, 4);
    QByteArray end(22, '\0');
    putLE(end, 0, 0x06054b50, 4);
    putLE(end, 8, 0xffff, 2);
    putLE(end, 10, 0xffff, 2);
    putLE(end, 12, 0xffffffff, 4);
    putLE(end, 16, 0xffffffff, 4);
    return head + rec + loc + end;
}

struct ZipLayout
{
    qsizetype cd = 0, cdSize = 0, count = 0;
};

// Where the directory of a PyTorch-written \a zip (zip64 records, no comment) is.
ZipLayout layoutOf(const QByteArray& zip)
{
    const qsizetype z64 = zip.size() - 22 - 20 - 56;
    return {qsizetype(qFromLittleEndian<quint64>(zip.constData() + z64 + 48)), qsizetype(qFromLittleEndian<quint64>(zip.constData() + z64 + 40)),
            qsizetype(qFromLittleEndian<quint64>(zip.constData() + z64 + 32))};
}

// \a zip whose zip64 end record puts the directory at \a cdOffset: zip64 fields are any 64-bit
// value, so adding them to sizes must not overflow.
QByteArray withZip64Directory(const QByteArray& zip, quint64 cdOffset)
{
    const ZipLayout l = layoutOf(zip);
    return withZip64End(zip.left(l.cd + l.cdSize), quint64(l.count), quint64(l.cdSize), cdOffset);
}

// \a zip whose first directory entry gives its local header offset in a zip64 extra field as
// \a localOffset.
QByteArray withZip64LocalOffset(const QByteArray& zip, quint64 localOffset)
{
    const ZipLayout l = layoutOf(zip);
    const int nameLen = qFromLittleEndian<quint16>(zip.constData() + l.cd + 28);
    const int extraLen = qFromLittleEndian<quint16>(zip.constData() + l.cd + 30);
    const int commentLen = qFromLittleEndian<quint16>(zip.constData() + l.cd + 32);
    const qsizetype firstLen = 46 + nameLen + extraLen + commentLen;
    QByteArray extra(12, '\0');
    putLE(extra, 0, 0x0001, 2);
    putLE(extra, 2, 8, 2);
    putLE(extra, 4, localOffset, 8);
    QByteArray entry = zip.mid(l.cd, 46 + nameLen + extraLen);
    putLE(entry, 30, quint64(extraLen + extra.size()), 2);
    putLE(entry, 42, 0xffffffff, 4);
    entry += extra + zip.mid(l.cd + 46 + nameLen + extraLen, commentLen);
    const QByteArray directory = entry + zip.mid(l.cd + firstLen, l.cdSize - firstLen);
    return withZip64End(zip.left(l.cd) + directory, quint64(l.count), quint64(directory.size()), quint64(l.cd));
}

// \a zip written again (stored, with right checksums, as a tool that rewrote the model would leave
// it) after \a edit changed what it wanted of each record's contents. Null when a record could not
// be read.
QByteArray rewrittenArchive(const QByteArray& zip, const std::function<void(const QString& name, QByteArray& contents)>& edit)
{
    QString error;
    QVector<QPair<QString, QByteArray>> files;
    for (const ZipEntry& e : zipDirectory(zip, &error)) {
        QByteArray contents = zipEntryContents(zip, e, 1 << 20);
        if (contents.isNull())
            return {};
        edit(e.name, contents);
        files << qMakePair(e.name, contents);
    }
    return test::zipBytes(files);
}

// \a zip whose first deflated entry declares \a size bytes uncompressed in the directory.
QByteArray withDeflatedSize(const QByteArray& zip, quint32 size)
{
    const ZipLayout l = layoutOf(zip);
    QByteArray out = zip;
    for (qsizetype p = l.cd; p < l.cd + l.cdSize;) {
        if (qFromLittleEndian<quint16>(zip.constData() + p + 10) == 8) {
            putLE(out, p + 24, size, 4);
            return out;
        }
        p += 46 + qFromLittleEndian<quint16>(zip.constData() + p + 28) + qFromLittleEndian<quint16>(zip.constData() + p + 30)
            + qFromLittleEndian<quint16>(zip.constData() + p + 32);
    }
    return {};
}

} // namespace

class TestModelLoader : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_good;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto model = modelfactory::mlp({8, 16, 4});
        QVERIFY(model.ok());
        m_good = path(QStringLiteral("good.pt"));
        QVERIFY(model->save(m_good).ok());
    }

    void loadsTorchScript()
    {
        auto m = loadModel(m_good);
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
        QCOMPARE(m->path(), m_good);
        QCOMPARE(m->fileBytes(), QFileInfo(m_good).size());
        QCOMPARE(m->sha256().size(), 64);
        QCOMPARE(m->engine(), QStringLiteral("onednn"));
    }

    void loadsFromBytes()
    {
        QFile f(m_good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto m = loadModelFromBytes(f.readAll(), QStringLiteral("memory.pt"));
        QVERIFY(m.ok());
        auto bad = loadModelFromBytes(QByteArray("PK\x03\x04garbage", 11), QStringLiteral("memory.pt"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().kind, Error::Kind::BadInput);
    }

    void refusesUnknownEngine()
    {
        auto m = loadModel(m_good, {QStringLiteral("fbgemm9")});
        QVERIFY(!m.ok());
        QVERIFY2(m.error().message.contains(QStringLiteral("Available engines: ")), qPrintable(m.error().message));
        QVERIFY(m.error().message.contains(QStringLiteral("onednn")));
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<FileSniff::Kind>("kind");
        QTest::addColumn<QString>("mentions");

        QVERIFY(test::writeBytes(path(QStringLiteral("empty.pt")), {}));
        QVERIFY(test::writeTruncatedCopy(m_good, path(QStringLiteral("truncated.pt"))));
        QVERIFY(test::writeStateDict(path(QStringLiteral("state_dict.pt")), 3));
        QVERIFY(test::writePickledModule(path(QStringLiteral("module.pt")), QStringLiteral("MyNet")));
        QVERIFY(test::writeTensorData(path(QStringLiteral("data.pt")), {5, 3}));
        QVERIFY(test::writePlainPickle(path(QStringLiteral("plain.pkl"))));
        QVERIFY(test::writeOnnxHeader(path(QStringLiteral("model.onnx"))));
        QVERIFY(test::writeBytes(path(QStringLiteral("renamed-onnx.pt")), QByteArray("\x08\x08\x3a\x05graph", 10)));
        QVERIFY(test::writeBytes(path(QStringLiteral("keras.h5")), QByteArray("\x89HDF\r\n\x1a\n\0\0\0\0", 12)));
        QVERIFY(test::writeBytes(path(QStringLiteral("text.pt")), QByteArray("just some text\n")));
        QVERIFY(test::writeBytes(path(QStringLiteral("legacy.pt")),
                                 QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02", 17)));
        QDir().mkpath(path(QStringLiteral("folder.pt")));
        QVERIFY(QFile::link(path(QStringLiteral("gone.pt")), path(QStringLiteral("dangling.pt"))));
        // A zip that is not PyTorch's.
        QVERIFY(test::writeZip(path(QStringLiteral("other.zip")), {{QStringLiteral("readme.txt"), QByteArray("hello")}}));

        // zip64 offsets near 2^63: the checks before LibTorch's reader must not overflow (UBSan).
        const QByteArray good = [this] {
            QFile f(m_good);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QVERIFY(test::writeBytes(path(QStringLiteral("zip64-directory.pt")), withZip64Directory(good, 0x7fffffffffffff00ull)));
        QVERIFY(test::writeBytes(path(QStringLiteral("zip64-local-offset.pt")), withZip64LocalOffset(good, 0x7ffffffffffffff0ull)));
        QVERIFY(test::writeBytes(path(QStringLiteral("zip64-negative-offset.pt")), withZip64LocalOffset(good, 0xfffffffffffffff0ull)));
        // LibTorch's in-memory reader read past its buffer on bytes after the end record.
        QVERIFY(test::writeBytes(path(QStringLiteral("trailing-bytes.pt")), good + QByteArray(4586, 'z')));
        // LibTorch allocates a record's declared size before inflating it.
        QVERIFY(test::writeBytes(path(QStringLiteral("deflate-bomb.pt")), withDeflatedSize(good, 0xfffffff0u)));
        // Bytes between the directory and the end records: miniz takes them for data prepended
        // to the archive and reads every entry elsewhere (found by fuzzing).
        {
            const ZipLayout l = layoutOf(good);
            QVERIFY(test::writeBytes(path(QStringLiteral("gap-before-end.pt")),
                                     withZip64End(good.left(l.cd + l.cdSize) + QByteArray(13, 'x'), quint64(l.count), quint64(l.cdSize),
                                                  quint64(l.cd))));
        }

        QTest::newRow("missing") << path(QStringLiteral("nope.pt")) << FileSniff::Kind::Missing << "does not exist";
        QTest::newRow("dangling link") << path(QStringLiteral("dangling.pt")) << FileSniff::Kind::Missing << "link to";
        QTest::newRow("directory") << path(QStringLiteral("folder.pt")) << FileSniff::Kind::Directory << "is a folder";
        QTest::newRow("empty") << path(QStringLiteral("empty.pt")) << FileSniff::Kind::Empty << "is empty (0 bytes)";
        QTest::newRow("truncated") << path(QStringLiteral("truncated.pt")) << FileSniff::Kind::CorruptZip << "truncated";
        QTest::newRow("state_dict") << path(QStringLiteral("state_dict.pt")) << FileSniff::Kind::StateDict
                                    << "state_dict (3 tensors";
        QTest::newRow("pickled module") << path(QStringLiteral("module.pt")) << FileSniff::Kind::PickledModule
                                        << "__main__.MyNet";
        QTest::newRow("dataset") << path(QStringLiteral("data.pt")) << FileSniff::Kind::TensorData << "calibration or evaluation data";
        QTest::newRow("plain pickle") << path(QStringLiteral("plain.pkl")) << FileSniff::Kind::Pickle << "Python pickle";
        QTest::newRow("legacy torch.save") << path(QStringLiteral("legacy.pt")) << FileSniff::Kind::LegacyTorchSave << "legacy";
        QTest::newRow("onnx") << path(QStringLiteral("model.onnx")) << FileSniff::Kind::Onnx << "ONNX is not supported";
        QTest::newRow("onnx renamed") << path(QStringLiteral("renamed-onnx.pt")) << FileSniff::Kind::Onnx << "ONNX";
        QTest::newRow("keras") << path(QStringLiteral("keras.h5")) << FileSniff::Kind::Hdf5 << "HDF5";
        QTest::newRow("text") << path(QStringLiteral("text.pt")) << FileSniff::Kind::Unknown << "not a TorchScript model";
        QTest::newRow("other zip") << path(QStringLiteral("other.zip")) << FileSniff::Kind::OtherZip << "not one written by PyTorch";
        QTest::newRow("zip64 directory past 2^62") << path(QStringLiteral("zip64-directory.pt")) << FileSniff::Kind::CorruptZip
                                                   << "zip directory points outside the file";
        QTest::newRow("zip64 local header past 2^62") << path(QStringLiteral("zip64-local-offset.pt")) << FileSniff::Kind::CorruptZip
                                                      << "zip directory entry 1 of";
        QTest::newRow("gap before the end records") << path(QStringLiteral("gap-before-end.pt")) << FileSniff::Kind::CorruptZip
                                                    << "13 bytes apart";
        QTest::newRow("deflated record declaring 4 GB") << path(QStringLiteral("deflate-bomb.pt")) << FileSniff::Kind::TorchScript
                                                        << "it declares 4294967280 bytes from";
        QTest::newRow("bytes after the end record") << path(QStringLiteral("trailing-bytes.pt")) << FileSniff::Kind::CorruptZip
                                                    << "4586 bytes follow the end of the zip archive";
        QTest::newRow("zip64 negative local header") << path(QStringLiteral("zip64-negative-offset.pt")) << FileSniff::Kind::CorruptZip
                                                     << "points outside the file";
    }

    void badFiles()
    {
        QFETCH(QString, file);
        QFETCH(FileSniff::Kind, kind);
        QFETCH(QString, mentions);
        QCOMPARE(sniffFile(file).kind, kind);
        auto m = loadModel(file);
        QVERIFY(!m.ok());
        QCOMPARE(m.error().kind, Error::Kind::BadInput);
        QCOMPARE(m.error().exitCode(), 3);
        QVERIFY2(m.error().message.contains(mentions), qPrintable(m.error().message));
        QVERIFY2(m.error().message.contains(QFileInfo(file).fileName()), "the message names the file");
    }

    void rewrittenEndRecordsStillLoad()
    {
        // The helpers above change only what each bad file needs: the same end records written
        // by them around an unchanged directory load as before.
        QFile f(m_good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray good = f.readAll();
        const ZipLayout l = layoutOf(good);
        const QByteArray same = withZip64End(good.left(l.cd + l.cdSize), quint64(l.count), quint64(l.cdSize), quint64(l.cd));
        QCOMPARE(same.size(), good.size());
        auto m = loadModelFromBytes(same, QStringLiteral("same.pt"));
        QVERIFY2(m.ok(), m.ok() ? "" : qPrintable(m.error().message));
    }

    void codeErrorWithDamagedDebugInfoIsReported()
    {
        // A model whose code does not compile and whose .debug_pkl records are cut short, with
        // every checksum right (as a tool that rewrote it would leave it): LibTorch's error text
        // unpickles the debug record to show the source, and that threw out of the noexcept
        // ErrorReport::what(): the process aborted (found by fuzzing).
        QFile f(m_good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        bool brokeCode = false;
        const QByteArray broken = rewrittenArchive(f.readAll(), [&brokeCode](const QString& name, QByteArray& contents) {
            if (name.endsWith(QLatin1String(".debug_pkl")))
                contents = QByteArray("\x80", 1); // PROTO without its argument: cut short
            // In the class's own code, which is compiled at load.
            const qsizetype at = contents.indexOf("forward(");
            if (name.endsWith(QLatin1String("/code/__torch__.py")) && at > 0) {
                contents.insert(contents.indexOf('\n', contents.indexOf("-> Tensor:", at)) + 1, "    _q = undefined_name\n");
                brokeCode = true;
            }
        });
        QVERIFY(!broken.isNull());
        QVERIFY(brokeCode);
        auto m = loadModelFromBytes(broken, QStringLiteral("broken.pt"));
        QVERIFY(!m.ok());
        QCOMPARE(m.error().kind, Error::Kind::BadInput);
        QVERIFY2(m.error().message.contains(QLatin1String("does not compile")), qPrintable(m.error().message));
        QVERIFY2(m.error().message.contains(QLatin1String("undefined_name")), qPrintable(m.error().message));
    }

    void untypedClassConstantIsRefused()
    {
        // One letter changed in a saved model's code, checksums rewritten: LibTorch's TorchScript
        // compiler crashed (SIGSEGV) on the class attribute with a value and no type.
        QFile f(m_good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        int changed = 0;
        const QByteArray crafted = rewrittenArchive(f.readAll(), [&changed](const QString& name, QByteArray& contents) {
            if (name.endsWith(QLatin1String(".py")) && contents.contains("  __buffers__ = []")) {
                contents.replace("  __buffers__ = []", "  __bufuers__ = []");
                ++changed;
            }
        });
        QVERIFY(!crafted.isNull());
        QVERIFY(changed > 0);
        auto m = loadModelFromBytes(crafted, QStringLiteral("crafted.pt"));
        QVERIFY(!m.ok());
        QCOMPARE(m.error().kind, Error::Kind::BadInput);
        QVERIFY2(m.error().message.contains(QLatin1String("'__bufuers__' a value without a type")), qPrintable(m.error().message));
    }

    void exportAdviceForPythonFiles()
    {
        for (const char* name : {"state_dict.pt", "module.pt", "model.onnx", "plain.pkl"}) {
            auto m = loadModel(path(QLatin1String(name)));
            QVERIFY(!m.ok());
            QVERIFY2(m.error().message.contains(QStringLiteral("torch.jit.script(model).save")), qPrintable(m.error().message));
        }
    }

    void unreadableFile()
    {
        // Root reads any regular file, so the unreadable case is a socket: open() fails.
        const QString sock = path(QStringLiteral("socket.pt"));
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        qstrncpy(addr.sun_path, QFile::encodeName(sock).constData(), sizeof(addr.sun_path));
        QVERIFY(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
        auto m = loadModel(sock);
        ::close(fd);
        QVERIFY(!m.ok());
        QVERIFY2(m.error().message.contains(QStringLiteral("cannot be read")) || m.error().message.contains(QStringLiteral("not a")),
                 qPrintable(m.error().message));
        if (geteuid() != 0) {
            const QString locked = path(QStringLiteral("locked.pt"));
            QVERIFY(QFile::copy(m_good, locked));
            QFile::setPermissions(locked, QFileDevice::Permissions());
            auto l = loadModel(locked);
            QVERIFY(!l.ok());
            QVERIFY2(l.error().message.contains(QStringLiteral("cannot be read")), qPrintable(l.error().message));
        }
    }

    void realPythonFiles()
    {
        if (!test::pythonTorchAvailable())
            QSKIP("python3-torch is not installed");
        const QString code = QStringLiteral(R"(
import sys, torch, torch.nn as nn
d = sys.argv[1]
m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
torch.save(m.state_dict(), d + '/py_state_dict.pt')
torch.save(m, d + '/py_module.pt')
torch.save(m.state_dict(), d + '/py_legacy.pt', _use_new_zipfile_serialization=False)
torch.jit.script(m).save(d + '/py_scripted.pt')
torch.jit.trace(m, torch.randn(1, 4)).save(d + '/py_traced.pt')
)");
        QString err;
        QVERIFY2(test::runPython(code, {m_dir.path()}, &err), qPrintable(err));
        QCOMPARE(sniffFile(path(QStringLiteral("py_state_dict.pt"))).kind, FileSniff::Kind::StateDict);
        QCOMPARE(sniffFile(path(QStringLiteral("py_module.pt"))).kind, FileSniff::Kind::PickledModule);
        QCOMPARE(sniffFile(path(QStringLiteral("py_module.pt"))).detail, QStringLiteral("torch.nn.modules.container.Sequential"));
        QCOMPARE(sniffFile(path(QStringLiteral("py_legacy.pt"))).kind, FileSniff::Kind::LegacyTorchSave);
        QVERIFY(loadModel(path(QStringLiteral("py_scripted.pt"))).ok());
        QVERIFY(loadModel(path(QStringLiteral("py_traced.pt"))).ok());
    }

    void saveIsAtomic()
    {
        auto model = modelfactory::mlp({4, 4});
        QVERIFY(model.ok());
        const QString target = path(QStringLiteral("sub/dir/atomic.pt"));
        QVERIFY(model->save(target).ok());
        QVERIFY(loadModel(target).ok());
        const QStringList leftovers = QDir(path(QStringLiteral("sub/dir"))).entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(leftovers, QStringList{QStringLiteral("atomic.pt")});
        auto bad = model->save(QStringLiteral("/proc/quantscope-cannot-write/x.pt"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().kind, Error::Kind::Io);
    }
};

QTEST_GUILESS_MAIN(TestModelLoader)
#include "tst_modelloader.moc"
