#include "ui/fleetpanel.h"

#include "telemetry/fleettablemodel.h"
#include "ui/severitycolors.h"

#include <QHash>
#include <QHeaderView>
#include <QIcon>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Sightline {

namespace {

using State = DeviceListModel::DeviceState;

Tone toneOf(State state)
{
    switch (state) {
    case State::Online:
        return Tone::Healthy;
    case State::Stale:
        return Tone::Warning;
    case State::Offline:
        return Tone::Critical;
    case State::Disconnected:
        return Tone::Info;
    }
    return Tone::Info;
}

// Device names as people read them: "jetson-2" before "jetson-10". Runs of
// digits compare by value, the rest case-insensitively. QCollator's numeric
// mode would do this too, but not under the C locale (Qt then compares
// plain code points), and a test machine or a service often runs with it.
int compareNatural(const QString &a, const QString &b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (a.at(i).isDigit() && b.at(j).isDigit()) {
            const qsizetype startA = i;
            const qsizetype startB = j;
            while (i < a.size() && a.at(i).isDigit())
                ++i;
            while (j < b.size() && b.at(j).isDigit())
                ++j;
            // Compare the runs without leading zeros: by length, then digit by digit.
            const QStringView runA = QStringView(a).mid(startA, i - startA);
            const QStringView runB = QStringView(b).mid(startB, j - startB);
            const auto significant = [](QStringView run) {
                qsizetype k = 0;
                while (k + 1 < run.size() && run.at(k) == QLatin1Char('0'))
                    ++k;
                return run.mid(k);
            };
            const QStringView numberA = significant(runA);
            const QStringView numberB = significant(runB);
            if (numberA.size() != numberB.size())
                return numberA.size() < numberB.size() ? -1 : 1;
            if (const int c = numberA.compare(numberB))
                return c;
            continue;
        }
        const QChar ca = a.at(i).toCaseFolded();
        const QChar cb = b.at(j).toCaseFolded();
        if (ca != cb)
            return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size() || j < b.size())
        return i < a.size() ? 1 : -1;
    return a.compare(b); // equal but for case or leading zeros: still one order
}

// Sorts on FleetTableModel::SortRole: names in natural order ("jetson-2"
// before "jetson-10"), numbers as numbers, and devices without a value
// for the sorted field last in both directions, so a descending sort shows
// the highest values first rather than the blanks; ties by device name. The filter matches the
// device, site and state words (the filter's regular expression is the
// escaped text, case-insensitive).
class FleetProxyModel : public QSortFilterProxyModel
{
public:
    explicit FleetProxyModel(QObject *parent)
        : QSortFilterProxyModel(parent)
    {
        setSortRole(FleetTableModel::SortRole);
        // Rows are re-sorted and re-filtered once a second (FleetPanel::
        // refresh()), not on every point: sorted by a value that 50 devices
        // send at 2 Hz, a dynamic sort re-laid out and repainted the whole
        // table 100 times a second (80 % of a core) and rows jumped under
        // the pointer.
        setDynamicSortFilter(false);
        setFilterCaseSensitivity(Qt::CaseInsensitive);
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        const QRegularExpression &expression = filterRegularExpression();
        if (expression.pattern().isEmpty())
            return true;
        for (int column : { FleetTableModel::DeviceColumn, FleetTableModel::SiteColumn,
                 FleetTableModel::StateColumn }) {
            const QString text
                = sourceModel()->index(sourceRow, column, sourceParent).data().toString();
            if (expression.match(text).hasMatch())
                return true;
        }
        return false;
    }

    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const QVariant l = left.data(FleetTableModel::SortRole);
        const QVariant r = right.data(FleetTableModel::SortRole);
        const bool ascending = sortOrder() == Qt::AscendingOrder;
        if (l.isValid() != r.isValid())
            return l.isValid() == ascending;
        if (l.isValid() && l != r) {
            if (l.userType() == QMetaType::QString && r.userType() == QMetaType::QString)
                return compareNatural(l.toString(), r.toString()) < 0;
            return l.toDouble() < r.toDouble();
        }
        // Equal (or both blank): device names A to Z whichever way the
        // column sorts, so ten online devices keep a predictable order.
        const QString a = left.data(FleetTableModel::DeviceIdRole).toString();
        const QString b = right.data(FleetTableModel::DeviceIdRole).toString();
        return ascending ? compareNatural(a, b) < 0 : compareNatural(b, a) < 0;
    }
};

// The state cell: the state's word in its tone's colour behind a dot of
// that colour (never colour alone). The dot is the item's decoration, so
// the column's size hint (ResizeToContents) includes it. A disconnected
// dashboard gets a hollow dot: the device's state is unknown, not bad.
class StateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto state = static_cast<State>(index.data(FleetTableModel::StateRole).toInt());
        const QColor color = toneColor(toneOf(state), option->palette);
        option->palette.setColor(QPalette::Text, color);
        const int d = option->fontMetrics.height() / 2;
        const qreal dpr = option->widget ? option->widget->devicePixelRatioF() : 1.0;
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->decorationSize = QSize(d, d);
        option->icon = dot(color, state == State::Disconnected, d, dpr);
    }

private:
    QIcon dot(const QColor &color, bool hollow, int size, qreal dpr) const
    {
        const QString key
            = QStringLiteral("%1/%2/%3/%4").arg(color.name()).arg(hollow).arg(size).arg(dpr);
        auto it = m_dots.constFind(key);
        if (it != m_dots.constEnd())
            return *it;
        QPixmap pixmap(QSize(size, size) * dpr);
        pixmap.setDevicePixelRatio(dpr);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF circle = QRectF(0, 0, size, size).adjusted(0.75, 0.75, -0.75, -0.75);
        if (hollow) {
            painter.setPen(QPen(color, 1.5));
            painter.setBrush(Qt::NoBrush);
        } else {
            painter.setPen(Qt::NoPen);
            painter.setBrush(color);
        }
        painter.drawEllipse(circle);
        painter.end();
        return *m_dots.insert(key, QIcon(pixmap));
    }

    mutable QHash<QString, QIcon> m_dots;
};

constexpr int kRefreshMs = 1000;

} // namespace

FleetPanel::FleetPanel(DeviceListModel *devices, LatestValuesModel *values, QWidget *parent)
    : QWidget(parent)
    , m_model(new FleetTableModel(devices, values, this))
    , m_proxy(new FleetProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_refreshTimer(new QTimer(this))
{
    m_proxy->setSourceModel(m_model);

    m_filter->setObjectName(QStringLiteral("fleetFilter"));
    m_filter->setPlaceholderText(tr("Filter devices…"));
    m_filter->setToolTip(tr("Show only devices whose name, site or state contains this text"));
    m_filter->setAccessibleName(tr("Filter devices"));
    m_filter->setClearButtonEnabled(true);
    connect(
        m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table->setObjectName(QStringLiteral("fleetTable"));
    m_table->setAccessibleName(tr("Fleet"));
    m_table->setModel(m_proxy);
    m_table->setItemDelegateForColumn(FleetTableModel::StateColumn, new StateDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    // Every column as wide as its widest cell, so a device name, a state or
    // a value is never cut to "jetso…" (issue 14); a narrow panel scrolls.
    // Fitted here (fitColumns*), not by QHeaderView::ResizeToContents: that
    // mode measures every cell of every column again on each value change:
    // 35-48 % of a core for 50 devices × 21 fields at 2 Hz, against 6-8 %
    // this way (measured under Xvfb).
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FleetTableModel::DeviceColumn, Qt::AscendingOrder);
    m_table->installEventFilter(this);

    connect(m_table, &QAbstractItemView::clicked, this, &FleetPanel::activate);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &FleetPanel::fitColumnsIfGrown);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &FleetPanel::fitColumnsLater);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &FleetPanel::fitColumnsLater);
    connect(m_proxy, &QAbstractItemModel::columnsInserted, this, &FleetPanel::fitColumnsLater);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &FleetPanel::fitColumnsLater);
    // No refit on layoutChanged: the once-a-second re-sort and re-filter
    // (refresh()) move rows but change no width.

    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &FleetPanel::refresh);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_table, 1);
}

FleetPanel::~FleetPanel() = default;

void FleetPanel::setDevicePatterns(const QStringList &patterns)
{
    m_model->setDevicePatterns(patterns);
}

QStringList FleetPanel::devicePatterns() const
{
    return m_model->devicePatterns();
}

void FleetPanel::setFieldPatterns(const QStringList &patterns)
{
    m_model->setFieldPatterns(patterns);
}

QStringList FleetPanel::fieldPatterns() const
{
    return m_model->fieldPatterns();
}

void FleetPanel::setFilterText(const QString &text)
{
    m_filter->setText(text);
}

QString FleetPanel::filterText() const
{
    return m_filter->text();
}

bool FleetPanel::eventFilter(QObject *watched, QEvent *event)
{
    // Enter opens the current row's device. Handled here rather than via
    // QAbstractItemView::activated, which a double-click also emits right
    // after the click that already opened it.
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && m_table->currentIndex().isValid()) {
            activate(m_table->currentIndex());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FleetPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    fitColumnsLater();
    m_refreshTimer->start();
}

void FleetPanel::hideEvent(QHideEvent *event)
{
    // A closed or tabbed-away panel costs nothing.
    m_refreshTimer->stop();
    QWidget::hideEvent(event);
}

void FleetPanel::activate(const QModelIndex &index)
{
    const QString deviceId = index.data(FleetTableModel::DeviceIdRole).toString();
    if (!deviceId.isEmpty())
        Q_EMIT deviceActivated(deviceId);
}

void FleetPanel::refresh()
{
    m_model->refresh();
    // New values, ages and states take their place in the sort order and
    // the filter (a device that went offline now matches "offline").
    m_proxy->invalidate();
}

void FleetPanel::fitColumns()
{
    m_fitPending = false;
    m_table->resizeColumnsToContents();
}

void FleetPanel::fitColumnsLater()
{
    // Coalesced: a burst of inserted rows or columns refits once.
    if (m_fitPending)
        return;
    m_fitPending = true;
    QMetaObject::invokeMethod(this, &FleetPanel::fitColumns, Qt::QueuedConnection);
}

void FleetPanel::fitColumnsIfGrown(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    // Values change many times a second: measure only the changed cells and
    // widen a column only when one of them no longer fits (a state word or
    // a value that got longer). Columns shrink back on the next change of
    // rows, columns or filter, not on every point.
    if (m_fitPending || !isVisible())
        return;
    for (int column = topLeft.column(); column <= bottomRight.column(); ++column) {
        const int width = m_table->columnWidth(column);
        for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
            if (m_table->sizeHintForIndex(m_proxy->index(row, column)).width() > width) {
                m_table->resizeColumnToContents(column);
                break;
            }
        }
    }
}

} // namespace Sightline
