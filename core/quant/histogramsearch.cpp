// SPDX-License-Identifier: GPL-3.0-or-later
// HistogramObserver._non_linear_param_search (torch.ao 1.13) in C++, registered as the TorchScript
// op quantscope::histogram_minmax_search. It runs the same ATen ops in the same order as the
// Python code, so the chosen range is bit-identical, and ~10x faster than the interpreted loop.
// Only the observer's calculate_qparams calls it; quantized models never reference it.
#include <torch/script.h>

#include <cmath>
#include <limits>
#include <tuple>

namespace {

using at::Tensor;

Tensor hist_get_norm(const Tensor& delta_begin, const Tensor& delta_end, const Tensor& density)
{
    Tensor norm = (delta_end * delta_end * delta_end - delta_begin * delta_begin * delta_begin) / 3;
    return density * norm;
}

double hist_quant_error(const Tensor& histogram, double min_v, double max_v, int64_t bins, int64_t dst_nbins,
    int64_t next_start_bin, int64_t next_end_bin)
{
    double bin_width = (max_v - min_v) / (double)bins;
    double dst_bin_width = bin_width * (double)(next_end_bin - next_start_bin + 1) / (double)dst_nbins;
    if (dst_bin_width == 0.0)
        return 0.0;
    Tensor src_bin = at::arange(bins); // int64, like torch.arange(int)
    Tensor src_bin_begin = (src_bin - next_start_bin) * bin_width;
    Tensor src_bin_end = src_bin_begin + bin_width;
    Tensor dst_bin_of_begin = at::clamp(at::div(src_bin_begin, dst_bin_width, "floor"), 0, dst_nbins - 1);
    Tensor dst_bin_of_begin_center = (dst_bin_of_begin + 0.5) * dst_bin_width;
    Tensor dst_bin_of_end = at::clamp(at::div(src_bin_end, dst_bin_width, "floor"), 0, dst_nbins - 1);
    Tensor density = histogram / bin_width;
    Tensor norm = at::zeros({ bins });
    Tensor delta_begin = src_bin_begin - dst_bin_of_begin_center;
    double delta_end = dst_bin_width / 2;
    norm += hist_get_norm(delta_begin, at::ones({ bins }) * delta_end, density);
    // torch.tensor(python_float) in TorchScript -> 0-dim float32 (default dtype)
    norm += (dst_bin_of_end - dst_bin_of_begin - 1)
        * hist_get_norm(at::scalar_tensor(-dst_bin_width / 2, at::kFloat),
            at::scalar_tensor(dst_bin_width / 2, at::kFloat), density);
    Tensor dst_bin_of_end_center = dst_bin_of_end * dst_bin_width + dst_bin_width / 2;
    double delta_begin2 = -dst_bin_width / 2;
    Tensor delta_end2 = src_bin_end - dst_bin_of_end_center;
    norm += hist_get_norm(at::scalar_tensor(delta_begin2, at::kFloat), delta_end2, density);
    return norm.sum().item<double>();
}

std::tuple<Tensor, Tensor> histogram_minmax_search(
    const Tensor& histogram, const Tensor& min_val, const Tensor& max_val, int64_t bins, int64_t dst_nbins)
{
    TORCH_CHECK(histogram.size(0) == bins, "bins mistmatch");
    Tensor bin_width_t = (max_val - min_val) / bins;
    double total = at::sum(histogram).item<double>();
    Tensor cSum = at::cumsum(histogram, 0).contiguous();
    const float* c = cSum.data_ptr<float>();
    const double min_v = min_val.item<double>(), max_v = max_val.item<double>();
    const double stepsize = 1e-5;
    double alpha = 0.0, beta = 1.0;
    int64_t start_bin = 0, end_bin = bins - 1;
    double norm_min = std::numeric_limits<double>::infinity();
    while (alpha < beta) {
        double next_alpha = alpha + stepsize;
        double next_beta = beta - stepsize;
        int64_t l = start_bin, r = end_bin;
        // `cSum[l] < next_alpha * total` is aten::lt(0-dim float32, double scalar):
        // TensorIterator promotes to float32, i.e. compares against float(scalar).
        const float a_thr = (float)(next_alpha * total);
        const float b_thr = (float)(next_beta * total);
        while (l < end_bin && c[l] < a_thr)
            l++;
        while (r > start_bin && c[r] > b_thr)
            r--;
        int64_t next_start_bin = start_bin, next_end_bin = end_bin;
        if ((l - start_bin) > (end_bin - r)) {
            next_start_bin = l;
            alpha = next_alpha;
        } else {
            next_end_bin = r;
            beta = next_beta;
        }
        if (next_start_bin == start_bin && next_end_bin == end_bin)
            continue;
        double norm = hist_quant_error(histogram, min_v, max_v, bins, dst_nbins, next_start_bin, next_end_bin);
        if (norm > norm_min)
            break;
        norm_min = norm;
        start_bin = next_start_bin;
        end_bin = next_end_bin;
    }
    Tensor new_min = min_val + bin_width_t * start_bin;
    Tensor new_max = min_val + bin_width_t * (end_bin + 1);
    return { new_min, new_max };
}

} // namespace

TORCH_LIBRARY(quantscope, m)
{
    m.def("histogram_minmax_search(Tensor histogram, Tensor min_val, Tensor max_val, int bins, int dst_nbins) -> "
          "(Tensor, Tensor)",
        &histogram_minmax_search);
}
