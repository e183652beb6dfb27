// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzzseeds.h"

#include "core/model/modelfactory.h"
#include "core/store/runexchange.h"
#include "core/store/samplecodec.h"
#include "tests/support/runfixtures.h"
#include "tests/support/testsupport.h"

#include <QtCore/QBuffer>
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtCore/QtEndian>
#include <QtGui/QImage>

namespace qs::fuzz {

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray saved(const Result<TorchModel>& model, const QString& dir, const QString& name)
{
    if (!model.ok())
        return {};
    const QString path = dir + QLatin1Char('/') + name;
    return model->save(path).ok() ? readFile(path) : QByteArray();
}

QByteArray idx(quint8 type, const QVector<quint32>& dims, const QByteArray& payload)
{
    QByteArray b("\0\0", 2);
    b.append(char(type));
    b.append(char(dims.size()));
    for (quint32 d : dims) {
        char be[4];
        qToBigEndian(d, be);
        b.append(be, 4);
    }
    return b + payload;
}

// What Python's pickler (protocol 2) writes for torch.save({"inputs": a 2x3 float tensor}): a
// one-item dict is `key value SETITEM`, which LibTorch 1.13 cannot read (picklecompat rewrites it).
const QByteArray kPythonDictPickle(
    "\x80\x02}q\x00X\x06\x00\x00\x00inputsq\x01"
    "ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00\x00storageq\x03"
    "ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x00"
    "0q\x05X\x03\x00\x00\x00"
    "cpuq\x06K\x06tq\x07QK\x00K\x02K\x03\x86q\x08K\x03K\x01\x86q\t\x89"
    "ccollections\nOrderedDict\nq\n)Rq\x0btq\x0cRq\x0ds.",
    171);
// ... for torch.save((X, y)) with X float 2x3 and y int64 [2] (storages "0" and "1").
const QByteArray kPythonTuplePickle(
    "\x80\x02"
    "ctorch._utils\n_rebuild_tensor_v2\nq\x00((X\x07\x00\x00\x00storageq\x01"
    "ctorch\nFloatStorage\nq\x02X\x01\x00\x00\x00"
    "0q\x03X\x03\x00\x00\x00"
    "cpuq\x04K\x06tq\x05QK\x00K\x02K\x03\x86q\x06K\x03K\x01\x86q\x07\x89"
    "ccollections\nOrderedDict\nq\x08)Rq\ttq\nRq\x0bh\x00((h\x01"
    "ctorch\nLongStorage\nq\x0cX\x01\x00\x00\x00"
    "1q\x0dh\x04K\x02tq\x0eQK\x00K\x02\x85q\x0fK\x01\x85q\x10\x89h\x08)Rq\x11tq\x12Rq\x13\x86q\x14.",
    225);

QByteArray encodedImage(const QImage& img, const char* format)
{
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    return img.save(&buffer, format) ? out : QByteArray();
}

QImage gradient(int w, int h, QImage::Format format)
{
    QImage img(w, h, format);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y, qRgba((x * 37) & 255, (y * 53) & 255, ((x + y) * 11) & 255, 255 - x * 9));
    }
    return img;
}

void tensorFileSeeds(QMap<QString, QByteArray>& out)
{
    // Whole files (first byte even).
    QTemporaryDir dir;
    auto file = [&](const QString& name, bool written) {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (written && f.open(QIODevice::ReadOnly))
            out.insert(name, QByteArray(1, '\0') + f.readAll());
    };
    using test::TestTensor;
    const TestTensor x{{2, 3}, {0, 1, 2, 3, 4, 5}};
    const TestTensor y{{2}, {1, 0}, QStringLiteral("int64")};
    file(QStringLiteral("dict.pt"), test::writeTensorFile(dir.filePath(QStringLiteral("dict.pt")), {x}, y, test::TensorFileLayout::Dict,
                                                          {QStringLiteral("cat"), QStringLiteral("dog")}));
    file(QStringLiteral("tuple.pt"), test::writeTensorFile(dir.filePath(QStringLiteral("tuple.pt")), {x}, y, test::TensorFileLayout::Tuple));
    file(QStringLiteral("list.pt"), test::writeTensorFile(dir.filePath(QStringLiteral("list.pt")), {x, x}, std::nullopt, test::TensorFileLayout::List));
    file(QStringLiteral("bare-uint8.pt"), test::writeTensorFile(dir.filePath(QStringLiteral("bare-uint8.pt")),
                                                                {TestTensor{{2, 1, 2, 2}, {0, 9, 99, 255, 1, 2, 3, 4}, QStringLiteral("uint8")}},
                                                                std::nullopt, test::TensorFileLayout::Bare));
    file(QStringLiteral("onehot.pt"), test::writeTensorFile(dir.filePath(QStringLiteral("onehot.pt")), {x},
                                                            TestTensor{{2, 2}, {0, 1, 1, 0}, QStringLiteral("float32")}));
    file(QStringLiteral("state_dict.pt"), test::writeStateDict(dir.filePath(QStringLiteral("state_dict.pt")), 2));
    file(QStringLiteral("pickled_module.pt"), test::writePickledModule(dir.filePath(QStringLiteral("pickled_module.pt"))));
    out.insert(QStringLiteral("legacy.pt"), QByteArray(1, '\0') + QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15));
    // Pickles alone (first byte odd), wrapped by torchSaveArchive().
    out.insert(QStringLiteral("python-dict.pkl"), QByteArray(1, '\1') + kPythonDictPickle);
    out.insert(QStringLiteral("python-tuple.pkl"), QByteArray(1, '\1') + kPythonTuplePickle);
}

void imageFolderSeeds(QMap<QString, QByteArray>& out)
{
    // Byte 0: options (see fuzz_imagefolder.cpp); byte 1: index into ImageFolder::imageExtensions()
    // (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp).
    const struct
    {
        const char* name;
        char options;
        char type;
        QImage image;
        const char* format;
    } images[] = {
        {"rgb.png", 0x00, 2, gradient(8, 6, QImage::Format_RGB32), "PNG"},
        {"alpha-resize-crop.png", 0x07, 2, gradient(9, 12, QImage::Format_ARGB32), "PNG"},
        {"grey-normalized.pgm", char(0xa0), 5, gradient(4, 4, QImage::Format_RGB32).convertToFormat(QImage::Format_Grayscale8), "PGM"},
        {"bgr.ppm", 0x10, 3, gradient(5, 3, QImage::Format_RGB32), "PPM"},
        {"tall-resized.bmp", 0x03, 4, gradient(1, 40, QImage::Format_RGB32), "BMP"},
        {"raw-values.jpg", 0x40, 0, gradient(16, 16, QImage::Format_RGB32), "JPEG"},
        {"cropped.tiff", 0x0c, 7, gradient(7, 7, QImage::Format_RGB32), "TIFF"},
        {"small.webp", 0x02, 8, gradient(6, 6, QImage::Format_RGB32), "WEBP"},
    };
    for (const auto& i : images) {
        const QByteArray encoded = encodedImage(i.image, i.format);
        if (!encoded.isEmpty())
            out.insert(QLatin1String(i.name), QByteArray(1, i.options) + QByteArray(1, i.type) + encoded);
    }
    out.insert(QStringLiteral("not-an-image.png"), QByteArray("\x08\x02") + "PNG? no, plain text");
}

void runImportSeeds(QMap<QString, QByteArray>& out)
{
    exchange::RunFile one;
    one.runs << test::makeRun(1, 12, 6);
    out.insert(QStringLiteral("one-bench.json"), exchange::toBytes(one));
    exchange::RunFile comparison;
    comparison.runs << test::makeRun(2, 5, 4) << test::makeRun(3, 5, 4, QStringLiteral("static-int8")) << test::makeEvalRun(2, 0.91);
    comparison.runs[0].tags << QStringLiteral("baseline");
    comparison.runs[0].note = QStringLiteral("a note with \"quotes\" and \u00e9");
    comparison.runs[1].status = RunStatus::Running;
    comparison.baselineUuid = comparison.runs[0].uuid;
    out.insert(QStringLiteral("comparison.json"), exchange::toBytes(comparison));
    QByteArray compact = exchange::toBytes(one);
    compact.replace("\n", "").replace("    ", "");
    out.insert(QStringLiteral("compact.json"), compact);
    out.insert(QStringLiteral("samples.qsv"), samplecodec::encode(QVector<qint64>{1000000, 1000100, 999000, 5, 1LL << 40}));
    const QVector<qint64> t{0, 1000, 2000}, a{10, 20, 30}, f{7, 7, 7};
    out.insert(QStringLiteral("timeline.qsv"), samplecodec::encode(QVector<const QVector<qint64>*>{&t, &a, &f}));
}

QByteArray texts(char shape, const QStringList& parts)
{
    QByteArray b(1, shape);
    for (int i = 0; i < parts.size(); ++i) {
        if (i > 0)
            b.append('\0');
        b.append(parts[i].toUtf8());
    }
    return b;
}

void reportSeeds(QMap<QString, QByteArray>& out)
{
    // Byte 0: the report's shape (see fuzz_report.cpp); then NUL-separated texts: title, database,
    // note, and per run uuid, kind, error, model name, path, (sha256), scheme, engine, artifact,
    // mode, ... (used cyclically).
    out.insert(QStringLiteral("plain"),
               texts(0x45, {QStringLiteral("CNN: FP32 against INT8"), QStringLiteral("/home/me/.local/share/quantscope/runs.db"),
                            QStringLiteral("measured on the lab Pi"), QStringLiteral("0b6f7d0e-1c1e-4a57-9f0e-2b5d1e0c9a11"),
                            QStringLiteral("bench"), QString(), QStringLiteral("cnn.pt"), QStringLiteral("/models/cnn.pt"),
                            QStringLiteral("fp32"), QString(), QStringLiteral("/models/cnn.pt"), QStringLiteral("isolated")}));
    out.insert(QStringLiteral("one-run-empty-texts"), QByteArray(1, '\0'));
    out.insert(QStringLiteral("html-hostile"),
               texts(char(0xff), {QStringLiteral("<script>alert(1)</script>"), QStringLiteral("\"><img src=x onerror=alert(1)>"),
                                  QStringLiteral("' onmouseover='x' &amp; &#39; &lt;"), QStringLiteral("</td></tr></table><svg onload=alert(1)>"),
                                  QStringLiteral("<!-- comment --> <![CDATA[x]]>"), QStringLiteral("<style>body{display:none}</style>")}));
    out.insert(QStringLiteral("markdown-hostile"),
               texts(0x2e, {QStringLiteral("a|b\nc | d"), QStringLiteral("**bold** _em_ `code` ~~s~~"), QStringLiteral("[link](http://evil.example)"),
                            QStringLiteral("![img](http://evil.example/x.png)"), QStringLiteral("<b>raw</b> &amp; \\|"), QStringLiteral("trailing backslash\\"),
                            QStringLiteral("line\r\nbreak\rcr"), QStringLiteral("@mention $math$ !bang")}));
    out.insert(QStringLiteral("csv-hostile"),
               texts(0x13, {QStringLiteral("=1+1"), QStringLiteral("+cmd|' /C calc'!A0"), QStringLiteral("-2"), QStringLiteral("@SUM(A1:A9)"),
                            QStringLiteral("\ttab"), QStringLiteral("\rcr"), QStringLiteral("a,b"), QStringLiteral("\"quoted\" \"\""), QStringLiteral(" lead"),
                            QStringLiteral("trail "), QStringLiteral("multi\nline\r\nfield"), QStringLiteral("it's")}));
    out.insert(QStringLiteral("unicode"),
               texts(char(0xa4), {QStringLiteral("Modèle «naïf» 模型 \u0645\u062f\u0644"), QStringLiteral("\u202etxt.exe"),
                                  QStringLiteral("zero\u200bwidth"), QString(60, QChar(0x00e9)), QStringLiteral("\u2028sep\u2029par\u0085nel")}));
}

} // namespace

QStringList targetNames()
{
    return {QStringLiteral("modelloader"), QStringLiteral("inputspec"), QStringLiteral("idx"), QStringLiteral("tensorfile"),
            QStringLiteral("imagefolder"), QStringLiteral("runimport"), QStringLiteral("report")};
}

QMap<QString, QByteArray> seeds(const QString& target)
{
    QMap<QString, QByteArray> out;
    if (target == QLatin1String("modelloader")) {
        QTemporaryDir dir;
        out.insert(QStringLiteral("mlp.pt"), saved(modelfactory::mlp({4, 8, 2}), dir.path(), QStringLiteral("mlp.pt")));
        out.insert(QStringLiteral("cnn.pt"),
                   saved(modelfactory::sequential({LayerSpec::conv2d(1, 2, 3), LayerSpec::batchNorm2d(2), LayerSpec::relu(),
                                                   LayerSpec::flatten(), LayerSpec::linear(2 * 4 * 4, 3)}),
                         dir.path(), QStringLiteral("cnn.pt")));
        out.insert(QStringLiteral("embedding.pt"),
                   saved(modelfactory::sequential({LayerSpec::embedding(10, 3), LayerSpec::flatten(), LayerSpec::linear(6, 2)}),
                         dir.path(), QStringLiteral("embedding.pt")));
        test::writeStateDict(dir.filePath(QStringLiteral("sd.pt")), 2);
        out.insert(QStringLiteral("state_dict.pt"), readFile(dir.filePath(QStringLiteral("sd.pt"))));
        test::writePickledModule(dir.filePath(QStringLiteral("pm.pt")));
        out.insert(QStringLiteral("pickled_module.pt"), readFile(dir.filePath(QStringLiteral("pm.pt"))));
        test::writeTensorData(dir.filePath(QStringLiteral("data.pt")), {2, 3});
        out.insert(QStringLiteral("tensor_data.pt"), readFile(dir.filePath(QStringLiteral("data.pt"))));
        test::writeOnnxHeader(dir.filePath(QStringLiteral("m.onnx")));
        out.insert(QStringLiteral("onnx"), readFile(dir.filePath(QStringLiteral("m.onnx"))));
        const QByteArray mlp = out.value(QStringLiteral("mlp.pt"));
        out.insert(QStringLiteral("mlp_truncated.pt"), mlp.left(mlp.size() / 2));
        out.insert(QStringLiteral("legacy.pt"), QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02", 17));
    } else if (target == QLatin1String("inputspec")) {
        out.insert(QStringLiteral("one.json"), R"({"inputs":[{"shape":[1,3,224,224],"dtype":"float32"}]})");
        out.insert(QStringLiteral("two.json"), R"({"inputs":[{"shape":[1,32],"dtype":"int64"},{"shape":[1,32],"dtype":"bool"}]})");
        out.insert(QStringLiteral("extra.json"), R"({"inputs":[{"shape":[1,1,28,28]}],"classes":["a","b"]})");
        out.insert(QStringLiteral("shape.txt"), "1x3x224x224:float16");
        out.insert(QStringLiteral("line.txt"), "1x3x8x8; 1x4:int64");
        out.insert(QStringLiteral("commas.txt"), "[1, 3, 8, 8]:torch.half");
    } else if (target == QLatin1String("idx")) {
        QByteArray pixels;
        for (int i = 0; i < 2 * 4 * 4; ++i)
            pixels.append(char(i * 7));
        out.insert(QStringLiteral("images.idx"), idx(0x08, {2, 4, 4}, pixels));
        out.insert(QStringLiteral("labels.idx"), idx(0x08, {2}, QByteArray("\x03\x09", 2)));
        out.insert(QStringLiteral("ints.idx"), idx(0x0C, {2}, QByteArray("\0\0\0\1\xff\xff\xff\xfe", 8)));
        out.insert(QStringLiteral("floats.idx"), idx(0x0D, {1, 2}, QByteArray("\x3f\x80\0\0\xbf\x80\0\0", 8)));
        const QString real = QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
        const QByteArray gz = readFile(real);
        if (!gz.isEmpty())
            out.insert(QStringLiteral("fashion-labels.gz"), gz.left(4096));
    } else if (target == QLatin1String("tensorfile")) {
        tensorFileSeeds(out);
    } else if (target == QLatin1String("imagefolder")) {
        imageFolderSeeds(out);
    } else if (target == QLatin1String("runimport")) {
        runImportSeeds(out);
    } else if (target == QLatin1String("report")) {
        reportSeeds(out);
    }
    for (auto it = out.begin(); it != out.end();) {
        if (it.value().isEmpty())
            it = out.erase(it);
        else
            ++it;
    }
    return out;
}

int writeSeeds(const QString& dir)
{
    int written = 0;
    for (const QString& target : targetNames()) {
        const QString sub = dir + QLatin1Char('/') + target;
        QDir().mkpath(sub);
        const auto s = seeds(target);
        for (auto it = s.begin(); it != s.end(); ++it) {
            QFile f(sub + QLatin1Char('/') + it.key());
            if (f.open(QIODevice::WriteOnly) && f.write(it.value()) == it.value().size())
                ++written;
        }
    }
    return written;
}

} // namespace qs::fuzz
