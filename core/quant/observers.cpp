// SPDX-License-Identifier: GPL-3.0-or-later
// torch.ao.quantization.observer (PyTorch 1.13) ported to TorchScript defined from C++. The method
// sources are the Python ones with torch.dtype/torch.qscheme names replaced by their int codes
// (the C++ frontend does not resolve them) and warnings.warn dropped; attributes are Python's, so
// the graph-mode passes (InsertObservers, InsertQuantDeQuant) treat them exactly as Python's.
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>

#include "observers_p.h"

#include <QtCore/QMutex>

#include <cmath>
#include <limits>
#include <map>

namespace qs::detail {

using torch::jit::Module;

namespace {

struct QuantscopeResolver : public torch::jit::Resolver
{
    std::shared_ptr<torch::jit::SugaredValue> resolveValue(
        const std::string& name, torch::jit::GraphFunction&, const torch::jit::SourceRange&) override
    {
        if (name == "torch")
            return std::make_shared<torch::jit::BuiltinModule>("aten");
        if (name == "quantscope")
            return std::make_shared<torch::jit::BuiltinModule>("quantscope");
        if (name == "Exception")
            return std::make_shared<torch::jit::ExceptionValue>("Exception");
        return nullptr;
    }
    c10::TypePtr resolveType(const std::string&, const torch::jit::SourceRange&) override { return nullptr; }
};

// One compilation unit for all observer types (as Python has one). Each distinct observer
// configuration is compiled once and deep-copied afterwards: copies share the ClassType, so the
// methods are not compiled and profiled again (~4-8 ms per type).
std::shared_ptr<torch::jit::CompilationUnit>& observerUnit()
{
    static auto cu = std::make_shared<torch::jit::CompilationUnit>();
    return cu;
}

QMutex& observerMutex()
{
    static QMutex m;
    return m;
}

Module newModule(const char* qualifiedName)
{
    Module m(c10::QualifiedName(qualifiedName), observerUnit(), /*shouldMangle=*/true);
    // nn.Module always has `training`; Module::train()/eval() need it.
    m.register_attribute("training", c10::BoolType::get(), true);
    return m;
}

Module cached(const std::string& key, const std::function<Module()>& make)
{
    QMutexLocker lock(&observerMutex());
    static std::map<std::string, Module> prototypes;
    auto it = prototypes.find(key);
    if (it == prototypes.end())
        it = prototypes.emplace(key, make()).first;
    return it->second.deepcopy();
}

// torch.ao.quantization.utils.calculate_qmin_qmax (1.13), without a customized range.
std::pair<int64_t, int64_t> qminQmax(int64_t dtype, bool reduceRange)
{
    if (dtype == code::QInt8)
        return reduceRange ? std::make_pair<int64_t, int64_t>(-64, 63) : std::make_pair<int64_t, int64_t>(-128, 127);
    if (dtype == code::QUInt8)
        return reduceRange ? std::make_pair<int64_t, int64_t>(0, 127) : std::make_pair<int64_t, int64_t>(0, 255);
    if (dtype == code::QInt32)
        return { -(int64_t(1) << 31), (int64_t(1) << 31) - 1 };
    return { 0, 15 };
}

const char* const kCalcQParamsSrc = R"(
def _check_min_max_valid(self, min_val: Tensor, max_val: Tensor) -> bool:
    if min_val.numel() == 0 or max_val.numel() == 0:
        return False
    if min_val.dim() == 0 or max_val.dim() == 0:
        if min_val == float("inf") and max_val == float("-inf"):
            return False
        assert min_val <= max_val, "min should be less than max"
    else:
        assert torch.all(min_val <= max_val), "min should be less than max"
    return True

def _calculate_qparams(self, min_val: Tensor, max_val: Tensor) -> Tuple[Tensor, Tensor]:
    if not self._check_min_max_valid(min_val, max_val):
        return torch.tensor([1.0], device=min_val.device.type), torch.tensor([0], device=min_val.device.type)
    quant_min, quant_max = self.quant_min, self.quant_max
    min_val_neg = torch.min(min_val, torch.zeros_like(min_val))
    max_val_pos = torch.max(max_val, torch.zeros_like(max_val))
    device = min_val_neg.device
    scale = torch.ones(min_val_neg.size(), dtype=6, device=device)
    zero_point = torch.zeros(min_val_neg.size(), dtype=4, device=device)
    if self.qscheme == 2 or self.qscheme == 3:
        max_val_pos = torch.max(-min_val_neg, max_val_pos)
        scale = max_val_pos / (float(quant_max - quant_min) / 2)
        scale = torch.max(scale, self.eps)
        if self.dtype == 13:
            if self.has_customized_qrange:
                zero_point = zero_point.new_full(zero_point.size(), (quant_min + quant_max) // 2)
            else:
                zero_point = zero_point.new_full(zero_point.size(), 128)
    elif self.qscheme == 4:
        scale = (max_val - min_val) / float(quant_max - quant_min)
        scale = torch.where(scale > self.eps, scale, torch.ones_like(scale))
        zero_point = -1 * min_val / scale
    else:
        scale = (max_val_pos - min_val_neg) / float(quant_max - quant_min)
        scale = torch.max(scale, self.eps)
        zero_point = quant_min - torch.round(min_val_neg / scale).to(3)
        zero_point = torch.clamp(zero_point, quant_min, quant_max)
    if len(scale.shape) == 0:
        scale = torch.tensor([float(scale)], dtype=scale.dtype, device=device)
    if len(zero_point.shape) == 0:
        zero_point = torch.tensor([int(zero_point)], dtype=zero_point.dtype, device=device)
        if self.qscheme == 4:
            zero_point = torch.tensor([float(zero_point)], dtype=zero_point.dtype, device=device)
    return scale, zero_point
)";

const char* const kHistForwardSrc = R"(
def forward(self, x_orig: Tensor) -> Tensor:
    if x_orig.numel() == 0:
        return x_orig
    x = x_orig.detach()
    min_val = self.min_val
    max_val = self.max_val
    same_values = min_val.item() == max_val.item()
    is_uninitialized = min_val == float("inf") and max_val == float("-inf")
    if is_uninitialized or same_values:
        min_val, max_val = torch.aminmax(x)
        self.min_val.resize_(min_val.shape)
        self.min_val.copy_(min_val)
        self.max_val.resize_(max_val.shape)
        self.max_val.copy_(max_val)
        assert min_val.numel() == 1 and max_val.numel() == 1, "histogram min/max values must be scalar."
        torch.histc(x, self.bins, min=int(min_val), max=int(max_val), out=self.histogram)
    else:
        new_min, new_max = torch.aminmax(x)
        combined_min = torch.min(new_min, min_val)
        combined_max = torch.max(new_max, max_val)
        combined_min, combined_max, downsample_rate, start_idx = self._adjust_min_max(combined_min, combined_max, self.upsample_rate)
        assert combined_min.numel() == 1 and combined_max.numel() == 1, "histogram min/max values must be scalar."
        combined_histogram = torch.histc(x, self.bins, min=int(combined_min), max=int(combined_max))
        if combined_min == min_val and combined_max == max_val:
            combined_histogram += self.histogram
        else:
            combined_histogram = self._combine_histograms(combined_histogram, self.histogram, self.upsample_rate, downsample_rate, start_idx, self.bins)
        self.histogram.detach_().resize_(combined_histogram.shape)
        self.histogram.copy_(combined_histogram)
        self.min_val.detach_().resize_(combined_min.shape)
        self.min_val.copy_(combined_min)
        self.max_val.detach_().resize_(combined_max.shape)
        self.max_val.copy_(combined_max)
    return x_orig

def _adjust_min_max(self, combined_min: Tensor, combined_max: Tensor, upsample_rate: int) -> Tuple[Tensor, Tensor, int, int]:
    hist_bin_width = (self.max_val - self.min_val) / (self.bins * upsample_rate)
    downsample_rate = int(torch.ceil((combined_max - combined_min) / (self.bins * hist_bin_width)).item())
    e = downsample_rate * (self.bins * hist_bin_width) - (combined_max - combined_min)
    combined_max = combined_max + e
    combined_min = combined_min
    start_idx = int(torch.round((self.min_val - combined_min) / hist_bin_width).item())
    return combined_min, combined_max, downsample_rate, start_idx

def _combine_histograms(self, orig_hist: Tensor, new_hist: Tensor, upsample_rate: int, downsample_rate: int, start_idx: int, Nbins: int) -> Tensor:
    upsampled_histogram = new_hist.repeat_interleave(upsample_rate)
    histogram_with_output_range = torch.zeros((Nbins * downsample_rate), device=orig_hist.device)
    histogram_with_output_range[start_idx : Nbins * upsample_rate + start_idx] = upsampled_histogram
    integral_histogram = torch.cumsum(histogram_with_output_range, 0, dtype=7)[downsample_rate - 1 :: downsample_rate]
    shifted_integral_histogram = torch.zeros((Nbins), device=orig_hist.device)
    shifted_integral_histogram[1:Nbins] = integral_histogram[0:-1]
    interpolated_histogram = (integral_histogram - shifted_integral_histogram) / upsample_rate
    orig_hist = orig_hist + interpolated_histogram.to(6)
    return orig_hist
)";

const char* const kHistNativeSearchSrc = R"(
def calculate_qparams(self) -> Tuple[Tensor, Tensor]:
    is_uninitialized = self.min_val == float("inf") and self.max_val == float("-inf")
    if is_uninitialized:
        return torch.tensor([1.0], device=self.min_val.device.type), torch.tensor([0], device=self.min_val.device.type)
    assert self.bins == len(self.histogram), "The number of bins in histogram should be equal to the number of bins supplied while making this observer"
    new_min, new_max = quantscope.histogram_minmax_search(self.histogram, self.min_val, self.max_val, self.bins, self.dst_nbins)
    return self._calculate_qparams(new_min, new_max)
)";

// calculate_qparams of MinMaxObserver and PerChannelMinMaxObserver.
const char* const kMinMaxQParamsSrc = R"(
def calculate_qparams(self) -> Tuple[Tensor, Tensor]:
    return self._calculate_qparams(self.min_val, self.max_val)
)";

// Attributes of UniformQuantizationObserverBase.
void addUniformBaseAttrs(Module& m, int64_t dtype, int64_t qscheme, bool reduceRange)
{
    m.register_attribute("dtype", c10::IntType::get(), dtype);
    m.register_attribute("qscheme", c10::IntType::get(), qscheme);
    m.register_attribute("reduce_range", c10::BoolType::get(), reduceRange);
    m.register_attribute("has_customized_qrange", c10::BoolType::get(), false);
    const auto q = qminQmax(dtype, reduceRange);
    m.register_attribute("quant_min", c10::IntType::get(), q.first);
    m.register_attribute("quant_max", c10::IntType::get(), q.second);
    // torch.tensor([torch.finfo(torch.float32).eps]): a float32 tensor.
    m.register_buffer("eps", torch::tensor({ std::numeric_limits<float>::epsilon() }, torch::kFloat));
}

} // namespace

torch::jit::ResolverPtr quantscopeResolver()
{
    return std::make_shared<QuantscopeResolver>();
}

Module placeholderObserver(int64_t dtype, c10::optional<int64_t> computeDtype)
{
    const std::string key
        = "placeholder/" + std::to_string(dtype) + "/" + (computeDtype ? std::to_string(*computeDtype) : "none");
    return cached(key, [&] {
        Module m = newModule("__torch__.torch.ao.quantization.observer.PlaceholderObserver");
        m.register_attribute("dtype", c10::IntType::get(), dtype);
        m.register_attribute("custom_op", c10::StringType::get(), std::string());
        if (computeDtype)
            m.register_attribute("compute_dtype", c10::IntType::get(), *computeDtype);
        m.define(R"(
def forward(self, x: Tensor) -> Tensor:
    return x

def calculate_qparams(self) -> Tuple[Tensor, Tensor]:
    raise Exception("calculate_qparams should not be called for PlaceholderObserver")
)",
            quantscopeResolver());
        return m;
    });
}

Module minMaxObserver(int64_t dtype, int64_t qscheme, bool reduceRange)
{
    const std::string key
        = "minmax/" + std::to_string(dtype) + "/" + std::to_string(qscheme) + "/" + std::to_string(reduceRange);
    return cached(key, [&] {
        Module m = newModule("__torch__.torch.ao.quantization.observer.MinMaxObserver");
        addUniformBaseAttrs(m, dtype, qscheme, reduceRange);
        m.register_buffer("min_val", torch::tensor(std::numeric_limits<float>::infinity()));
        m.register_buffer("max_val", torch::tensor(-std::numeric_limits<float>::infinity()));
        m.define(std::string(R"(
def forward(self, x_orig: Tensor) -> Tensor:
    if x_orig.numel() == 0:
        return x_orig
    x = x_orig.detach()
    x = x.to(self.min_val.dtype)
    min_val_cur, max_val_cur = torch.aminmax(x)
    min_val = torch.min(min_val_cur, self.min_val)
    max_val = torch.max(max_val_cur, self.max_val)
    self.min_val.copy_(min_val)
    self.max_val.copy_(max_val)
    return x_orig
)") + kMinMaxQParamsSrc + kCalcQParamsSrc);
        return m;
    });
}

Module perChannelMinMaxObserver(int64_t chAxis, int64_t dtype, int64_t qscheme, bool reduceRange)
{
    const std::string key = "perchannel/" + std::to_string(chAxis) + "/" + std::to_string(dtype) + "/"
        + std::to_string(qscheme) + "/" + std::to_string(reduceRange);
    return cached(key, [&] {
        Module m = newModule("__torch__.torch.ao.quantization.observer.PerChannelMinMaxObserver");
        addUniformBaseAttrs(m, dtype, qscheme, reduceRange);
        m.register_attribute("ch_axis", c10::IntType::get(), chAxis);
        m.register_buffer("min_val", torch::empty({ 0 }));
        m.register_buffer("max_val", torch::empty({ 0 }));
        m.define(std::string(R"(
def forward(self, x_orig: Tensor) -> Tensor:
    return self._forward(x_orig)

def _forward(self, x_orig: Tensor) -> Tensor:
    if x_orig.numel() == 0:
        return x_orig
    x = x_orig.detach()
    min_val = self.min_val
    max_val = self.max_val
    x_dim = x.size()
    new_axis_list = [i for i in range(len(x_dim))]
    new_axis_list[self.ch_axis] = 0
    new_axis_list[0] = self.ch_axis
    y = x.permute(new_axis_list)
    y = y.to(self.min_val.dtype)
    y = torch.flatten(y, start_dim=1)
    if min_val.numel() == 0 or max_val.numel() == 0:
        min_val, max_val = torch.aminmax(y, dim=1)
    else:
        min_val_cur, max_val_cur = torch.aminmax(y, dim=1)
        min_val = torch.min(min_val_cur, min_val)
        max_val = torch.max(max_val_cur, max_val)
    self.min_val.resize_(min_val.shape)
    self.max_val.resize_(max_val.shape)
    self.min_val.copy_(min_val)
    self.max_val.copy_(max_val)
    return x_orig
)") + kMinMaxQParamsSrc + kCalcQParamsSrc);
        return m;
    });
}

Module histogramObserver(bool reduceRange)
{
    return cached("histogram/" + std::to_string(reduceRange), [&] {
        constexpr int64_t bins = 2048;
        Module m = newModule("__torch__.torch.ao.quantization.observer.HistogramObserver");
        addUniformBaseAttrs(m, code::QUInt8, code::PerTensorAffine, reduceRange);
        m.register_attribute("bins", c10::IntType::get(), bins);
        m.register_buffer("histogram", torch::zeros({ bins }));
        m.register_buffer("min_val", torch::tensor(std::numeric_limits<float>::infinity()));
        m.register_buffer("max_val", torch::tensor(-std::numeric_limits<float>::infinity()));
        m.register_attribute("dst_nbins", c10::IntType::get(), int64_t(256)); // 2 ** torch.iinfo(quint8).bits
        m.register_attribute("upsample_rate", c10::IntType::get(), int64_t(128));
        m.define(std::string(kHistForwardSrc) + kHistNativeSearchSrc + kCalcQParamsSrc, quantscopeResolver());
        return m;
    });
}

Module rangeRecorder()
{
    return cached("recorder", [&] {
        Module m = newModule("__torch__.quantscope.RangeRecorder");
        // The attributes of a static per-tensor quint8 observer (quant_min/max feed the fake quantization).
        addUniformBaseAttrs(m, code::QUInt8, code::PerTensorAffine, false);
        m.register_buffer("min_val", torch::tensor(std::numeric_limits<float>::infinity()));
        m.register_buffer("max_val", torch::tensor(-std::numeric_limits<float>::infinity()));
        m.register_attribute("armed", c10::BoolType::get(), false);
        m.register_attribute("bins", c10::IntType::get(), int64_t(64));
        m.register_attribute("lo", c10::FloatType::get(), 0.0);
        m.register_attribute("hi", c10::FloatType::get(), 1.0);
        m.register_attribute("scale", c10::FloatType::get(), 1.0);
        m.register_attribute("zero_point", c10::IntType::get(), int64_t(0));
        m.register_attribute("clip_lo", c10::FloatType::get(), 0.0);
        m.register_attribute("clip_hi", c10::FloatType::get(), 0.0);
        m.register_buffer("histogram", torch::zeros({ 64 }, torch::kDouble));
        m.register_buffer("sums", torch::zeros({ 4 }, torch::kDouble)); // values, sum x^2, sum err^2, clipped
        m.define(std::string(R"(
def forward(self, x_orig: Tensor) -> Tensor:
    if x_orig.numel() == 0:
        return x_orig
    x = x_orig.detach().to(6)
    min_val_cur, max_val_cur = torch.aminmax(x)
    self.min_val.copy_(torch.min(min_val_cur, self.min_val))
    self.max_val.copy_(torch.max(max_val_cur, self.max_val))
    if self.armed:
        self.histogram.add_(torch.histc(x, self.bins, min=self.lo, max=self.hi).to(7))
        fq = torch.fake_quantize_per_tensor_affine(x, self.scale, self.zero_point, self.quant_min, self.quant_max)
        xd = x.to(7)
        err = xd - fq.to(7)
        clipped = torch.logical_or(x < self.clip_lo, x > self.clip_hi).sum().to(7)
        n = torch.tensor(float(x.numel()), dtype=7)
        self.sums.add_(torch.stack([n, (xd * xd).sum(), (err * err).sum(), clipped]))
    return x_orig
)") + kMinMaxQParamsSrc + kCalcQParamsSrc,
            quantscopeResolver());
        return m;
    });
}

torch::jit::QConfig dynamicQConfig(bool perChannel)
{
    Module weight = perChannel ? perChannelMinMaxObserver(0, code::QInt8, code::PerChannelSymmetric)
                               : minMaxObserver(code::QInt8, code::PerTensorSymmetric);
    return { placeholderObserver(code::QUInt8, code::QUInt8), weight };
}

torch::jit::QConfig float16DynamicQConfig()
{
    return { placeholderObserver(code::Float16, code::Float16), placeholderObserver(code::Float16, c10::nullopt) };
}

torch::jit::QConfig staticQConfig(bool histogram, bool perChannelWeights, bool reduceRange)
{
    Module activation
        = histogram ? histogramObserver(reduceRange) : minMaxObserver(code::QUInt8, code::PerTensorAffine, reduceRange);
    Module weight = perChannelWeights ? perChannelMinMaxObserver(0, code::QInt8, code::PerChannelSymmetric)
                                      : minMaxObserver(code::QInt8, code::PerTensorSymmetric);
    return { activation, weight };
}

} // namespace qs::detail
