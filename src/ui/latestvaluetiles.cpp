#include "ui/latestvaluetiles.h"

#include "telemetry/fieldformat.h"
#include "telemetry/latestvaluesmodel.h"

#include <QPainter>
#include <QPainterPath>
#include <QStyledItemDelegate>
#include <QTimer>

#include <utility>

namespace Sightline {

namespace {

constexpr int kTileWidth = 156;
constexpr int kTileHeight = 68;

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

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QPalette &pal = option.palette;
        const QRectF card = QRectF(option.rect).adjusted(3, 3, -3, -3);
        const bool selected = option.state & QStyle::State_Selected;
        const bool focused = option.state & QStyle::State_HasFocus;
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        QPainterPath path;
        path.addRoundedRect(card, 6, 6);
        painter->fillPath(path, pal.color(QPalette::AlternateBase));
        QColor border = selected || focused ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid);
        if (!selected && !focused)
            border.setAlphaF(0.5f);
        painter->setPen(QPen(border, selected || focused ? 2 : 1));
        painter->drawPath(path);

        const QRectF inner = card.adjusted(10, 6, -10, -6);
        QFont small = option.font;
        small.setPointSizeF(small.pointSizeF() * 0.9);
        painter->setFont(small);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        const QFontMetricsF smallMetrics(small);
        const QString label = index.data(LatestValuesModel::LabelRole).toString();
        painter->drawText(inner, Qt::AlignLeft | Qt::AlignTop, smallMetrics.elidedText(label, Qt::ElideRight, inner.width()));

        QFont big = option.font;
        big.setPointSizeF(big.pointSizeF() * 1.6);
        big.setWeight(QFont::DemiBold);
        painter->setFont(big);
        painter->setPen(pal.color(QPalette::Text));
        painter->drawText(inner, Qt::AlignLeft | Qt::AlignVCenter, index.data(LatestValuesModel::FormattedValueRole).toString());

        painter->setFont(small);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        const qint64 ts = index.data(LatestValuesModel::TimestampRole).toLongLong();
        const QString footer = QStringLiteral("%1 · %2").arg(index.data(LatestValuesModel::DeviceIdRole).toString(),
                                                             formatAge(ts > 0 ? std::max<qint64>(m_clock() - ts, 0) : -1));
        painter->drawText(inner, Qt::AlignLeft | Qt::AlignBottom, smallMetrics.elidedText(footer, Qt::ElideRight, inner.width()));
        painter->restore();
    }

private:
    Clock m_clock;
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
