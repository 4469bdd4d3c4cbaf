#include "ui/alerttableview.h"

#include "telemetry/alerttablemodel.h"
#include "ui/severitycolors.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace Sightline {

namespace {

// Tints firing rows by severity and colours the severity word; resolved
// rows keep the normal colours so what still needs attention stands out.
class SeverityDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto severity = static_cast<Severity>(index.data(AlertTableModel::SeverityRole).toInt());
        const bool firing = index.data(AlertTableModel::IsFiringRole).toBool();
        const Tone tone = toneFor(severity);
        if (firing)
            option->backgroundBrush = toneBackground(tone, option->palette);
        if (index.column() == AlertTableModel::SeverityColumn) {
            option->palette.setColor(QPalette::Text, toneColor(tone, option->palette));
            option->font.setBold(firing);
        }
        if (!firing)
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
    }
};

} // namespace

AlertTableView::AlertTableView(AlertTableModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_ackButton(new QPushButton(tr("&Acknowledge"), this))
    , m_fitColumns(new QTimer(this))
{
    m_table->setModel(model);
    m_table->setItemDelegate(new SeverityDelegate(this));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(false);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setHighlightSections(false);
    // Every column as wide as its widest text, refitted whenever rows come
    // or change: a header in ResizeToContents mode did not refit when the
    // first alert arrived, and a stretched message took only what was left,
    // so device and message read "jetso…" (issue 14). The last column fills
    // the rest; a narrow window scrolls instead of cutting words.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_fitColumns->setSingleShot(true);
    m_fitColumns->setInterval(0);
    connect(m_fitColumns, &QTimer::timeout, m_table, &QTableView::resizeColumnsToContents);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, m_fitColumns, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::dataChanged, m_fitColumns, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::modelReset, m_fitColumns, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::layoutChanged, m_fitColumns, qOverload<>(&QTimer::start));
    m_table->resizeColumnsToContents();
    m_table->setAccessibleName(tr("Alerts"));
    m_ackButton->setToolTip(tr("Mark the selected alerts as seen (Ctrl+K)"));

    auto *ackAction = new QAction(tr("Acknowledge"), this);
    ackAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    ackAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(ackAction);
    connect(ackAction, &QAction::triggered, this, &AlertTableView::acknowledgeSelected);
    connect(m_ackButton, &QPushButton::clicked, this, &AlertTableView::acknowledgeSelected);
    connect(m_model, &AlertTableModel::countsChanged, this, &AlertTableView::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &AlertTableView::updateSummary);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Alerts</b>"), this);
    header->addWidget(title);
    header->addWidget(m_summary, 1);
    header->addWidget(m_ackButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addWidget(m_table, 1);
    updateSummary();
}

AlertTableView::~AlertTableView() = default;

void AlertTableView::acknowledgeSelected()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty() && m_table->currentIndex().isValid())
        rows.append(m_table->currentIndex().row());
    for (int row : std::as_const(rows))
        m_model->acknowledge(row);
}

void AlertTableView::updateSummary()
{
    const int firing = m_model->firingCount();
    const int open = m_model->unacknowledgedFiringCount();
    if (firing == 0)
        m_summary->setText(tr("none firing"));
    else
        m_summary->setText(tr("%1 firing, %2 not acknowledged").arg(firing).arg(open));
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_ackButton->setEnabled(m_model->rowCount() > 0);
}

} // namespace Sightline
