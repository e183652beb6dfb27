// SPDX-License-Identifier: GPL-3.0-or-later
// Our variants against PyTorch's own graph-mode quantizer (Debian's python3-torch, the same 1.13
// build): the same FP32 file and calibration data, quantized by Quantscope in C++ and by
// quantize_jit / quantize_dynamic_jit in Python, must give bit-identical outputs; our files must
// load in plain PyTorch (weight-only ones restored with quantscope_restore()), and what Python
// computes with them must equal what Quantscope computes.
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

#include "core/common/engine.h"
#include "core/quant/quantizer.h"
#include "quantfixtures.h"

using namespace qs;

namespace {

// Python side: quantizes each "py" config exactly as Quantscope's options mean it, compares with
// our file on held-out calibration samples, writes raw outputs for the C++ side.
const char* const kScript = R"PY(
import json, sys, torch
from torch.ao.quantization import (QConfig, default_dynamic_qconfig, per_channel_dynamic_qconfig,
                                   get_default_qconfig, quantize_jit, quantize_dynamic_jit)
from torch.ao.quantization.observer import (MinMaxObserver, HistogramObserver,
                                            default_per_channel_weight_observer, default_weight_observer)
torch.set_num_threads(1)
d = sys.argv[1]
configs = json.load(open(d + "/configs.json"))
results = []
for c in configs:
    torch.backends.quantized.engine = c["engine"]
    x_all = torch.load(c["calib"])["inputs"]
    batches = [x_all[i:min(i + 32, 200)] for i in range(0, 200, 32)]
    x = x_all[200:264]
    ours = torch.jit.load(d + "/" + c["name"] + ".pt")
    if hasattr(ours, "quantscope_restore"):
        ours.quantscope_restore()
    with torch.no_grad():
        y_ours = ours(x)
    y_ours.contiguous().numpy().tofile(d + "/" + c["name"] + ".ours.f32")
    r = {"name": c["name"], "loaded": True}
    if c["kind"] != "none":
        fp32 = torch.jit.load(c["model"]).eval()
        weight = default_per_channel_weight_observer if c["per_channel"] else default_weight_observer
        if c["kind"] == "dynamic":
            qc = per_channel_dynamic_qconfig if c["per_channel"] else default_dynamic_qconfig
        elif c["observer"] == "histogram":
            qc = QConfig(activation=HistogramObserver.with_args(reduce_range=False), weight=weight)
        else:
            qc = QConfig(activation=MinMaxObserver, weight=weight)
        qdict = {"": qc}
        for name in c["exclude"]:
            qdict[name] = None
        def calibrate(model, data):
            with torch.no_grad():
                for b in data:
                    model(b)
        if c["kind"] == "dynamic":
            py = quantize_dynamic_jit(fp32, qdict)
        else:
            py = quantize_jit(fp32, qdict, calibrate, [batches])
        with torch.no_grad():
            y_py = py(x)
        y_py.contiguous().numpy().tofile(d + "/" + c["name"] + ".py.f32")
        r["equal"] = bool(torch.equal(y_py, y_ours))
        r["max_abs_diff"] = float((y_py - y_ours).abs().max())
        r["py_ops"] = sorted(set(n.kind() for n in py.graph.nodes() if n.kind().startswith("quantized::")))
        r["our_ops"] = sorted(set(n.kind() for n in ours.graph.nodes() if n.kind().startswith("quantized::")))
    results.append(r)
print(json.dumps(results))
)PY";

struct Config
{
    QString name, model, scheme, engine, kind, observer;
    bool perChannel = false;
    QStringList excludes;
    int block = 0;
};

} // namespace

class TestQuantPython : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_mlp, m_cnn, m_mlpCalib, m_cnnCalib;
    QVector<Config> m_configs;

private Q_SLOTS:
    void initTestCase()
    {
        if (!test::pythonTorchAvailable())
            QSKIP("/usr/bin/python3 cannot import torch (python3-torch): no reference to compare with");
        const QString demo = test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        m_cnn = demo + QStringLiteral("/fashion_cnn.pt"); // trained: BatchNorm statistics are real
        m_cnnCalib = demo + QStringLiteral("/fashion_calib.pt");
        m_mlp = m_dir.filePath(QStringLiteral("mlp.pt"));
        auto mlp = modelfactory::mlp({ 64, 256, 256, 10 }, 5);
        QVERIFY(mlp.ok() && mlp->save(m_mlp).ok());
        // Calibration data written by Python's torch.save, one key: what users have.
        m_mlpCalib = m_dir.filePath(QStringLiteral("mlp_calib.pt"));
        QString err;
        QVERIFY2(test::runPython(QStringLiteral("import sys, torch\ntorch.manual_seed(3)\n"
                                                "torch.save({'inputs': torch.randn(300, 64) * 2}, sys.argv[1])"),
                     { m_mlpCalib }, &err),
            qPrintable(err));

        const QString dyn = QStringLiteral("dynamic"), st = QStringLiteral("static"),
                      hist = QStringLiteral("histogram");
        const QString mm = QStringLiteral("minmax"), onednn = QStringLiteral("onednn"),
                      qnnpack = QStringLiteral("qnnpack");
        m_configs = {
            { "mlp_dyn", m_mlp, "dynamic-int8", onednn, dyn, hist, false, {} },
            { "mlp_dyn_pc", m_mlp, "dynamic-int8", onednn, dyn, hist, true, {} },
            { "mlp_dyn_skip_fc3", m_mlp, "dynamic-int8", onednn, dyn, hist, false, { "fc3" } },
            { "mlp_static_hist", m_mlp, "static-int8", onednn, st, hist, true, {} },
            { "cnn_static_hist", m_cnn, "static-int8", onednn, st, hist, true, {} },
            { "cnn_static_minmax", m_cnn, "static-int8", onednn, st, mm, true, {} },
            { "cnn_static_minmax_pt", m_cnn, "static-int8", onednn, st, mm, false, {} },
            { "cnn_static_skip_fc2", m_cnn, "static-int8", onednn, st, hist, true, { "fc2" } },
            { "cnn_dyn", m_cnn, "dynamic-int8", onednn, dyn, hist, false, {} },
            { "mlp_int4_b32", m_mlp, "weight-int4", onednn, "none", hist, false, {}, 32 },
            { "cnn_kmeans4", m_cnn, "kmeans-4", onednn, "none", hist, false, {} },
            { "mlp_fp16", m_mlp, "fp16", onednn, "none", hist, false, {} },
            { "mlp_linear16", m_mlp, "linear-int16", onednn, "none", hist, false, {} },
        };
        if (engine::available().contains(qnnpack)) {
            m_configs << Config { "cnn_static_qnnpack", m_cnn, "static-int8", qnnpack, st, hist, false, {} }
                      << Config { "mlp_dyn_qnnpack", m_mlp, "dynamic-int8", qnnpack, dyn, hist, false, {} };
        }
    }

    void sameAsPyTorch()
    {
        QJsonArray configs;
        for (const Config& c : m_configs) {
            auto model = loadModel(c.model, { c.engine });
            QVERIFY(model.ok());
            QuantizeOptions o;
            o.scheme = c.scheme;
            o.engine = c.engine;
            o.observer = c.observer == QLatin1String("minmax") ? QuantizeOptions::Observer::MinMax
                                                               : QuantizeOptions::Observer::Histogram;
            if (c.kind != QLatin1String("none"))
                o.granularity
                    = c.perChannel ? QuantizeOptions::Granularity::PerChannel : QuantizeOptions::Granularity::PerTensor;
            o.blockSize = c.block;
            o.excludes = c.excludes;
            o.calibration = QuantizeOptions::Calibration::File;
            o.calibrationPath = c.model == m_mlp ? m_mlpCalib : m_cnnCalib;
            o.outPath = m_dir.filePath(c.name + QStringLiteral(".pt"));
            auto q = quantizeModel(*model, o);
            QVERIFY2(q.ok(), qPrintable(c.name + QStringLiteral(": ") + (q.ok() ? QString() : q.error().toText())));
            configs.append(QJsonObject { { QStringLiteral("name"), c.name }, { QStringLiteral("model"), c.model },
                { QStringLiteral("calib"), o.calibrationPath }, { QStringLiteral("engine"), c.engine },
                { QStringLiteral("kind"), c.kind }, { QStringLiteral("observer"), c.observer },
                { QStringLiteral("per_channel"), c.perChannel },
                { QStringLiteral("exclude"), QJsonArray::fromStringList(c.excludes) } });
        }
        QVERIFY(test::writeBytes(m_dir.filePath(QStringLiteral("configs.json")), QJsonDocument(configs).toJson()));
        QString err;
        const auto out = test::runPython(QString::fromLatin1(kScript), { m_dir.path() }, &err);
        QVERIFY2(out, qPrintable(err));
        const QJsonArray results
            = QJsonDocument::fromJson(out->trimmed().section(QLatin1Char('\n'), -1).toUtf8()).array();
        QCOMPARE(results.size(), m_configs.size());

        for (int i = 0; i < m_configs.size(); ++i) {
            const Config& c = m_configs[i];
            const QJsonObject r = results[i].toObject();
            QCOMPARE(r.value(QStringLiteral("name")).toString(), c.name);
            QVERIFY2(r.value(QStringLiteral("loaded")).toBool(), qPrintable(c.name));
            // What Quantscope computes with its file is what PyTorch computes with it.
            auto ours = loadModel(m_dir.filePath(c.name + QStringLiteral(".pt")), { c.engine });
            QVERIFY(ours.ok());
            const QString calib = c.model == m_mlp ? m_mlpCalib : m_cnnCalib;
            const QVector<float> cpp = test::outputOn(*ours, calib, 200, 64);
            QVERIFY(!cpp.isEmpty());
            QVERIFY2(
                cpp == test::readRawFloats(m_dir.filePath(c.name + QStringLiteral(".ours.f32"))), qPrintable(c.name));
            if (c.kind == QLatin1String("none"))
                continue;
            // Bit-identical to PyTorch's own quantizer, in Python and across the two runtimes.
            QVERIFY2(r.value(QStringLiteral("equal")).toBool(),
                qPrintable(QStringLiteral("%1: max |diff| %2, ops ours %3 / PyTorch %4")
                               .arg(c.name)
                               .arg(r.value(QStringLiteral("max_abs_diff")).toDouble())
                               .arg(QString::fromUtf8(QJsonDocument(r.value(QStringLiteral("our_ops")).toArray())
                                                          .toJson(QJsonDocument::Compact)),
                                   QString::fromUtf8(QJsonDocument(r.value(QStringLiteral("py_ops")).toArray())
                                                         .toJson(QJsonDocument::Compact)))));
            QCOMPARE(r.value(QStringLiteral("our_ops")).toArray(), r.value(QStringLiteral("py_ops")).toArray());
            QVERIFY(!r.value(QStringLiteral("our_ops")).toArray().isEmpty());
            QVERIFY2(
                cpp == test::readRawFloats(m_dir.filePath(c.name + QStringLiteral(".py.f32"))), qPrintable(c.name));
        }
        QVERIFY(engine::select({}).ok());
    }
};

QTEST_GUILESS_MAIN(TestQuantPython)
#include "tst_quantpython.moc"
