#include "ui/devicelistview.h"

#include "telemetry/devicelistmodel.h"
#include "ui/severitycolors.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTimer>

namespace Sightline {

namespace {

Tone toneOf(DeviceListModel::DeviceState state)
{
    switch (state) {
    case DeviceListModel::DeviceState::Online:
        return Tone::Healthy;
    case DeviceListModel::DeviceState::Stale:
        return Tone::Warning;
    case DeviceListModel::DeviceState::Offline:
        return Tone::Critical;
    case DeviceListModel::DeviceState::Disconnected:
        return Tone::Info;
    }
    return Tone::Info;
}

// Paints the state column as a dot plus the state's word. A disconnected
// dashboard gets a hollow dot: the device's state is unknown, not bad.
class StateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        if (index.data(DeviceListModel::IsSiteRole).toBool()) {
            QStyleOptionViewItem opt = option;
            opt.palette.setColor(QPalette::Text, option.palette.color(QPalette::PlaceholderText));
            QStyledItemDelegate::paint(painter, opt, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        const auto state = static_cast<DeviceListModel::DeviceState>(index.data(DeviceListModel::StateRole).toInt());
        const QColor color = toneColor(toneOf(state), option.palette);
        const int d = option.fontMetrics.height() / 2;
        const QRect dot(option.rect.left() + 6, option.rect.center().y() - d / 2, d, d);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        if (state == DeviceListModel::DeviceState::Disconnected) {
            painter->setPen(QPen(color, 1.5));
            painter->setBrush(Qt::NoBrush);
        } else {
            painter->setPen(Qt::NoPen);
            painter->setBrush(color);
        }
        painter->drawEllipse(dot);
        const bool selected = option.state & QStyle::State_Selected;
        painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        const QRect textRect = option.rect.adjusted(d + 12, 0, -2, 0);
        painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                          option.fontMetrics.elidedText(text, Qt::ElideRight, textRect.width()));
        painter->restore();
    }

    // Room for the dot painted before the word, so ResizeToContents fits
    // the whole word ("Not connected", not "Not connect").
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (!index.data(DeviceListModel::IsSiteRole).toBool())
            size.rwidth() += option.fontMetrics.height() / 2 + 14;
        return size;
    }
};

} // namespace

DeviceListView::DeviceListView(DeviceListModel *model, QWidget *parent)
    : QTreeView(parent)
    , m_model(model)
    , m_refreshTimer(new QTimer(this))
    , m_fitColumns(new QTimer(this))
{
    setModel(model);
    setItemDelegateForColumn(DeviceListModel::StateColumn, new StateDelegate(this));
    setUniformRowHeights(true);
    setAllColumnsShowFocus(true);
    setRootIsDecorated(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAccessibleName(tr("Devices"));
    // Names first and whole: every column as wide as its widest text,
    // refitted when devices or their states change. A stretched name column
    // took only what the state and age columns left, and read "jetso…" once
    // they grew (issue 14). The last column fills the rest; a narrow pane
    // scrolls instead of cutting names.
    header()->setStretchLastSection(true);
    header()->setSectionResizeMode(QHeaderView::Interactive);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_fitColumns->setSingleShot(true);
    m_fitColumns->setInterval(0);
    connect(m_fitColumns, &QTimer::timeout, this, [this] {
        for (int column = 0; column < m_model->columnCount(); ++column)
            resizeColumnToContents(column);
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, m_fitColumns, qOverload<>(&QTimer::start));
    connect(model, &QAbstractItemModel::dataChanged, m_fitColumns, qOverload<>(&QTimer::start));
    connect(model, &QAbstractItemModel::modelReset, m_fitColumns, qOverload<>(&QTimer::start));
    connect(model, &QAbstractItemModel::layoutChanged, m_fitColumns, qOverload<>(&QTimer::start));
    connect(this, &QTreeView::expanded, m_fitColumns, qOverload<>(&QTimer::start));
    m_fitColumns->start();
    expandAll();
    connect(model, &QAbstractItemModel::modelReset, this, &QTreeView::expandAll);
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &parentIndex, int first) {
        if (!parentIndex.isValid())
            expand(m_model->index(first, 0));
    });
    m_refreshTimer->setInterval(1000);
    connect(m_refreshTimer, &QTimer::timeout, m_model, &DeviceListModel::refresh);
    m_refreshTimer->start();
}

DeviceListView::~DeviceListView() = default;

void DeviceListView::keyPressEvent(QKeyEvent *event)
{
    // Enter toggles the device under the cursor, like Space does.
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && currentIndex().isValid()) {
        const QModelIndex name = currentIndex().siblingAtColumn(DeviceListModel::NameColumn);
        if (name.flags() & Qt::ItemIsUserCheckable) {
            const bool checked = name.data(Qt::CheckStateRole).toInt() == Qt::Checked;
            m_model->setData(name, checked ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
            event->accept();
            return;
        }
    }
    QTreeView::keyPressEvent(event);
}

} // namespace Sightline
