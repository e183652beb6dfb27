// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace qs {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxImagePsnr = 100.0; // identical images would make the mean infinite
} // namespace

// ---- classification -----------------------------------------------------------------------

ClassificationAccumulator::ClassificationAccumulator(int classes, int topK)
    : m_classes(std::max(1, classes)), m_topK(std::max(1, std::min(topK, std::max(1, classes)))),
      m_confusion(qsizetype(m_classes) * m_classes, 0)
{
}

int ClassificationAccumulator::argmax(const float* row, int classes)
{
    int best = 0;
    for (int j = 0; j < classes; ++j) {
        if (std::isnan(row[j]))
            return j;
        if (row[j] > row[best])
            best = j;
    }
    return best;
}

bool ClassificationAccumulator::add(const float* scores, qint64 n, const qint64* labels, qint64* badLabel)
{
    for (qint64 i = 0; i < n; ++i) {
        if (labels[i] < 0 || labels[i] >= m_classes) {
            if (badLabel)
                *badLabel = labels[i];
            return false;
        }
    }
    for (qint64 i = 0; i < n; ++i) {
        const float* row = scores + i * m_classes;
        const int y = int(labels[i]);
        bool finite = true;
        double maxScore = -kInf;
        for (int j = 0; j < m_classes; ++j) {
            finite = finite && std::isfinite(row[j]);
            maxScore = std::max(maxScore, double(row[j]));
        }
        if (!finite)
            ++m_nonFinite;
        const int predicted = argmax(row, m_classes);
        ++m_confusion[y * m_classes + predicted];

        // Rank of the label's score: higher scores, NaNs (torch sorts them first) and equal
        // scores at lower indices come before it, so that k = 1 agrees with argmax.
        const float s = row[y];
        int rank = 0;
        if (std::isnan(s)) {
            rank = m_classes;
        } else {
            for (int j = 0; j < m_classes; ++j)
                rank += (std::isnan(row[j]) || row[j] > s || (row[j] == s && j < y)) ? 1 : 0;
        }
        if (rank < m_topK)
            ++m_topKHits;

        // Cross-entropy of the scores as logits: logsumexp(row) - row[y], in double.
        double sum = 0;
        for (int j = 0; j < m_classes; ++j)
            sum += std::exp(double(row[j]) - maxScore);
        m_lossSum += maxScore + std::log(sum) - double(s);
        ++m_samples;
    }
    return true;
}

AccuracyMetrics ClassificationAccumulator::result(const QStringList& classNames) const
{
    AccuracyMetrics a;
    a.samples = m_samples;
    a.classes = m_classes;
    a.topK = m_topK;
    a.nonFinite = m_nonFinite;
    const int c = m_classes;
    a.confusion.resize(c);
    for (int t = 0; t < c; ++t) {
        a.confusion[t] = m_confusion.mid(t * c, c);
        a.correct += m_confusion[t * c + t];
    }
    int counted = 0;
    for (int k = 0; k < c; ++k) {
        ClassMetrics m;
        m.index = k;
        m.name = classNames.value(k);
        const qint64 tp = m_confusion[k * c + k];
        for (int j = 0; j < c; ++j) {
            m.support += m_confusion[k * c + j];
            m.predicted += m_confusion[j * c + k];
        }
        m.precision = m.predicted > 0 ? double(tp) / double(m.predicted) : 0.0;
        m.recall = m.support > 0 ? double(tp) / double(m.support) : 0.0;
        m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
        // scikit-learn's macro average: over the classes that occur in labels or predictions.
        if (m.support > 0 || m.predicted > 0) {
            a.macroPrecision += m.precision;
            a.macroRecall += m.recall;
            a.macroF1 += m.f1;
            ++counted;
        }
        a.perClass << m;
    }
    if (counted > 0) {
        a.macroPrecision /= counted;
        a.macroRecall /= counted;
        a.macroF1 /= counted;
    }
    if (c == 2) {
        a.average = QStringLiteral("binary");
        a.precision = a.perClass[1].precision;
        a.recall = a.perClass[1].recall;
        a.f1 = a.perClass[1].f1;
    } else {
        a.average = QStringLiteral("macro");
        a.precision = a.macroPrecision;
        a.recall = a.macroRecall;
        a.f1 = a.macroF1;
    }
    if (m_samples > 0) {
        a.top1 = double(a.correct) / double(m_samples);
        a.top5 = double(m_topKHits) / double(m_samples);
        a.loss = m_lossSum / double(m_samples);
    }
    return a;
}

// ---- fidelity -----------------------------------------------------------------------------

FidelityAccumulator::FidelityAccumulator(qint64 rowSize, bool scores, const QVector<qint64>& imageShape, double imagePeak)
    : m_rowSize(rowSize), m_scores(scores), m_imageShape(imageShape), m_imagePeak(imagePeak)
{
}

void FidelityAccumulator::add(const float* out, const float* ref, qint64 n)
{
    const bool images = m_imageShape.size() == 3;
    if (images && m_imagePeak <= 0 && n > 0) {
        const auto [lo, hi] = std::minmax_element(ref, ref + n * m_rowSize);
        m_imagePeak = metrics::imagePeakFor(*lo, *hi);
    }
    for (qint64 i = 0; i < n; ++i) {
        const float* o = out + i * m_rowSize;
        const float* r = ref + i * m_rowSize;
        double dot = 0, oo = 0, rr = 0, err2 = 0;
        for (qint64 j = 0; j < m_rowSize; ++j) {
            const double a = o[j];
            const double b = r[j];
            const double e = a - b;
            dot += a * b;
            oo += a * a;
            rr += b * b;
            err2 += e * e;
            m_sumAbsErr += std::abs(e);
            m_sumAbsRef += std::abs(b);
            if (!(std::abs(e) <= m_maxAbs)) // NaN propagates
                m_maxAbs = std::abs(e);
            if (m_samples == 0 && i == 0 && j == 0) {
                m_refMin = m_refMax = b;
            } else {
                m_refMin = std::min(m_refMin, b);
                m_refMax = std::max(m_refMax, b);
            }
        }
        m_sumErr2 += err2;
        m_sumRef2 += rr;
        double cosine;
        if (oo == 0 && rr == 0)
            cosine = 1;
        else if (oo == 0 || rr == 0)
            cosine = 0;
        else
            cosine = dot / std::sqrt(oo * rr);
        m_cosineSum += cosine;
        if (m_samples == 0 && i == 0)
            m_cosineMin = cosine;
        else
            m_cosineMin = std::min(m_cosineMin, cosine);
        if (m_scores && ClassificationAccumulator::argmax(o, int(m_rowSize)) == ClassificationAccumulator::argmax(r, int(m_rowSize)))
            ++m_agree;
        if (images) {
            const double mse = err2 / double(m_rowSize);
            m_imagePsnrSum += std::min(kMaxImagePsnr, metrics::psnrDb(mse, m_imagePeak));
            const qint64 plane = m_imageShape[1] * m_imageShape[2];
            for (qint64 c = 0; c < m_imageShape[0]; ++c) {
                m_ssimSum += metrics::ssim(o + c * plane, r + c * plane, int(m_imageShape[1]), int(m_imageShape[2]), m_imagePeak);
                ++m_ssimCount;
            }
        }
    }
    m_samples += n;
}

FidelityMetrics FidelityAccumulator::result() const
{
    FidelityMetrics f;
    f.samples = m_samples;
    f.elements = m_samples * m_rowSize;
    if (m_samples == 0)
        return f;
    const double count = double(f.elements);
    f.cosine = m_cosineSum / double(m_samples);
    f.cosineMin = m_cosineMin;
    f.sqnrDb = m_sumErr2 == 0 ? kInf : (m_sumRef2 == 0 ? -kInf : 10.0 * std::log10(m_sumRef2 / m_sumErr2));
    f.mse = m_sumErr2 / count;
    f.psnrPeak = m_refMax - m_refMin;
    f.psnrDb = f.psnrPeak > 0 ? metrics::psnrDb(f.mse, f.psnrPeak) : std::numeric_limits<double>::quiet_NaN();
    f.meanAbs = m_sumAbsErr / count;
    f.meanRel = m_sumAbsRef > 0 ? m_sumAbsErr / m_sumAbsRef : (m_sumAbsErr == 0 ? 0.0 : kInf);
    f.maxAbs = m_maxAbs;
    if (m_scores)
        f.top1Agreement = double(m_agree) / double(m_samples);
    if (m_imageShape.size() == 3) {
        f.imagePeak = m_imagePeak;
        f.imagePsnrDb = m_imagePsnrSum / double(m_samples);
        if (m_ssimCount > 0)
            f.ssim = m_ssimSum / double(m_ssimCount);
    }
    return f;
}

// ---- image metrics ------------------------------------------------------------------------

namespace metrics {

double psnrDb(double mse, double peak)
{
    if (mse == 0)
        return kInf;
    return 10.0 * std::log10(peak * peak / mse);
}

double imagePeakFor(double lo, double hi)
{
    if (lo >= -0.05 && hi <= 1.05)
        return 1.0;
    if (lo >= -0.05 * 255 && hi <= 1.05 * 255)
        return 255.0;
    return hi > lo ? hi - lo : 1.0;
}

double ssim(const float* a, const float* b, int height, int width, double peak)
{
    const int win = std::max(1, std::min({11, height, width}));
    const double sigma = 1.5;
    std::vector<double> w(size_t(win), 0.0);
    double total = 0;
    for (int k = 0; k < win; ++k) {
        const double d = k - (win - 1) / 2.0;
        w[size_t(k)] = std::exp(-d * d / (2 * sigma * sigma));
        total += w[size_t(k)];
    }
    for (double& x : w)
        x /= total;
    const int ow = width - win + 1;
    const int oh = height - win + 1;
    // Five maps filtered along rows, then along columns: E[a], E[b], E[a^2], E[b^2], E[ab].
    std::vector<double> rows(size_t(5) * height * ow, 0.0);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < ow; ++x) {
            double s[5] = {0, 0, 0, 0, 0};
            for (int k = 0; k < win; ++k) {
                const double va = a[qint64(y) * width + x + k];
                const double vb = b[qint64(y) * width + x + k];
                const double wk = w[size_t(k)];
                s[0] += wk * va;
                s[1] += wk * vb;
                s[2] += wk * va * va;
                s[3] += wk * vb * vb;
                s[4] += wk * va * vb;
            }
            for (int m = 0; m < 5; ++m)
                rows[(size_t(m) * height + y) * ow + x] = s[m];
        }
    }
    const double c1 = (0.01 * peak) * (0.01 * peak);
    const double c2 = (0.03 * peak) * (0.03 * peak);
    double sum = 0;
    for (int y = 0; y < oh; ++y) {
        for (int x = 0; x < ow; ++x) {
            double s[5] = {0, 0, 0, 0, 0};
            for (int k = 0; k < win; ++k)
                for (int m = 0; m < 5; ++m)
                    s[m] += w[size_t(k)] * rows[(size_t(m) * height + y + k) * ow + x];
            const double ma = s[0], mb = s[1];
            const double va = s[2] - ma * ma, vb = s[3] - mb * mb, cov = s[4] - ma * mb;
            sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        }
    }
    return sum / (double(oh) * ow);
}

} // namespace metrics

} // namespace qs
