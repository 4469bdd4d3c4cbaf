#include "ui/statpanel.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/fieldformat.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/namepattern.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/severitycolors.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QTimer>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace Sightline {

namespace {

constexpr int kFrameMs = 250;
constexpr int kFramesPerSecond = 1000 / kFrameMs;
constexpr int kMargin = 6; // around the grid
constexpr int kSpacing = 4; // between cards (the cards' own inset adds to it)
constexpr int kCardInset = 3;
constexpr qreal kCardRadius = 6;
constexpr int kPaddingX = 10; // inside a card
constexpr int kPaddingY = 7;
constexpr int kMinCardWidth = 190;
// A value is "old" past this many of the device's usual intervals (or
// kOldWithoutIntervalMs while the interval is unknown).
constexpr int kOldAfterIntervals = 3;
constexpr qint64 kOldWithoutIntervalMs = 10'000;

QString cardKey(const QString &deviceId, const QString &field)
{
    return deviceId + QLatin1Char('\n') + field;
}

// Decimals a value needs to read right; formatFieldValue() picks them per
// value, the panel keeps the most any value of the field needed so the cards
// of one field do not read "41°C" beside "46.1°C" (issue 14, item 4).
int decimalsNeeded(double value)
{
    const double magnitude = std::fabs(value);
    if (!std::isfinite(value) || magnitude >= 1000 || value == std::floor(value))
        return 0;
    return magnitude < 1 ? 3 : 1;
}

bool isWorse(Severity a, Severity b)
{
    return static_cast<int>(a) > static_cast<int>(b);
}

// Min/max per pixel column: what one column of the sparkline shows, however
// many points fall into it (first and last keep the line continuous).
struct Column
{
    double first = 0;
    double last = 0;
    double min = 0;
    double max = 0;
    bool minFirst = true;
    qint64 firstMs = 0;
    qint64 lastMs = 0;
    bool used = false;
};

} // namespace

StatPanel::StatPanel(SeriesStore *store, LatestValuesModel *latest, AlertTableModel *alerts,
    WorkspaceTime *time, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_store(store)
    , m_latest(latest)
    , m_alerts(alerts)
    , m_time(time)
    , m_frameTimer(new QTimer(this))
{
    setFrameShape(QFrame::NoFrame);
    setAccessibleName(tr("Latest values with sparklines"));
    viewport()->setBackgroundRole(QPalette::Window);
    viewport()->setMouseTracking(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    connect(m_store, &SeriesStore::pointsAdded, this,
        [this](const QString &deviceId) { markDevice(deviceId); });
    connect(m_store, &SeriesStore::fieldsChanged, this, [this] { m_cardsStale = true; });

    connect(m_latest, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
                markDevice(m_latest->index(row).data(LatestValuesModel::DeviceIdRole).toString());
        });
    connect(m_latest, &QAbstractItemModel::rowsInserted, this, [this] { m_cardsStale = true; });
    connect(m_latest, &QAbstractItemModel::rowsRemoved, this, [this] { m_cardsStale = true; });
    connect(m_latest, &QAbstractItemModel::modelReset, this, [this] { m_cardsStale = true; });

    const auto alertsChanged = [this] { m_alertsStale = true; };
    connect(m_alerts, &QAbstractItemModel::dataChanged, this, alertsChanged);
    connect(m_alerts, &QAbstractItemModel::rowsInserted, this, alertsChanged);
    connect(m_alerts, &QAbstractItemModel::rowsRemoved, this, alertsChanged);
    connect(m_alerts, &QAbstractItemModel::modelReset, this, alertsChanged);
    connect(m_alerts, &QAbstractItemModel::layoutChanged, this, alertsChanged);

    connect(m_time, &WorkspaceTime::rangeChanged, this, &StatPanel::markAll);
    connect(m_time, &WorkspaceTime::pausedChanged, this, &StatPanel::markAll);

    m_frameTimer->setInterval(kFrameMs);
    connect(m_frameTimer, &QTimer::timeout, this, &StatPanel::frameTick);

    updateFonts();
    refreshAlerts();
    syncCards();
}

StatPanel::~StatPanel() = default;

void StatPanel::setDevicePatterns(const QStringList &patterns)
{
    if (patterns == m_devicePatterns)
        return;
    m_devicePatterns = patterns;
    syncCards();
}

void StatPanel::setFieldPatterns(const QStringList &patterns)
{
    if (patterns == m_fieldPatterns)
        return;
    m_fieldPatterns = patterns;
    syncCards();
}

QRect StatPanel::cardRect(const QString &deviceId, const QString &field) const
{
    const Card *card = findCard(deviceId, field);
    return card ? card->rect.translated(-contentOffset() + viewport()->geometry().topLeft())
                : QRect();
}

QSize StatPanel::sizeHint() const
{
    const int width = 2 * kMargin + 3 * minimumCardWidth() + 2 * kSpacing;
    return QSize(width, 2 * kMargin + cardHeight());
}

QSize StatPanel::minimumSizeHint() const
{
    // Smaller than one card: the panel scrolls rather than squeezing it.
    return QSize(minimumCardWidth() / 2, cardHeight() / 2);
}

// --- which cards ---------------------------------------------------------

QStringList StatPanel::shownDevices() const
{
    QStringList devices = m_store->devices();
    for (int row = 0; row < m_latest->rowCount(); ++row) {
        const QString device
            = m_latest->index(row).data(LatestValuesModel::DeviceIdRole).toString();
        if (devices.isEmpty() || devices.constLast() != device)
            devices.append(device);
    }
    devices.removeDuplicates();
    std::sort(devices.begin(), devices.end());
    return filterByNamePatterns(m_devicePatterns, devices);
}

QStringList StatPanel::shownFields(const QString &deviceId) const
{
    QStringList fields = m_store->fields(deviceId);
    for (int row = 0; row < m_latest->rowCount(); ++row) {
        const QModelIndex index = m_latest->index(row);
        if (index.data(LatestValuesModel::DeviceIdRole).toString() == deviceId)
            fields.append(index.data(LatestValuesModel::FieldRole).toString());
    }
    fields.removeDuplicates();
    std::sort(fields.begin(), fields.end());
    return filterByNamePatterns(m_fieldPatterns, fields);
}

// Devices and fields come from two stores that say different things when
// they change (and SeriesStore::removeDevice()/clear() say nothing), so the
// cards are compared against both on every change and once a second.
void StatPanel::syncCards()
{
    m_cardsStale = false;
    QSet<QString> known;
    const QStringList allDevices = m_store->devices();
    for (const QString &device : allDevices)
        known.insert(device);
    for (int row = 0; row < m_latest->rowCount(); ++row)
        known.insert(m_latest->index(row).data(LatestValuesModel::DeviceIdRole).toString());
    m_knownDevices = known;

    std::vector<std::pair<QString, QString>> wanted;
    const QStringList devices = shownDevices();
    for (const QString &device : devices) {
        const QStringList fields = shownFields(device);
        for (const QString &field : fields)
            wanted.emplace_back(device, field);
    }
    const bool same = wanted.size() == m_cards.size()
        && std::equal(
            wanted.begin(), wanted.end(), m_cards.begin(), [](const auto &key, const Card &card) {
                return key.first == card.deviceId && key.second == card.field;
            });
    if (same)
        return;

    QHash<QString, Card> previous;
    for (Card &card : m_cards)
        previous.insert(cardKey(card.deviceId, card.field), std::move(card));
    m_cards.clear();
    m_cardsOfDevice.clear();
    m_cards.reserve(wanted.size());
    for (const auto &[device, field] : wanted) {
        Card card = previous.take(cardKey(device, field));
        card.deviceId = device;
        card.field = field;
        card.needsRepaint = true;
        m_cardsOfDevice[device].append(static_cast<int>(m_cards.size()));
        m_cards.push_back(std::move(card));
    }
    m_pressedCard = -1;
    relayout();
    viewport()->update();
}

// --- layout --------------------------------------------------------------

int StatPanel::minimumCardWidth() const
{
    // Room for a five-digit value with its unit beside an age.
    const qreal value = m_bigMetrics.horizontalAdvance(QStringLiteral("00,000.0 mW"));
    const qreal age = m_smallMetrics.horizontalAdvance(QStringLiteral("59 min ago"));
    return std::max(
        kMinCardWidth, static_cast<int>(std::ceil(value + age)) + 2 * (kPaddingX + kCardInset) + 6);
}

int StatPanel::cardHeight() const
{
    const qreal text = m_titleMetrics.height() + m_smallMetrics.height() + m_bigMetrics.height();
    const qreal plot = std::max<qreal>(34, 2.6 * m_smallMetrics.height());
    return static_cast<int>(std::ceil(text + plot)) + 2 * (kPaddingY + kCardInset) + 6;
}

QRect StatPanel::plotRect(const QRect &cardRect) const
{
    const QRect inner = cardRect.adjusted(kCardInset + kPaddingX, kCardInset + kPaddingY,
        -kCardInset - kPaddingX, -kCardInset - kPaddingY);
    const int top = inner.top()
        + static_cast<int>(
            std::ceil(m_titleMetrics.height() + m_smallMetrics.height() + m_bigMetrics.height()))
        + 6;
    return QRect(inner.left(), top, inner.width(), inner.bottom() - top + 1);
}

void StatPanel::relayout()
{
    const int minWidth = minimumCardWidth();
    const int height = cardHeight();
    const int width = std::max(viewport()->width(), minWidth + 2 * kMargin);
    const int columns = std::max(1, (width - 2 * kMargin + kSpacing) / (minWidth + kSpacing));
    const int cardWidth = (width - 2 * kMargin - (columns - 1) * kSpacing) / columns;
    const int count = cardCount();
    for (int i = 0; i < count; ++i) {
        Card &card = m_cards[static_cast<std::size_t>(i)];
        const int row = i / columns;
        const int column = i % columns;
        card.rect = QRect(kMargin + column * (cardWidth + kSpacing),
            kMargin + row * (height + kSpacing), cardWidth, height);
    }
    const int rows = (count + columns - 1) / columns;
    m_contentSize
        = QSize(width, rows == 0 ? 0 : 2 * kMargin + rows * height + (rows - 1) * kSpacing);
    updateScrollBars();
}

void StatPanel::updateScrollBars()
{
    const QSize area = viewport()->size();
    verticalScrollBar()->setRange(0, std::max(0, m_contentSize.height() - area.height()));
    verticalScrollBar()->setPageStep(area.height());
    verticalScrollBar()->setSingleStep(std::max(1, cardHeight() / 4));
    horizontalScrollBar()->setRange(0, std::max(0, m_contentSize.width() - area.width()));
    horizontalScrollBar()->setPageStep(area.width());
    horizontalScrollBar()->setSingleStep(20);
}

QPoint StatPanel::contentOffset() const
{
    return QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value());
}

int StatPanel::cardIndexAt(const QPoint &viewportPos) const
{
    const QPoint pos = viewportPos + contentOffset();
    for (std::size_t i = 0; i < m_cards.size(); ++i)
        if (m_cards[i]
                .rect.adjusted(kCardInset, kCardInset, -kCardInset, -kCardInset)
                .contains(pos))
            return static_cast<int>(i);
    return -1;
}

// --- what changed ----------------------------------------------------------

void StatPanel::markDevice(const QString &deviceId)
{
    const auto it = m_cardsOfDevice.constFind(deviceId);
    if (it == m_cardsOfDevice.constEnd()) {
        if (!m_knownDevices.contains(deviceId))
            m_cardsStale = true;
        return;
    }
    for (const int index : *it) {
        Card &card = m_cards[static_cast<std::size_t>(index)];
        card.needsRepaint = true;
        card.sparklineStale = true;
    }
}

void StatPanel::markAll()
{
    for (Card &card : m_cards)
        card.needsRepaint = true;
}

// The thresholds of every firing alert by device and field; cards whose
// alerts changed repaint (and re-scale: a threshold is part of the y range).
void StatPanel::refreshAlerts()
{
    m_alertsStale = false;
    QHash<QString, QList<Threshold>> firing;
    for (int row = 0; row < m_alerts->rowCount(); ++row) {
        const AlertEvent alert = m_alerts->alertAt(row);
        if (alert.state != AlertEvent::State::Firing || alert.field.isEmpty())
            continue;
        QList<Threshold> &thresholds = firing[cardKey(alert.deviceId, alert.field)];
        const Threshold threshold { alert.threshold, alert.severity };
        if (!thresholds.contains(threshold))
            thresholds.append(threshold);
    }
    if (firing == m_firing)
        return;
    for (Card &card : m_cards) {
        const QString key = cardKey(card.deviceId, card.field);
        if (firing.value(key) != m_firing.value(key)) {
            card.needsRepaint = true;
            card.sparklineStale = true;
        }
    }
    m_firing = std::move(firing);
}

void StatPanel::frameTick()
{
    if (m_alertsStale)
        refreshAlerts();
    ++m_tick;
    if (m_tick % kFramesPerSecond == 0) {
        // Once a second: devices may have gone without a signal, the live
        // window moves (every sparkline), and ages grow (old values).
        m_cardsStale = true;
        if (m_time->isFollowing()) {
            markAll();
        } else {
            const qint64 now = m_time->now();
            for (Card &card : m_cards)
                if (card.oldAtMs > 0 && now > card.oldAtMs)
                    card.needsRepaint = true;
        }
    }
    if (m_cardsStale)
        syncCards();
    const QPoint offset = contentOffset();
    const QRect visible = viewport()->rect();
    for (Card &card : m_cards) {
        if (!card.needsRepaint)
            continue;
        card.needsRepaint = false;
        const QRect rect = card.rect.translated(-offset);
        if (rect.intersects(visible))
            viewport()->update(rect);
    }
}

// --- events --------------------------------------------------------------

void StatPanel::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::StyleChange:
        updateFonts();
        relayout();
        viewport()->update();
        break;
    case QEvent::PaletteChange:
        // The card backgrounds are cached per palette colour; the rest is
        // drawn from palette() on every paint.
        viewport()->update();
        break;
    default:
        break;
    }
}

void StatPanel::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void StatPanel::scrollContentsBy(int dx, int dy)
{
    viewport()->scroll(dx, dy);
}

void StatPanel::showEvent(QShowEvent *event)
{
    QAbstractScrollArea::showEvent(event);
    m_frameTimer->start();
    // Hidden (a tab behind another dock) nothing was drawn: catch up.
    refreshAlerts();
    syncCards();
    markAll();
}

void StatPanel::hideEvent(QHideEvent *event)
{
    QAbstractScrollArea::hideEvent(event);
    m_frameTimer->stop();
}

void StatPanel::mousePressEvent(QMouseEvent *event)
{
    m_pressedCard
        = event->button() == Qt::LeftButton ? cardIndexAt(event->position().toPoint()) : -1;
    event->accept();
}

void StatPanel::mouseReleaseEvent(QMouseEvent *event)
{
    const int card = cardIndexAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && card >= 0 && card == m_pressedCard)
        Q_EMIT deviceActivated(m_cards[static_cast<std::size_t>(card)].deviceId);
    m_pressedCard = -1;
    event->accept();
}

void StatPanel::mouseMoveEvent(QMouseEvent *event)
{
    if (cardIndexAt(event->position().toPoint()) >= 0)
        viewport()->setCursor(Qt::PointingHandCursor);
    else
        viewport()->unsetCursor();
}

bool StatPanel::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int index = cardIndexAt(help->pos());
        if (index >= 0) {
            const Card &card = m_cards[static_cast<std::size_t>(index)];
            QToolTip::showText(help->globalPos(), cardText(card.deviceId, card.field), viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

// --- painting ------------------------------------------------------------

void StatPanel::updateFonts()
{
    const QFont base = font();
    if (m_base && *m_base == base)
        return;
    m_base = base;
    m_small = base;
    m_small.setPointSizeF(base.pointSizeF() * 0.9);
    m_title = base;
    m_title.setWeight(QFont::DemiBold);
    m_big = base;
    m_big.setPointSizeF(base.pointSizeF() * 1.7);
    m_big.setWeight(QFont::DemiBold);
    m_smallMetrics = QFontMetricsF(m_small);
    m_titleMetrics = QFontMetricsF(m_title);
    m_bigMetrics = QFontMetricsF(m_big);
    m_deviceTexts.clear();
    m_labelTexts.clear();
}

void StatPanel::paintEvent(QPaintEvent *event)
{
    QPainter painter(viewport());
    if (m_cards.empty()) {
        paintEmptyState(painter);
        return;
    }
    const QPoint offset = contentOffset();
    const QRegion exposed = event->region().translated(offset);
    painter.translate(-offset);
    for (Card &card : m_cards) {
        if (!exposed.intersects(card.rect))
            continue;
        paintCard(painter, card);
        // Drawn whole as it is now: the next frame can skip it.
        if (QRegion(card.rect).subtracted(exposed).isEmpty())
            card.needsRepaint = false;
    }
}

void StatPanel::paintEmptyState(QPainter &painter)
{
    painter.setPen(palette().color(QPalette::PlaceholderText));
    const QString text = m_knownDevices.isEmpty() ? tr("Waiting for data")
                                                  : tr("No device and field match this panel");
    painter.drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
}

// Cards repaint with every point of their device and every second while
// live, so a paint is kept cheap: the card's background is a cached pixmap, names and labels are laid out once, text
// is drawn at computed baselines, and the sparkline is decimated to one
// or two points per pixel column only when its data or range moved.
void StatPanel::paintCard(QPainter &painter, Card &card)
{
    const QPalette &pal = palette();
    const QList<Threshold> thresholds = m_firing.value(cardKey(card.deviceId, card.field));
    std::optional<Severity> severity;
    for (const Threshold &threshold : thresholds)
        if (!severity || isWorse(threshold.severity, *severity))
            severity = threshold.severity;

    painter.drawPixmap(card.rect.topLeft(),
        background(card.rect.size(), painter.device()->devicePixelRatioF(), severity));

    const QRectF inner = QRectF(card.rect).adjusted(kCardInset + kPaddingX, kCardInset + kPaddingY,
        -kCardInset - kPaddingX, -kCardInset - kPaddingY);
    qreal y = inner.top();

    const Value value = latestValue(card);
    card.oldAtMs = value.oldAtMs;

    // Device and field: laid out once per text and width.
    const auto laidOut
        = [](QHash<QString, QStaticText> &cache, const QString &text, const QFont &font,
              const QFontMetricsF &metrics, qreal width) -> const QStaticText & {
        auto it = cache.find(text);
        if (it == cache.end() || it->textWidth() != width) {
            QStaticText staticText(metrics.elidedText(text, Qt::ElideRight, width));
            staticText.setTextFormat(Qt::PlainText);
            staticText.setTextWidth(width);
            staticText.prepare(QTransform(), font);
            it = cache.insert(text, staticText);
        }
        return *it;
    };
    painter.setFont(m_title);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawStaticText(inner.topLeft(),
        laidOut(m_deviceTexts, card.deviceId, m_title, m_titleMetrics, inner.width()));
    y += m_titleMetrics.height();
    painter.setFont(m_small);
    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawStaticText(QPointF(inner.left(), y),
        laidOut(m_labelTexts, fieldLabel(card.field), m_small, m_smallMetrics, inner.width()));
    y += m_smallMetrics.height();

    // The value, big, in the alert's colour while one fires; its age beside it.
    const qreal baseline = y + m_bigMetrics.ascent();
    qreal valueWidth = inner.width();
    if (!value.age.isEmpty()) {
        const qreal ageWidth = m_smallMetrics.horizontalAdvance(value.age);
        painter.drawText(QPointF(inner.right() - ageWidth, baseline), value.age);
        valueWidth -= ageWidth + 6;
    }
    painter.setFont(m_big);
    painter.setPen(severity ? toneColor(toneFor(*severity), pal)
                            : pal.color(value.value ? QPalette::Text : QPalette::PlaceholderText));
    painter.drawText(QPointF(inner.left(), baseline),
        m_bigMetrics.elidedText(value.text, Qt::ElideRight, valueWidth));

    // The sparkline of the workspace's range.
    const QRect plot = plotRect(card.rect);
    if (plot.width() < 2 || plot.height() < 2)
        return;
    prepareSparkline(card, plot.size(), thresholds);
    painter.save();
    painter.translate(plot.topLeft());
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor line = pal.color(QPalette::Highlight);
    QColor area = line;
    area.setAlphaF(isDarkPalette(pal) ? 0.28f : 0.18f);
    painter.setPen(Qt::NoPen);
    painter.setBrush(area);
    for (const QPolygonF &polygon : std::as_const(card.areas))
        painter.drawPolygon(polygon);
    // One pixel wide: the raster engine's fast path for lines (a wider pen
    // goes through the stroker, ten times the cost for a busy day of data).
    painter.setPen(QPen(line, 1));
    painter.setBrush(line);
    for (const QPolygonF &run : std::as_const(card.runs)) {
        if (run.size() == 1)
            painter.drawEllipse(run.constFirst(), 2, 2); // a lone point between gaps
        else
            painter.drawPolyline(run);
    }
    for (qsizetype i = 0; i < card.thresholdYs.size() && i < thresholds.size(); ++i) {
        painter.setPen(QPen(toneColor(toneFor(thresholds.at(i).severity), pal), 1, Qt::DashLine));
        painter.drawLine(
            QPointF(0, card.thresholdYs.at(i)), QPointF(plot.width(), card.thresholdYs.at(i)));
    }
    painter.restore();
}

// Decimates the samples of the workspace's range to the plot's pixel
// columns: per column the first, lowest, highest and last value (at most
// four points, whatever the number of samples), so a sparkline costs one
// polyline and one simple polygon per stretch of data however long the
// range. Redone only when points arrived, the thresholds changed, or the
// range moved by a pixel.
void StatPanel::prepareSparkline(Card &card, QSize plotSize, const QList<Threshold> &thresholds)
{
    const qint64 fromMs = m_time->fromMs();
    const qint64 spanMs = std::max<qint64>(1, m_time->toMs() - fromMs);
    const double msPerPixel = static_cast<double>(spanMs) / plotSize.width();
    if (!card.sparklineStale && plotSize == card.preparedPlotSize && spanMs == card.preparedSpanMs
        && std::abs(fromMs - card.preparedFromMs) < msPerPixel)
        return;
    card.sparklineStale = false;
    card.preparedPlotSize = plotSize;
    card.preparedSpanMs = spanMs;
    card.preparedFromMs = fromMs;
    card.runs.clear();
    card.areas.clear();
    card.thresholdYs.clear();

    const QList<Sample> samples
        = m_store->samples(card.deviceId, card.field, fromMs, fromMs + spanMs);
    const int width = plotSize.width();
    std::vector<Column> columns(static_cast<std::size_t>(width));
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const Sample &sample : samples) {
        if (!std::isfinite(sample.value))
            continue;
        const int x
            = std::clamp(static_cast<int>((sample.tMs - fromMs) / msPerPixel), 0, width - 1);
        Column &column = columns[static_cast<std::size_t>(x)];
        if (!column.used) {
            column = Column { sample.value, sample.value, sample.value, sample.value, true,
                sample.tMs, sample.tMs, true };
        } else {
            if (sample.value < column.min) {
                column.min = sample.value;
                column.minFirst = false;
            }
            if (sample.value > column.max) {
                column.max = sample.value;
                column.minFirst = true;
            }
            column.last = sample.value;
            column.lastMs = sample.tMs;
        }
        lo = std::min(lo, sample.value);
        hi = std::max(hi, sample.value);
    }
    if (!std::isfinite(lo))
        return;
    // The thresholds are part of the scale: the line shows how close it runs.
    for (const Threshold &threshold : thresholds) {
        lo = std::min(lo, threshold.value);
        hi = std::max(hi, threshold.value);
    }
    if (hi - lo < 1e-9) {
        const double pad = std::max(1.0, std::fabs(hi) * 0.05);
        lo -= pad;
        hi += pad;
    }
    // Points sit on pixel centres, so a flat stretch is one crisp row.
    const double top = 2;
    const double usable = plotSize.height() - 4.0;
    const auto yOf
        = [&](double v) { return std::floor(top + (hi - v) / (hi - lo) * usable) + 0.5; };
    const double bottom = plotSize.height();

    const qint64 gapMs = m_store->gapThresholdMs(card.deviceId);
    QPolygonF run;
    QPolygonF area; // under the highest value of each column: a simple polygon, cheap to fill
    qint64 previousMs = 0;
    const auto add = [&run](QPointF point) {
        if (run.isEmpty() || run.constLast() != point)
            run.append(point);
    };
    const auto endRun = [&] {
        if (run.size() > 1) {
            area << QPointF(area.constLast().x(), bottom) << QPointF(area.constFirst().x(), bottom);
            card.areas.append(area);
        }
        card.runs.append(run);
        run.clear();
        area.clear();
    };
    for (int x = 0; x < width; ++x) {
        const Column &column = columns[static_cast<std::size_t>(x)];
        if (!column.used)
            continue;
        if (!run.isEmpty() && gapMs > 0 && column.firstMs - previousMs > gapMs)
            endRun();
        const qreal px = x + 0.5;
        area.append(QPointF(px, yOf(column.max)));
        add(QPointF(px, yOf(column.first)));
        add(QPointF(px, yOf(column.minFirst ? column.min : column.max)));
        add(QPointF(px, yOf(column.minFirst ? column.max : column.min)));
        add(QPointF(px, yOf(column.last)));
        previousMs = column.lastMs;
    }
    if (!run.isEmpty())
        endRun();
    for (const Threshold &threshold : thresholds)
        card.thresholdYs.append(yOf(threshold.value));
}

StatPanel::Value StatPanel::latestValue(const Card &card) const
{
    // From the latest-values model, or the device's newest point when that
    // model does not show the device (it may be limited to checked devices).
    Value result;
    const int row = m_latest->rowOf(card.deviceId, card.field);
    if (row >= 0) {
        const QModelIndex index = m_latest->index(row);
        result.value = index.data(LatestValuesModel::ValueRole).toDouble();
        result.tsMs = index.data(LatestValuesModel::TimestampRole).toLongLong();
    } else {
        const qint64 newest = m_store->newestMs(card.deviceId);
        const QList<Sample> tail
            = m_store->samples(card.deviceId, card.field, newest - kOldWithoutIntervalMs, newest);
        if (!tail.isEmpty()) {
            result.value = tail.constLast().value;
            result.tsMs = tail.constLast().tMs;
        }
    }
    if (!result.value) {
        result.text = tr("no data");
        return result;
    }
    result.text = formatValue(card.field, *result.value);
    const qint64 interval = m_store->typicalIntervalMs(card.deviceId);
    result.oldAtMs
        = result.tsMs + (interval > 0 ? kOldAfterIntervals * interval : kOldWithoutIntervalMs);
    const qint64 now = m_time->now();
    if (now > result.oldAtMs)
        result.age = formatAge(now - result.tsMs);
    return result;
}

const StatPanel::Card *StatPanel::findCard(const QString &deviceId, const QString &field) const
{
    for (const int index : m_cardsOfDevice.value(deviceId)) {
        const Card &card = m_cards[static_cast<std::size_t>(index)];
        if (card.field == field)
            return &card;
    }
    return nullptr;
}

QString StatPanel::cardText(const QString &deviceId, const QString &field) const
{
    const Card *card = findCard(deviceId, field);
    if (!card)
        return QString();
    const Value value = latestValue(*card);
    QStringList lines = { deviceId, fieldLabel(field), value.text };
    if (!value.age.isEmpty())
        lines.append(value.age);
    return lines.join(QLatin1Char('\n'));
}

QString StatPanel::formatValue(const QString &field, double value) const
{
    int &decimals = m_decimalsOfField[field];
    decimals = std::max(decimals, decimalsNeeded(value));
    const QString number = QLocale().toString(value, 'f', decimals);
    const QString unit = fieldUnit(field);
    if (unit.isEmpty())
        return number;
    // As formatFieldValue(): percent and degrees hug the number.
    if (unit == QLatin1String("%") || unit == QStringLiteral("°C"))
        return QString(number + unit);
    return QString(number + QLatin1Char(' ') + unit);
}

const QPixmap &StatPanel::background(QSize size, qreal dpr, const std::optional<Severity> &severity)
{
    const QPalette &pal = palette();
    QColor border = pal.color(QPalette::Mid);
    border.setAlphaF(0.5f);
    QColor fill = pal.color(QPalette::AlternateBase);
    int borderWidth = 1;
    if (severity) {
        const Tone tone = toneFor(*severity);
        border = toneColor(tone, pal);
        fill = toneBackground(tone, pal);
        borderWidth = 2;
    }
    for (const Background &cached : m_backgrounds) {
        if (cached.size == size && cached.dpr == dpr && cached.fill == fill.rgba()
            && cached.border == border.rgba() && cached.borderWidth == borderWidth)
            return cached.pixmap;
    }
    if (m_backgrounds.size() >= 8) // palette or size changes: start over
        m_backgrounds.clear();
    QPixmap pixmap(size * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal inset = kCardInset + borderWidth / 2.0;
    QPainterPath path;
    path.addRoundedRect(QRectF(QPointF(0, 0), QSizeF(size)).adjusted(inset, inset, -inset, -inset),
        kCardRadius, kCardRadius);
    p.fillPath(path, fill);
    p.setPen(QPen(border, borderWidth));
    p.drawPath(path);
    p.end();
    m_backgrounds.push_back(
        Background { size, dpr, fill.rgba(), border.rgba(), borderWidth, pixmap });
    return m_backgrounds.back().pixmap;
}

} // namespace Sightline
