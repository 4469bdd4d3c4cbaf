#include "ui/latestvaluetiles.h"

#include "telemetry/fieldformat.h"
#include "telemetry/latestvaluesmodel.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QStaticText>
#include <QStyledItemDelegate>
#include <QTimer>

#include <optional>
#include <utility>
#include <vector>

namespace Sightline {

namespace {

constexpr int kTileWidth = 156;
constexpr int kTileHeight = 68;
constexpr qreal kCardInset = 3;
constexpr qreal kCardRadius = 6;

class TileDelegate : public QStyledItemDelegate
{
public:
    TileDelegate(Clock clock, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_clock(std::move(clock))
    {
    }

    QSize sizeHint(const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        return QSize(kTileWidth, kTileHeight);
    }

    // Tiles repaint with every point of a shown device, so a paint is kept
    // cheap: the card (rounded rectangle and border) is a cached pixmap, the
    // fonts and the static label are kept between paints, and each line is
    // drawn at a computed baseline with no text layout; only the value and
    // the footer are shaped anew. (Stroking the antialiased border on every
    // paint, clipped to the view's many-rectangle update region, was half of
    // a tile's cost in bench/ui.)
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        updateFonts(option.font);
        const QPalette &pal = option.palette;
        const bool highlighted = option.state & (QStyle::State_Selected | QStyle::State_HasFocus);
        painter->save();
        painter->drawPixmap(option.rect.topLeft(), cardPixmap(option.rect.size(), pal, highlighted,
                                                              painter->device()->devicePixelRatioF()));

        const QRectF card = QRectF(option.rect).adjusted(kCardInset, kCardInset, -kCardInset, -kCardInset);
        const QRectF inner = card.adjusted(10, 6, -10, -6);
        painter->setFont(m_small);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawStaticText(inner.topLeft(), label(index.data(LatestValuesModel::LabelRole).toString(), inner.width()));
        const qint64 ts = index.data(LatestValuesModel::TimestampRole).toLongLong();
        const QString footer = QStringLiteral("%1 · %2").arg(index.data(LatestValuesModel::DeviceIdRole).toString(),
                                                             formatAge(ts > 0 ? std::max<qint64>(m_clock() - ts, 0) : -1));
        painter->drawText(QPointF(inner.left(), inner.bottom() - m_smallMetrics.descent()),
                          m_smallMetrics.elidedText(footer, Qt::ElideRight, inner.width()));

        painter->setFont(m_big);
        painter->setPen(pal.color(QPalette::Text));
        const qreal valueBaseline = inner.center().y() - m_bigMetrics.height() / 2 + m_bigMetrics.ascent();
        painter->drawText(QPointF(inner.left(), valueBaseline),
                          m_bigMetrics.elidedText(index.data(LatestValuesModel::FormattedValueRole).toString(),
                                                  Qt::ElideRight, inner.width()));
        painter->restore();
    }

private:
    struct Card
    {
        QSize size;
        qreal dpr = 1;
        QRgb fill = 0;
        QRgb border = 0;
        int borderWidth = 0;
        QPixmap pixmap;
    };

    const QPixmap &cardPixmap(QSize size, const QPalette &pal, bool highlighted, qreal dpr) const
    {
        QColor border = highlighted ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid);
        if (!highlighted)
            border.setAlphaF(0.5f);
        const QRgb fill = pal.color(QPalette::AlternateBase).rgba();
        const int borderWidth = highlighted ? 2 : 1;
        for (const Card &card : m_cards) {
            if (card.size == size && card.dpr == dpr && card.fill == fill && card.border == border.rgba()
                && card.borderWidth == borderWidth)
                return card.pixmap;
        }
        if (m_cards.size() >= 8) // palette or size changes: start over
            m_cards.clear();
        QPixmap pixmap(size * dpr);
        pixmap.setDevicePixelRatio(dpr);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        QPainterPath path;
        path.addRoundedRect(QRectF(QPointF(0, 0), QSizeF(size)).adjusted(kCardInset, kCardInset, -kCardInset, -kCardInset),
                            kCardRadius, kCardRadius);
        p.fillPath(path, QColor::fromRgba(fill));
        p.setPen(QPen(border, borderWidth));
        p.drawPath(path);
        p.end();
        m_cards.push_back(Card{size, dpr, fill, border.rgba(), borderWidth, pixmap});
        return m_cards.back().pixmap;
    }

    void updateFonts(const QFont &base) const
    {
        if (m_base && *m_base == base)
            return;
        m_base = base;
        m_small = base;
        m_small.setPointSizeF(base.pointSizeF() * 0.9);
        m_big = base;
        m_big.setPointSizeF(base.pointSizeF() * 1.6);
        m_big.setWeight(QFont::DemiBold);
        m_smallMetrics = QFontMetricsF(m_small);
        m_bigMetrics = QFontMetricsF(m_big);
        m_labels.clear();
    }

    // The field label, elided to the card, laid out once.
    const QStaticText &label(const QString &text, qreal width) const
    {
        auto it = m_labels.find(text);
        if (it == m_labels.end() || it->textWidth() != width) {
            QStaticText staticText(m_smallMetrics.elidedText(text, Qt::ElideRight, width));
            staticText.setTextFormat(Qt::PlainText);
            staticText.setTextWidth(width);
            staticText.prepare(QTransform(), m_small);
            it = m_labels.insert(text, staticText);
        }
        return *it;
    }

    Clock m_clock;
    mutable std::optional<QFont> m_base; // what m_small and m_big were made from
    mutable QFont m_small;
    mutable QFont m_big;
    mutable QFontMetricsF m_smallMetrics{QFont()};
    mutable QFontMetricsF m_bigMetrics{QFont()};
    mutable QHash<QString, QStaticText> m_labels;
    mutable std::vector<Card> m_cards; // a few: normal and highlighted, per size and palette
};

} // namespace

LatestValueTiles::LatestValueTiles(LatestValuesModel *model, Clock clock, QWidget *parent)
    : QListView(parent)
    , m_ageTimer(new QTimer(this))
{
    setModel(model);
    setItemDelegate(new TileDelegate(std::move(clock), this));
    setViewMode(QListView::IconMode);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSpacing(0);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setFrameShape(QFrame::NoFrame);
    setAccessibleName(tr("Latest values"));
    viewport()->setBackgroundRole(QPalette::Window);
    // Ages in the footers move with the clock even without new data.
    m_ageTimer->setInterval(1000);
    connect(m_ageTimer, &QTimer::timeout, viewport(), qOverload<>(&QWidget::update));
    m_ageTimer->start();
}

LatestValueTiles::~LatestValueTiles() = default;

void LatestValueTiles::paintEvent(QPaintEvent *event)
{
    QListView::paintEvent(event);
    if (model() && model()->rowCount() == 0) {
        QPainter painter(viewport());
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect(), Qt::AlignCenter, tr("Tick devices in the list to see their latest values"));
    }
}

QSize LatestValueTiles::sizeHint() const
{
    return QSize(kTileWidth * 4, kTileHeight * 2 + 4);
}

} // namespace Sightline
