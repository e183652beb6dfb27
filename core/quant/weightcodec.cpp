// SPDX-License-Identifier: GPL-3.0-or-later
#include "weightcodec.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace qs::weightcodec {

namespace {

// SplitMix64: small, fast and the same on every platform (std:: distributions are not specified
// bit-for-bit, and k-means results must not depend on the standard library).
struct Rng
{
    quint64 state;
    quint64 next()
    {
        quint64 z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};

// k-means++ on at most this many values: D^2 sampling is O(k x n), and a sample of 64 Ki values
// places 256 initial centres as well as 16 Mi values do. Lloyd iterations then use all weights.
constexpr qint64 kInitSample = 65536;

} // namespace

SymmetricCode quantizeSymmetric(const float* w, qint64 rows, qint64 cols, int bits, qint64 block)
{
    SymmetricCode c;
    c.bits = bits;
    c.rows = rows;
    c.cols = cols;
    c.block = block > 0 ? std::min(block, cols) : cols;
    const qint64 nb = c.blocks();
    const float qmax = float(c.qmax());
    c.scales.resize(size_t(rows * nb));
    c.q.resize(size_t(rows * cols));
    for (qint64 r = 0; r < rows; ++r) {
        const float* row = w + r * cols;
        for (qint64 b = 0; b < nb; ++b) {
            const qint64 begin = b * c.block, end = std::min(cols, begin + c.block);
            float amax = 0;
            for (qint64 i = begin; i < end; ++i)
                amax = std::max(amax, std::fabs(row[i]));
            float scale = amax / qmax;
            if (!(scale > 0)) // all zero (or underflow): any scale reproduces zeros
                scale = 1.0f;
            c.scales[size_t(r * nb + b)] = scale;
            for (qint64 i = begin; i < end; ++i) {
                const float v = std::nearbyint(row[i] / scale); // round half to even, as torch.round
                c.q[size_t(r * cols + i)] = int16_t(std::clamp(v, -qmax, qmax));
            }
        }
    }
    return c;
}

std::vector<float> dequantize(const SymmetricCode& c)
{
    std::vector<float> out(c.q.size());
    const qint64 nb = c.blocks();
    for (qint64 r = 0; r < c.rows; ++r) {
        for (qint64 i = 0; i < c.cols; ++i)
            out[size_t(r * c.cols + i)] = float(c.q[size_t(r * c.cols + i)]) * c.scales[size_t(r * nb + i / c.block)];
    }
    return out;
}

KMeansCode kmeans(const float* w, qint64 n, int bits, quint64 seed, int maxIterations)
{
    KMeansCode code;
    code.bits = bits;
    const int k = 1 << bits;
    code.codebook.assign(size_t(k), 0.0f);
    code.indices.assign(size_t(n), 0);
    if (n == 0)
        return code;

    std::vector<float> sorted(w, w + n);
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> prefix(size_t(n) + 1, 0.0);
    for (qint64 i = 0; i < n; ++i)
        prefix[size_t(i) + 1] = prefix[size_t(i)] + double(sorted[size_t(i)]);

    // k-means++ initialisation (Arthur & Vassilvitskii) on a seeded sample.
    Rng rng { seed };
    std::vector<float> sample;
    if (n <= kInitSample) {
        sample = sorted;
    } else {
        sample.resize(size_t(kInitSample));
        for (float& v : sample)
            v = sorted[size_t(rng.next() % quint64(n))];
    }
    std::vector<double> centres { double(sample[size_t(rng.next() % sample.size())]) };
    std::vector<double> d2(sample.size());
    for (size_t i = 0; i < sample.size(); ++i)
        d2[i] = (double(sample[i]) - centres[0]) * (double(sample[i]) - centres[0]);
    while (int(centres.size()) < k) {
        const double total = std::accumulate(d2.begin(), d2.end(), 0.0);
        if (!(total > 0))
            break; // fewer distinct values than centroids
        const double target = rng.uniform() * total;
        double acc = 0;
        size_t pick = 0;
        for (; pick + 1 < d2.size(); ++pick) {
            acc += d2[pick];
            if (acc > target && d2[pick] > 0)
                break;
        }
        while (d2[pick] == 0 && pick > 0) // rounding at the end of the sum: take a point not yet a centre
            --pick;
        const double c = double(sample[pick]);
        centres.push_back(c);
        for (size_t i = 0; i < sample.size(); ++i)
            d2[i] = std::min(d2[i], (double(sample[i]) - c) * (double(sample[i]) - c));
    }
    std::sort(centres.begin(), centres.end());

    // Lloyd iterations. In one dimension the clusters are runs of the sorted weights split at the
    // midpoints between neighbouring centres, and a run's mean comes from the prefix sums: an
    // iteration costs O(k log n), and the result is exact Lloyd on all weights.
    const size_t kc = centres.size();
    std::vector<qint64> ends(kc, -1), previous;
    for (code.iterations = 0; code.iterations < maxIterations; ++code.iterations) {
        previous = ends;
        for (size_t j = 0; j + 1 < kc; ++j) {
            const double mid = 0.5 * (centres[j] + centres[j + 1]);
            ends[j] = qint64(std::lower_bound(sorted.begin(), sorted.end(), mid, [](float a, double b) {
                return double(a) < b;
            }) - sorted.begin());
        }
        ends[kc - 1] = n;
        if (ends == previous)
            break;
        qint64 start = 0;
        for (size_t j = 0; j < kc; ++j) {
            if (ends[j] > start)
                centres[j] = (prefix[size_t(ends[j])] - prefix[size_t(start)]) / double(ends[j] - start);
            start = std::max(start, ends[j]);
        }
        std::sort(centres.begin(), centres.end());
    }

    for (size_t j = 0; j < size_t(k); ++j)
        code.codebook[j] = float(centres[std::min(j, kc - 1)]);
    code.usedCentroids = int(kc);
    // Nearest centroid of each weight (ties to the upper one), from the stored float centroids.
    std::vector<double> bounds;
    for (size_t j = 0; j + 1 < kc; ++j)
        bounds.push_back(0.5 * (double(code.codebook[j]) + double(code.codebook[j + 1])));
    for (qint64 i = 0; i < n; ++i)
        code.indices[size_t(i)]
            = uint8_t(std::upper_bound(bounds.begin(), bounds.end(), double(w[i])) - bounds.begin());
    return code;
}

std::vector<float> dequantize(const KMeansCode& c)
{
    std::vector<float> out(c.indices.size());
    for (size_t i = 0; i < c.indices.size(); ++i)
        out[i] = c.codebook[c.indices[i]];
    return out;
}

std::vector<uint8_t> packBits(const std::vector<uint8_t>& values, int bits)
{
    const int per = 8 / bits;
    const unsigned mask = (1u << bits) - 1;
    std::vector<uint8_t> out((values.size() + size_t(per) - 1) / size_t(per), 0);
    for (size_t i = 0; i < values.size(); ++i)
        out[i / size_t(per)] |= uint8_t((values[i] & mask) << ((i % size_t(per)) * size_t(bits)));
    return out;
}

std::vector<uint8_t> unpackBits(const std::vector<uint8_t>& packed, int bits, qint64 count)
{
    const int per = 8 / bits;
    const unsigned mask = (1u << bits) - 1;
    std::vector<uint8_t> out(static_cast<size_t>(count));
    for (size_t i = 0; i < size_t(count); ++i)
        out[i] = uint8_t((packed[i / size_t(per)] >> ((i % size_t(per)) * size_t(bits))) & mask);
    return out;
}

std::vector<uint8_t> packInt4(const std::vector<int16_t>& q)
{
    std::vector<uint8_t> nibbles(q.size());
    for (size_t i = 0; i < q.size(); ++i)
        nibbles[i] = uint8_t(q[i] + 8);
    return packBits(nibbles, 4);
}

} // namespace qs::weightcodec
