// SPDX-License-Identifier: GPL-3.0-or-later
// Models and data the quantization tests share, made by the tests in a temporary folder.
#pragma once

#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizer.h"
#include "tests/support/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace qs::test {

struct QuantFixtures
{
    QTemporaryDir dir;
    QString mlpPath, cnnPath, embPath, reluPath;
    QString mlpCalib, cnnCalib;

    /// MLP 64-128-128-10 (fc1..fc3), the small CNN of the demo (conv1, conv2, fc1, fc2 with
    /// BatchNorm), an Embedding(50, 8) + Linear(48, 4) model, and a model without weights.
    bool make()
    {
        if (!dir.isValid())
            return false;
        mlpPath = dir.filePath(QStringLiteral("mlp.pt"));
        cnnPath = dir.filePath(QStringLiteral("cnn.pt"));
        embPath = dir.filePath(QStringLiteral("emb.pt"));
        reluPath = dir.filePath(QStringLiteral("relu.pt"));
        mlpCalib = dir.filePath(QStringLiteral("mlp_calib.pt"));
        cnnCalib = dir.filePath(QStringLiteral("cnn_calib.pt"));
        auto mlp = modelfactory::mlp({ 64, 128, 128, 10 }, 1);
        auto cnn = modelfactory::smallCnn(10, 2);
        auto emb
            = modelfactory::sequential({ LayerSpec::embedding(50, 8), LayerSpec::flatten(), LayerSpec::linear(48, 4) },
                3, QStringLiteral("EmbNet"));
        auto relu
            = modelfactory::sequential({ LayerSpec::relu(), LayerSpec::sigmoid() }, 0, QStringLiteral("NoWeights"));
        return mlp && cnn && emb && relu && mlp->save(mlpPath).ok() && cnn->save(cnnPath).ok()
            && emb->save(embPath).ok() && relu->save(reluPath).ok() && writeInputs(mlpCalib, { 300, 64 }, 2.0, -1, 11)
            && writeInputs(cnnCalib, { 300, 1, 28, 28 }, 1.0, -1, 12);
    }

    QString path(const QString& model) const
    {
        return model == QLatin1String("mlp") ? mlpPath
            : model == QLatin1String("cnn")  ? cnnPath
            : model == QLatin1String("emb")  ? embPath
                                             : reluPath;
    }
    QString calib(const QString& model) const { return model == QLatin1String("cnn") ? cnnCalib : mlpCalib; }
    InputSpec spec(const QString& model) const
    {
        const QString s = model == QLatin1String("mlp") ? QStringLiteral("1x64")
            : model == QLatin1String("cnn")             ? QStringLiteral("1x1x28x28")
            : model == QLatin1String("emb")             ? QStringLiteral("1x6:int64")
                                                        : QStringLiteral("1x5");
        return *InputSpec::parse({ s });
    }

    /// Options for \a scheme on \a model: calibration file (static), input spec, output in the folder.
    QuantizeOptions options(const QString& model, const QString& scheme) const
    {
        QuantizeOptions o;
        o.scheme = scheme;
        o.inputs = spec(model);
        if (model == QLatin1String("mlp") || model == QLatin1String("cnn")) {
            o.calibration = QuantizeOptions::Calibration::File;
            o.calibrationPath = calib(model);
        }
        o.outPath = dir.filePath(QStringLiteral("%1.%2.pt").arg(model, scheme));
        return o;
    }
};

} // namespace qs::test
