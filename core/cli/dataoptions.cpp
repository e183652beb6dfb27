// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataoptions.h"

namespace qs::cli {

namespace {

Result<QVector<double>> numberList(const QCommandLineParser& parser, const QString& option)
{
    QVector<double> values;
    if (!parser.isSet(option))
        return values;
    for (const QString& part : parser.value(option).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.trimmed().toDouble(&ok);
        if (!ok)
            return Error::usage(QStringLiteral("--%1 takes numbers separated by commas (e.g. 0.485,0.456,0.406), not '%2'.")
                                    .arg(option, parser.value(option)));
        values << v;
    }
    return values;
}

} // namespace

QString dataHelp()
{
    return QStringLiteral("a torch.save'd tensor file ({\"inputs\": X, \"labels\": y}, a tuple (X, y) or a tensor), an image folder "
                          "(one subfolder per class), an IDX images file or folder (MNIST format, .gz or not; labels found next to it), "
                          "or random[:SHAPE] for seeded random inputs");
}

void addDataOptions(QCommandLineParser& parser, const QString& prefix, const QString& what)
{
    auto name = [&](const char* n) { return prefix + QLatin1String(n); };
    parser.addOption({name("samples"), QStringLiteral("Use only the first N samples of %1 (random data: how many; default 256).").arg(what),
                      QStringLiteral("N")});
    parser.addOption({name("fraction"), QStringLiteral("Use a seeded random part of %1: 0.1 or 10%.").arg(what), QStringLiteral("P")});
    parser.addOption({name("seed"), QStringLiteral("Seed of --%1fraction and of random inputs (default 0).").arg(prefix), QStringLiteral("S")});
    parser.addOption({name("labels"), QStringLiteral("IDX labels file for %1 (default: found next to the images file).").arg(what),
                      QStringLiteral("FILE")});
    parser.addOption({name("resize"), QStringLiteral("Image folders: resize the shorter side to N pixels."), QStringLiteral("N")});
    parser.addOption({name("crop"), QStringLiteral("Image folders: center crop to N or WxH pixels."), QStringLiteral("N|WxH")});
    parser.addOption({name("mean"), QStringLiteral("Images and IDX: subtract per-channel means after scaling, e.g. 0.485,0.456,0.406."),
                      QStringLiteral("M[,M,M]")});
    parser.addOption({name("std"), QStringLiteral("Images and IDX: divide by per-channel standard deviations, e.g. 0.229,0.224,0.225."),
                      QStringLiteral("S[,S,S]")});
    parser.addOption({name("channels"), QStringLiteral("Image folders: rgb (default), bgr or gray."), QStringLiteral("ORDER")});
    parser.addOption({name("no-scale"), QStringLiteral("Images and IDX: keep 0..255 values instead of scaling to [0, 1].")});
    parser.addOption({name("skip-unreadable"), QStringLiteral("Image folders: leave out images that cannot be read instead of stopping.")});
}

Result<DatasetOptions> dataOptions(const QCommandLineParser& parser, const QString& prefix)
{
    auto name = [&](const char* n) { return prefix + QLatin1String(n); };
    DatasetOptions o;
    auto integer = [&](const char* n, qint64 min, qint64& into) -> Status {
        if (!parser.isSet(name(n)))
            return {};
        bool ok = false;
        const qint64 v = parser.value(name(n)).toLongLong(&ok);
        if (!ok || v < min)
            return Error::usage(QStringLiteral("--%1 must be a whole number of at least %2, not '%3'.").arg(name(n)).arg(min).arg(parser.value(name(n))));
        into = v;
        return {};
    };
    qint64 seed = 0, resize = 0;
    for (const Status& st : {integer("samples", 1, o.limit), integer("seed", 0, seed), integer("resize", 1, resize)}) {
        if (!st)
            return st.error();
    }
    o.seed = quint64(seed);
    o.resize = int(resize);
    if (parser.isSet(name("samples")))
        o.randomCount = o.limit;
    if (parser.isSet(name("fraction"))) {
        QString text = parser.value(name("fraction")).trimmed();
        const bool percent = text.endsWith(QLatin1Char('%'));
        if (percent)
            text.chop(1);
        bool ok = false;
        double v = text.toDouble(&ok);
        if (percent)
            v /= 100.0;
        if (!ok || !(v > 0) || v > 1)
            return Error::usage(QStringLiteral("--%1 must be in (0, 1] or a percentage such as 10%, not '%2'.")
                                    .arg(name("fraction"), parser.value(name("fraction"))));
        o.fraction = v;
    }
    if (parser.isSet(name("crop"))) {
        const QStringList parts = parser.value(name("crop")).toLower().split(QLatin1Char('x'));
        bool okW = false, okH = false;
        const int w = parts.value(0).toInt(&okW);
        const int h = parts.size() == 2 ? parts[1].toInt(&okH) : w;
        if (parts.size() == 1)
            okH = okW;
        if (parts.size() > 2 || !okW || !okH || w < 1 || h < 1)
            return Error::usage(QStringLiteral("--%1 takes N or WxH (e.g. 224 or 224x160), not '%2'.").arg(name("crop"), parser.value(name("crop"))));
        o.cropWidth = w;
        o.cropHeight = h;
    }
    auto mean = numberList(parser, name("mean"));
    if (!mean)
        return mean.error();
    o.mean = *mean;
    auto std = numberList(parser, name("std"));
    if (!std)
        return std.error();
    o.std = *std;
    if (parser.isSet(name("channels"))) {
        const QString c = parser.value(name("channels")).toLower();
        if (c == QLatin1String("rgb"))
            o.color = DatasetOptions::Color::Rgb;
        else if (c == QLatin1String("bgr"))
            o.color = DatasetOptions::Color::Bgr;
        else if (c == QLatin1String("gray") || c == QLatin1String("grey") || c == QLatin1String("grayscale"))
            o.color = DatasetOptions::Color::Grayscale;
        else
            return Error::usage(QStringLiteral("--%1 is rgb, bgr or gray, not '%2'.").arg(name("channels"), parser.value(name("channels"))));
    }
    o.scale = !parser.isSet(name("no-scale"));
    o.skipUnreadable = parser.isSet(name("skip-unreadable"));
    o.labelsPath = parser.value(name("labels"));
    return o;
}

} // namespace qs::cli
