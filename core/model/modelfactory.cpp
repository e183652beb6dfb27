// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/CPUGeneratorImpl.h>
#include <torch/script.h>

#include "modelfactory.h"

#include "core/common/torcherror_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QHash>

#include <cmath>

namespace qs {

LayerSpec LayerSpec::linear(qint64 in, qint64 out, bool bias)
{
    LayerSpec s;
    s.kind = Kind::Linear;
    s.in = in;
    s.out = out;
    s.bias = bias;
    return s;
}

LayerSpec LayerSpec::conv2d(qint64 in, qint64 out, int kernel, int stride, int padding, bool bias)
{
    LayerSpec s;
    s.kind = Kind::Conv2d;
    s.in = in;
    s.out = out;
    s.kernel = kernel;
    s.stride = stride;
    s.padding = padding;
    s.bias = bias;
    return s;
}

LayerSpec LayerSpec::batchNorm2d(qint64 channels)
{
    LayerSpec s;
    s.kind = Kind::BatchNorm2d;
    s.in = channels;
    return s;
}

LayerSpec LayerSpec::relu() { return LayerSpec{}; }

LayerSpec LayerSpec::maxPool2d(int kernel, int stride)
{
    LayerSpec s;
    s.kind = Kind::MaxPool2d;
    s.kernel = kernel;
    s.stride = stride > 0 ? stride : kernel;
    return s;
}

LayerSpec LayerSpec::avgPool2d(int kernel, int stride)
{
    LayerSpec s = maxPool2d(kernel, stride);
    s.kind = Kind::AvgPool2d;
    return s;
}

LayerSpec LayerSpec::adaptiveAvgPool2d(int outputSize)
{
    LayerSpec s;
    s.kind = Kind::AdaptiveAvgPool2d;
    s.kernel = outputSize;
    return s;
}

LayerSpec LayerSpec::flatten()
{
    LayerSpec s;
    s.kind = Kind::Flatten;
    return s;
}

LayerSpec LayerSpec::dropout(double p)
{
    LayerSpec s;
    s.kind = Kind::Dropout;
    s.p = p;
    return s;
}

LayerSpec LayerSpec::embedding(qint64 count, qint64 dim)
{
    LayerSpec s;
    s.kind = Kind::Embedding;
    s.in = count;
    s.out = dim;
    return s;
}

LayerSpec LayerSpec::sigmoid()
{
    LayerSpec s;
    s.kind = Kind::Sigmoid;
    return s;
}

LayerSpec LayerSpec::tanh()
{
    LayerSpec s;
    s.kind = Kind::Tanh;
    return s;
}

LayerSpec LayerSpec::named(const QString& n) const
{
    LayerSpec s = *this;
    s.name = n;
    return s;
}

namespace modelfactory {

namespace {

using torch::jit::Module;

struct Builder
{
    std::shared_ptr<torch::jit::CompilationUnit> cu = std::make_shared<torch::jit::CompilationUnit>();
    at::Generator gen;

    explicit Builder(quint64 seed) : gen(at::make_generator<at::CPUGeneratorImpl>(seed)) {}

    Module make(const char* qualifiedName)
    {
        // Mangled like Python's scripting does: the second distinct Conv2d becomes
        // __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d.
        Module m(c10::QualifiedName(qualifiedName), cu, /*shouldMangle=*/true);
        m.register_attribute("training", c10::BoolType::get(), true);
        return m;
    }

    // PyTorch's default init: kaiming_uniform_(a=sqrt(5)) for weights, U(-1/sqrt(fan_in), ..) for bias.
    at::Tensor uniform(std::vector<int64_t> shape, double bound)
    {
        return at::empty(shape, at::kFloat).uniform_(-bound, bound, gen);
    }
    at::Tensor kaiming(std::vector<int64_t> shape, int64_t fanIn)
    {
        const double gain = std::sqrt(2.0 / (1.0 + 5.0));
        const double bound = std::sqrt(3.0) * gain / std::sqrt(double(fanIn));
        return uniform(std::move(shape), bound);
    }

    void param(Module& m, const char* name, at::Tensor t)
    {
        m.register_parameter(name, t.set_requires_grad(true), /*is_buffer=*/false);
    }
    void noneBias(Module& m)
    {
        m.register_attribute("bias", c10::OptionalType::create(c10::TensorType::get()), c10::IValue());
    }

    Module build(const LayerSpec& s)
    {
        switch (s.kind) {
        case LayerSpec::Kind::Linear: {
            Module m = make("__torch__.torch.nn.modules.linear.Linear");
            param(m, "weight", kaiming({s.out, s.in}, s.in));
            if (s.bias)
                param(m, "bias", uniform({s.out}, 1.0 / std::sqrt(double(s.in))));
            else
                noneBias(m);
            m.register_attribute("in_features", c10::IntType::get(), int64_t(s.in));
            m.register_attribute("out_features", c10::IntType::get(), int64_t(s.out));
            m.define(R"(
def forward(self, input: Tensor) -> Tensor:
    return torch.linear(input, self.weight, self.bias)
)");
            return m;
        }
        case LayerSpec::Kind::Conv2d: {
            Module m = make("__torch__.torch.nn.modules.conv.Conv2d");
            const int64_t fanIn = s.in * s.kernel * s.kernel;
            param(m, "weight", kaiming({s.out, s.in, s.kernel, s.kernel}, fanIn));
            if (s.bias)
                param(m, "bias", uniform({s.out}, 1.0 / std::sqrt(double(fanIn))));
            else
                noneBias(m);
            m.register_attribute("in_channels", c10::IntType::get(), int64_t(s.in));
            m.register_attribute("out_channels", c10::IntType::get(), int64_t(s.out));
            m.define(QStringLiteral(R"(
def forward(self, input: Tensor) -> Tensor:
    return self._conv_forward(input, self.weight, self.bias)

def _conv_forward(self, input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
    return torch.conv2d(input, weight, bias, [%1, %1], [%2, %2], [1, 1], 1)
)").arg(s.stride).arg(s.padding).toStdString());
            return m;
        }
        case LayerSpec::Kind::BatchNorm2d: {
            Module m = make("__torch__.torch.nn.modules.batchnorm.BatchNorm2d");
            param(m, "weight", at::ones({s.in}));
            param(m, "bias", at::zeros({s.in}));
            m.register_buffer("running_mean", at::zeros({s.in}));
            m.register_buffer("running_var", at::ones({s.in}));
            m.register_buffer("num_batches_tracked", at::zeros({}, at::kLong));
            m.register_attribute("num_features", c10::IntType::get(), int64_t(s.in));
            m.register_attribute("eps", c10::FloatType::get(), 1e-5);
            m.register_attribute("momentum", c10::FloatType::get(), 0.1);
            m.define(R"(
def forward(self, input: Tensor) -> Tensor:
    if self.training:
        self.num_batches_tracked.add_(1)
    return torch.batch_norm(input, self.weight, self.bias, self.running_mean, self.running_var,
                            self.training, self.momentum, self.eps, True)
)");
            return m;
        }
        case LayerSpec::Kind::ReLU: {
            Module m = make("__torch__.torch.nn.modules.activation.ReLU");
            m.define(R"(
def forward(self, input: Tensor) -> Tensor:
    return torch.relu(input)
)");
            return m;
        }
        case LayerSpec::Kind::MaxPool2d:
        case LayerSpec::Kind::AvgPool2d: {
            const bool isMax = s.kind == LayerSpec::Kind::MaxPool2d;
            Module m = make(isMax ? "__torch__.torch.nn.modules.pooling.MaxPool2d" : "__torch__.torch.nn.modules.pooling.AvgPool2d");
            const QString call = isMax ? QStringLiteral("torch.max_pool2d(input, [%1, %1], [%2, %2], [0, 0], [1, 1], False)")
                                       : QStringLiteral("torch.avg_pool2d(input, [%1, %1], [%2, %2], [0, 0], False, True, None)");
            m.define(QStringLiteral("\ndef forward(self, input: Tensor) -> Tensor:\n    return %1\n")
                         .arg(call.arg(s.kernel).arg(s.stride)).toStdString());
            return m;
        }
        case LayerSpec::Kind::AdaptiveAvgPool2d: {
            Module m = make("__torch__.torch.nn.modules.pooling.AdaptiveAvgPool2d");
            m.define(QStringLiteral("\ndef forward(self, input: Tensor) -> Tensor:\n"
                                    "    return torch.adaptive_avg_pool2d(input, [%1, %1])\n").arg(s.kernel).toStdString());
            return m;
        }
        case LayerSpec::Kind::Flatten: {
            Module m = make("__torch__.torch.nn.modules.flatten.Flatten");
            m.define(R"(
def forward(self, input: Tensor) -> Tensor:
    return torch.flatten(input, 1, -1)
)");
            return m;
        }
        case LayerSpec::Kind::Dropout: {
            Module m = make("__torch__.torch.nn.modules.dropout.Dropout");
            m.define(QStringLiteral("\ndef forward(self, input: Tensor) -> Tensor:\n"
                                    "    return torch.dropout(input, %1, self.training)\n").arg(s.p).toStdString());
            return m;
        }
        case LayerSpec::Kind::Embedding: {
            Module m = make("__torch__.torch.nn.modules.sparse.Embedding");
            param(m, "weight", at::randn({s.in, s.out}, gen));
            m.register_attribute("num_embeddings", c10::IntType::get(), int64_t(s.in));
            m.register_attribute("embedding_dim", c10::IntType::get(), int64_t(s.out));
            m.define(R"(
def forward(self, input: Tensor) -> Tensor:
    return torch.embedding(self.weight, input, -1, False, False)
)");
            return m;
        }
        case LayerSpec::Kind::Sigmoid:
        case LayerSpec::Kind::Tanh: {
            const bool sig = s.kind == LayerSpec::Kind::Sigmoid;
            Module m = make(sig ? "__torch__.torch.nn.modules.activation.Sigmoid" : "__torch__.torch.nn.modules.activation.Tanh");
            m.define(sig ? "\ndef forward(self, input: Tensor) -> Tensor:\n    return torch.sigmoid(input)\n"
                         : "\ndef forward(self, input: Tensor) -> Tensor:\n    return torch.tanh(input)\n");
            return m;
        }
        }
        throw std::runtime_error("unknown layer kind");
    }
};

QString defaultName(LayerSpec::Kind k)
{
    switch (k) {
    case LayerSpec::Kind::Linear: return QStringLiteral("fc");
    case LayerSpec::Kind::Conv2d: return QStringLiteral("conv");
    case LayerSpec::Kind::BatchNorm2d: return QStringLiteral("bn");
    case LayerSpec::Kind::ReLU: return QStringLiteral("relu");
    case LayerSpec::Kind::MaxPool2d: return QStringLiteral("pool");
    case LayerSpec::Kind::AvgPool2d: return QStringLiteral("avgpool");
    case LayerSpec::Kind::AdaptiveAvgPool2d: return QStringLiteral("gap");
    case LayerSpec::Kind::Flatten: return QStringLiteral("flatten");
    case LayerSpec::Kind::Dropout: return QStringLiteral("dropout");
    case LayerSpec::Kind::Embedding: return QStringLiteral("embedding");
    case LayerSpec::Kind::Sigmoid: return QStringLiteral("sigmoid");
    case LayerSpec::Kind::Tanh: return QStringLiteral("tanh");
    }
    return QStringLiteral("layer");
}

} // namespace

Result<TorchModel> sequential(const QVector<LayerSpec>& layers, quint64 seed, const QString& className)
{
    if (layers.isEmpty())
        return Error::usage(QStringLiteral("A model needs at least one layer."));
    try {
        Builder b(seed);
        Module root = b.make(("__torch__." + className.toStdString()).c_str());
        QHash<int, int> counters;
        QStringList body;
        QString var = QStringLiteral("x");
        for (const LayerSpec& spec : layers) {
            QString name = spec.name;
            if (name.isEmpty()) {
                const int n = ++counters[int(spec.kind)];
                name = defaultName(spec.kind) + QString::number(n);
            }
            root.register_module(name.toStdString(), b.build(spec));
            body << QStringLiteral("    x = self.%1.forward(x)").arg(name);
        }
        root.define(QStringLiteral("\ndef forward(self, x: Tensor) -> Tensor:\n%1\n    return x\n")
                        .arg(body.join(QLatin1Char('\n'))).toStdString());
        root.eval();
        return detail::wrap(std::move(root));
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        return Error(Error::Kind::Internal, QStringLiteral("Could not build the model: %1").arg(f.summary), f.full);
    }
}

Result<TorchModel> mlp(const QVector<qint64>& dims, quint64 seed)
{
    if (dims.size() < 2)
        return Error::usage(QStringLiteral("An MLP needs at least an input and an output width."));
    QVector<LayerSpec> layers;
    for (int i = 0; i + 1 < dims.size(); ++i) {
        layers << LayerSpec::linear(dims[i], dims[i + 1]);
        if (i + 2 < dims.size())
            layers << LayerSpec::relu();
    }
    return sequential(layers, seed, QStringLiteral("MLP"));
}

Result<TorchModel> smallCnn(int classes, quint64 seed)
{
    return sequential({LayerSpec::conv2d(1, 16, 3, 1, 1), LayerSpec::batchNorm2d(16), LayerSpec::relu(), LayerSpec::maxPool2d(2),
                       LayerSpec::conv2d(16, 32, 3, 1, 1), LayerSpec::batchNorm2d(32), LayerSpec::relu(), LayerSpec::maxPool2d(2),
                       LayerSpec::flatten(), LayerSpec::linear(32 * 7 * 7, 128), LayerSpec::relu(), LayerSpec::linear(128, classes)},
                      seed, QStringLiteral("FashionCNN"));
}

} // namespace modelfactory

} // namespace qs
