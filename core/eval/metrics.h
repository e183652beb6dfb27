// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/evalresult.h"

#include <QtCore/QVector>

namespace qs {

/// \brief Accumulates class scores against labels batch by batch; result() gives top-1/top-k,
/// precision/recall/F1, the confusion matrix and the cross-entropy loss (docs/metrics.md).
///
/// Plain loops over float rows: no LibTorch, so the formulas are testable with hand-made numbers.
class ClassificationAccumulator
{
public:
    explicit ClassificationAccumulator(int classes, int topK = 5);

    int classes() const { return m_classes; }
    /// \a scores: \a n rows of classes() floats; \a labels: n class indices in [0, classes()).
    /// Returns false (adding nothing) when a label is outside that range; \a badLabel gets it.
    bool add(const float* scores, qint64 n, const qint64* labels, qint64* badLabel = nullptr);
    AccuracyMetrics result(const QStringList& classNames = {}) const;

    /// The predicted class of one row: the first highest score (NaN counts as highest, as
    /// torch.argmax does).
    static int argmax(const float* row, int classes);

private:
    int m_classes;
    int m_topK;
    qint64 m_samples = 0;
    qint64 m_topKHits = 0;
    qint64 m_nonFinite = 0;
    double m_lossSum = 0;
    QVector<qint64> m_confusion; ///< classes x classes, [true][predicted]
};

/// \brief Accumulates a model's outputs against a reference's outputs batch by batch.
class FidelityAccumulator
{
public:
    /// \a rowSize output values per sample. \a scores: rows are class scores (top-1 agreement).
    /// \a imageShape {C, H, W}: outputs are images (per-image PSNR, SSIM); \a imagePeak is their
    /// L (0: decided from the first batch's reference: 1 for [0, 1], 255 for [0, 255], else its range).
    FidelityAccumulator(qint64 rowSize, bool scores, const QVector<qint64>& imageShape = {}, double imagePeak = 0);

    void add(const float* out, const float* ref, qint64 n);
    FidelityMetrics result() const;

private:
    qint64 m_rowSize;
    bool m_scores;
    QVector<qint64> m_imageShape;
    double m_imagePeak;
    qint64 m_samples = 0;
    double m_sumRef2 = 0;
    double m_sumErr2 = 0;
    double m_sumAbsErr = 0;
    double m_sumAbsRef = 0;
    double m_maxAbs = 0;
    double m_refMin = 0;
    double m_refMax = 0;
    double m_cosineSum = 0;
    double m_cosineMin = 1;
    qint64 m_agree = 0;
    double m_imagePsnrSum = 0;
    double m_ssimSum = 0;
    qint64 m_ssimCount = 0;
};

namespace metrics {

/// Mean SSIM of two single-channel images (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5,
/// K1 0.01, K2 0.03, over the positions where the window fits). Images smaller than the
/// window use a window of their size.
double ssim(const float* a, const float* b, int height, int width, double peak);
/// 10 log10(peak^2 / mse), +inf when mse is 0.
double psnrDb(double mse, double peak);
/// The image L: 1 when \a lo..hi lies in [0, 1] (with 5% slack), 255 when in [0, 255], else hi - lo.
double imagePeakFor(double lo, double hi);

} // namespace metrics

} // namespace qs
