// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QtGlobal>

#include <cstdint>
#include <vector>

/// \brief The weight codecs of the weight-only schemes (weight-int8/int4, linear-int8/16,
/// kmeans-N), in plain C++: encode a float weight, pack it as stored, decode it.
///
/// Decoding here gives the same floats as the artifact's TorchScript restore method (a float
/// multiply per weight, or a codebook lookup); per-layer error analysis can use it directly.
namespace qs::weightcodec {

/// \brief Symmetric linear quantization of a [rows x cols] weight: one scale per row and block of
/// `block` columns (block == cols: per row/channel; rows == 1 and block == cols: per tensor).
/// q = round_half_even(w / scale) clamped to [-qmax, qmax], qmax = 2^(bits-1) - 1,
/// scale = max|w| / qmax (1 for an all-zero block).
struct SymmetricCode
{
    int bits = 8;
    qint64 rows = 0;
    qint64 cols = 0;
    qint64 block = 0;
    std::vector<float> scales; ///< rows x blocks()
    std::vector<int16_t> q; ///< rows x cols

    qint64 blocks() const { return block > 0 ? (cols + block - 1) / block : 0; }
    int qmax() const { return (1 << (bits - 1)) - 1; }
};

SymmetricCode quantizeSymmetric(const float* w, qint64 rows, qint64 cols, int bits, qint64 block);
std::vector<float> dequantize(const SymmetricCode& code);

/// \brief Per-layer 1-D k-means: 2^bits centroids (k-means++ initialisation from a seeded
/// generator, then Lloyd iterations to convergence), each weight replaced by its nearest
/// centroid. Deterministic: the same weights and seed give the same bytes.
struct KMeansCode
{
    int bits = 4;
    std::vector<float> codebook; ///< 2^bits entries, ascending (unused ones repeat the last)
    std::vector<uint8_t> indices; ///< one per weight
    int iterations = 0;
    int usedCentroids = 0; ///< fewer than 2^bits when the weight has fewer distinct values
};

KMeansCode kmeans(const float* w, qint64 n, int bits, quint64 seed, int maxIterations = 100);
std::vector<float> dequantize(const KMeansCode& code);

/// \brief Packs values of `bits` bits (1, 2, 4 or 8), 8/bits to a byte, the first in the lowest
/// bits: ceil(n * bits / 8) bytes.
std::vector<uint8_t> packBits(const std::vector<uint8_t>& values, int bits);
std::vector<uint8_t> unpackBits(const std::vector<uint8_t>& packed, int bits, qint64 count);

/// \brief INT4 codes -7..7 stored as nibbles with an offset of 8, two to a byte (low nibble first).
std::vector<uint8_t> packInt4(const std::vector<int16_t>& q);

} // namespace qs::weightcodec
