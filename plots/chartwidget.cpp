// SPDX-License-Identifier: GPL-3.0-or-later
#include "chartwidget.h"

#include "plots/chartpalette.h"

#include <qcustomplot.h>

#include <QtGui/QContextMenuEvent>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QStackedLayout>
#include <QtWidgets/QToolTip>

namespace qs::plots {

ChartWidget::ChartWidget(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_emptyLabel(new QLabel(this)), m_replotTimer(new QTimer(this))
{
    m_replotTimer->setSingleShot(true);
    m_replotTimer->setInterval(replotIntervalMs());
    connect(m_replotTimer, &QTimer::timeout, this, &ChartWidget::scheduledReplot);
    auto* layout = new QStackedLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_emptyLabel);
    layout->addWidget(m_plot);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->setText(tr("Nothing to show yet."));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
    m_plot->setMouseTracking(true);
    m_plot->setContextMenuPolicy(Qt::NoContextMenu);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ChartWidget::showToolTip);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetZoom(); });
    // A user who zooms or drags wants to look at that spot: stop following new data there.
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        if (e->buttons() & Qt::LeftButton)
            m_follow = false;
    });
    // A layout-dependent chart drawn with another axis rect than its rescale() saw (first show,
    // tick labels of another width) is rescaled and drawn once more.
    connect(m_plot, &QCustomPlot::afterReplot, this, [this] {
        // At most twice in a row: new ranges can change tick labels and so the rect again.
        if (m_layoutDependent && m_follow && !m_empty && m_plot->axisRect() && m_plot->axisRect()->rect().size() != m_rescaledFor
            && m_relayouts++ < 2)
            scheduleReplot();
    });
    setMinimumSize(240, 160);
    applyPalette();
}

void ChartWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    m_relayouts = 0;
    if (m_layoutDependent && m_follow)
        scheduleReplot();
}

ChartWidget::~ChartWidget() = default;

void ChartWidget::setTitle(const QString& title)
{
    m_title = title;
    setAccessibleName(title);
}

void ChartWidget::setEmptyText(const QString& text)
{
    m_emptyLabel->setText(text);
}

void ChartWidget::setEmpty(bool empty)
{
    m_empty = empty;
    m_relayouts = 0; // new data: its layout may settle anew
    static_cast<QStackedLayout*>(layout())->setCurrentWidget(empty ? static_cast<QWidget*>(m_emptyLabel) : m_plot);
}

void ChartWidget::resetZoom()
{
    m_follow = true;
    prepareReplot();
    rescale();
    m_plot->replot();
}

void ChartWidget::scheduleReplot()
{
    if (!m_replotTimer->isActive())
        m_replotTimer->start(replotIntervalMs());
}

void ChartWidget::scheduledReplot()
{
    // Charts scheduled together (a live view's three) would otherwise redraw back to back in one
    // pass of the event loop: a redraw that follows another within a few milliseconds waits a
    // little, so input and timers get their turn in between.
    static QElapsedTimer clock;
    static qint64 lastEndMs = std::numeric_limits<int>::min();
    if (!clock.isValid())
        clock.start();
    if (clock.elapsed() - lastEndMs < 6) {
        m_replotTimer->start(8);
        return;
    }
    replotNow();
    lastEndMs = clock.elapsed();
}

void ChartWidget::replotNow()
{
    m_replotTimer->stop();
    bringUpToDate();
    m_plot->replot();
}

void ChartWidget::rescale()
{
    m_plot->rescaleAxes();
}

QString ChartWidget::toolTipAt(const QPoint&) const
{
    return {};
}

void ChartWidget::showToolTip(QMouseEvent* event)
{
    const QString text = toolTipAt(event->pos());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void ChartWidget::applyPalette()
{
    const QPalette pal = palette();
    const QColor text = textColor(pal);
    m_plot->setBackground(backgroundColor(pal));
    for (QCPAxisRect* rect : m_plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            axis->setBasePen(QPen(text));
            axis->setTickPen(QPen(text));
            axis->setSubTickPen(QPen(text));
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->grid()->setPen(QPen(gridColor(pal), 0, Qt::DotLine));
            axis->grid()->setZeroLinePen(QPen(gridColor(pal)));
        }
    }
    if (m_plot->legend) {
        m_plot->legend->setBrush(QBrush(backgroundColor(pal)));
        m_plot->legend->setTextColor(text);
        m_plot->legend->setBorderPen(QPen(gridColor(pal)));
    }
    for (int i = 0; i < m_plot->plotLayout()->elementCount(); ++i) {
        if (auto* t = qobject_cast<QCPTextElement*>(m_plot->plotLayout()->elementAt(i)))
            t->setTextColor(text);
    }
    scheduleReplot();
}

void ChartWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyPalette();
    QWidget::changeEvent(event);
}

void ChartWidget::contextMenuEvent(QContextMenuEvent* event)
{
    if (m_empty)
        return;
    QMenu menu(this);
    menu.addAction(tr("Reset zoom"), this, &ChartWidget::resetZoom);
    menu.addSeparator();
    const QString base = m_title.isEmpty() ? QStringLiteral("chart") : m_title.toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
    menu.addAction(tr("Save as PNG…"), this, [this, base] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save chart"), base + QLatin1String(".png"), tr("PNG images (*.png)"));
        if (!path.isEmpty() && !savePng(path))
            QMessageBox::warning(this, tr("Save chart"), tr("Could not write %1.").arg(path));
    });
    menu.addAction(tr("Save as PDF…"), this, [this, base] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save chart"), base + QLatin1String(".pdf"), tr("PDF files (*.pdf)"));
        if (!path.isEmpty() && !savePdf(path))
            QMessageBox::warning(this, tr("Save chart"), tr("Could not write %1.").arg(path));
    });
    menu.exec(event->globalPos());
}

void ChartWidget::bringUpToDate()
{
    prepareReplot();
    if (m_follow) {
        if (m_plot->axisRect())
            m_rescaledFor = m_plot->axisRect()->rect().size();
        rescale();
    }
}

bool ChartWidget::savePng(const QString& path, int width, int height, double scale)
{
    bringUpToDate();
    return m_plot->savePng(path, width, height, scale);
}

bool ChartWidget::savePdf(const QString& path, int width, int height)
{
    bringUpToDate();
    return m_plot->savePdf(path, width, height);
}

QByteArray ChartWidget::toPng(int width, int height, double scale)
{
    bringUpToDate();
    const QPixmap pm = m_plot->toPixmap(width, height, scale);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    pm.save(&buffer, "PNG");
    return bytes;
}

} // namespace qs::plots
