// SPDX-License-Identifier: GPL-3.0-or-later
#include "demoworkspace.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

namespace qs {

QJsonObject DemoWorkspace::toJson() const
{
    QJsonArray cls;
    for (const QString& c : classes)
        cls.append(c);
    return QJsonObject{{QStringLiteral("format"), kFormatVersion},
                       {QStringLiteral("dir"), dir},
                       {QStringLiteral("model"), modelPath},
                       {QStringLiteral("sidecar"), sidecarPath},
                       {QStringLiteral("test_data"), testDataPath},
                       {QStringLiteral("calibration_data"), calibDataPath},
                       {QStringLiteral("classes"), cls},
                       {QStringLiteral("test_accuracy"), testAccuracy},
                       {QStringLiteral("train_seconds"), trainSeconds},
                       {QStringLiteral("epochs"), epochs},
                       {QStringLiteral("threads"), threads},
                       {QStringLiteral("created"), created.toString(Qt::ISODate)}};
}

std::optional<DemoWorkspace> DemoWorkspace::load(const QString& dir)
{
    QFile f(dir + QLatin1String("/demo.json"));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (o.value(QLatin1String("format")).toInt() != kFormatVersion)
        return std::nullopt;
    DemoWorkspace w;
    w.dir = dir;
    // Paths are stored relative to the folder so that a moved data dir keeps working.
    w.modelPath = dir + QLatin1String("/fashion_cnn.pt");
    w.sidecarPath = dir + QLatin1String("/fashion_cnn.json");
    w.testDataPath = dir + QLatin1String("/fashion_test.pt");
    w.calibDataPath = dir + QLatin1String("/fashion_calib.pt");
    for (const QString& p : {w.modelPath, w.sidecarPath, w.testDataPath, w.calibDataPath}) {
        if (!QFileInfo(p).isFile() || QFileInfo(p).size() == 0)
            return std::nullopt;
    }
    for (const QJsonValue& c : o.value(QLatin1String("classes")).toArray())
        w.classes << c.toString();
    w.testAccuracy = o.value(QLatin1String("test_accuracy")).toDouble();
    w.trainSeconds = o.value(QLatin1String("train_seconds")).toDouble();
    w.epochs = o.value(QLatin1String("epochs")).toInt();
    w.threads = o.value(QLatin1String("threads")).toInt();
    w.created = QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODate);
    return w;
}

QString DemoWorkspace::datasetDir()
{
    const QString env = qEnvironmentVariable("QUANTSCOPE_FASHION_MNIST");
    return env.isEmpty() ? QStringLiteral("/usr/share/datasets/fashion-mnist") : env;
}

QStringList DemoWorkspace::classNames()
{
    return {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"), QStringLiteral("Dress"),
            QStringLiteral("Coat"), QStringLiteral("Sandal"), QStringLiteral("Shirt"), QStringLiteral("Sneaker"),
            QStringLiteral("Bag"), QStringLiteral("Ankle boot")};
}

} // namespace qs
