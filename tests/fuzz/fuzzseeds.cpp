// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzzseeds.h"

#include "core/model/modelfactory.h"
#include "tests/support/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtCore/QtEndian>

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

} // namespace

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
    for (const char* target : {"modelloader", "inputspec", "idx"}) {
        const QString sub = dir + QLatin1Char('/') + QLatin1String(target);
        QDir().mkpath(sub);
        const auto s = seeds(QLatin1String(target));
        for (auto it = s.begin(); it != s.end(); ++it) {
            QFile f(sub + QLatin1Char('/') + it.key());
            if (f.open(QIODevice::WriteOnly) && f.write(it.value()) == it.value().size())
                ++written;
        }
    }
    return written;
}

} // namespace qs::fuzz
