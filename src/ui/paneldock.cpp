#include "ui/paneldock.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QStyle>
#include <QToolButton>

namespace Sightline {

namespace {

QString patternsText(const std::optional<QStringList> &patterns)
{
    if (!patterns || patterns->isEmpty() || *patterns == QStringList{QStringLiteral("*")})
        return QString();
    return patterns->join(QStringLiteral(", "));
}

} // namespace

QString PanelDock::typeTitle(PanelType type)
{
    switch (type) {
    case PanelType::Chart:
        return tr("Chart");
    case PanelType::Stat:
        return tr("Stat");
    case PanelType::Fleet:
        return tr("Fleet");
    case PanelType::Timeline:
        return tr("Timeline");
    case PanelType::Alerts:
        return tr("Alerts");
    }
    return QString();
}

QString PanelDock::objectNameFor(const QString &panelId)
{
    return QStringLiteral("panel-") + panelId;
}

PanelDock::PanelDock(const PanelSpec &spec, QWidget *content, QWidget *parent)
    : QDockWidget(parent)
    , m_spec(spec)
{
    setObjectName(objectNameFor(spec.id));
    setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    setWidget(content);

    // A title bar of our own, to give each panel its menu. Mouse events the
    // label ignores reach the dock, so dragging and double-clicking the
    // title still move and float the panel (QDockWidget::setTitleBarWidget).
    auto *bar = new QWidget(this);
    bar->setObjectName(QStringLiteral("panelTitleBar"));
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(6, 2, 2, 2);
    layout->setSpacing(2);
    m_titleLabel = new QLabel(bar);
    m_titleLabel->setTextFormat(Qt::PlainText);
    QFont bold = m_titleLabel->font();
    bold.setBold(true);
    m_titleLabel->setFont(bold);
    m_titleLabel->setMinimumWidth(40);
    m_titleLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_menu = new QMenu(this);
    m_menu->addAction(tr("&Rename…"), this, [this] { Q_EMIT renameRequested(m_spec.id); });
    if (spec.type != PanelType::Alerts)
        m_menu->addAction(tr("&Configure…"), this, [this] { Q_EMIT configureRequested(m_spec.id); });
    m_menu->addSeparator();
    QAction *floatAction = m_menu->addAction(tr("&Float"));
    floatAction->setCheckable(true);
    connect(floatAction, &QAction::toggled, this, &QDockWidget::setFloating);
    connect(this, &QDockWidget::topLevelChanged, floatAction, &QAction::setChecked);
    m_menu->addAction(tr("&Close"), this, &QWidget::close);
    m_menu->addSeparator();
    m_menu->addAction(tr("Re&move from layout"), this, [this] { Q_EMIT removeRequested(m_spec.id); });

    m_menuButton = new QToolButton(bar);
    m_menuButton->setText(QStringLiteral("⋮"));
    m_menuButton->setAutoRaise(true);
    m_menuButton->setPopupMode(QToolButton::InstantPopup);
    m_menuButton->setMenu(m_menu);
    m_menuButton->setToolTip(tr("Panel menu"));
    m_menuButton->setAccessibleName(tr("Panel menu"));

    m_closeButton = new QToolButton(bar);
    m_closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_closeButton->setAutoRaise(true);
    m_closeButton->setToolTip(tr("Close (View ▸ Panels opens it again)"));
    m_closeButton->setAccessibleName(tr("Close panel"));
    connect(m_closeButton, &QToolButton::clicked, this, &QWidget::close);

    layout->addWidget(m_titleLabel, 1);
    layout->addWidget(m_menuButton);
    layout->addWidget(m_closeButton);
    setTitleBarWidget(bar);
    updateTitle();
}

PanelDock::~PanelDock() = default;

QString PanelDock::shownTitle() const
{
    if (!m_spec.title.isEmpty())
        return m_spec.title;
    QStringList parts{typeTitle(m_spec.type)};
    const QString fields = patternsText(m_spec.fields);
    const QString devices = patternsText(m_spec.devices);
    if (!fields.isEmpty())
        parts << fields;
    if (!devices.isEmpty())
        parts << devices;
    return parts.join(QStringLiteral(" · "));
}

void PanelDock::setTitle(const QString &title)
{
    if (title == m_spec.title)
        return;
    m_spec.title = title;
    updateTitle();
    Q_EMIT specChanged(m_spec.id);
}

void PanelDock::setPatterns(const std::optional<QStringList> &devices, const std::optional<QStringList> &fields)
{
    m_spec.devices = devices;
    m_spec.fields = fields;
    updateTitle();
    Q_EMIT specChanged(m_spec.id);
}

void PanelDock::setExtra(const QJsonObject &extra)
{
    m_spec.extra = extra;
    Q_EMIT specChanged(m_spec.id);
}

void PanelDock::updateTitle()
{
    const QString title = shownTitle();
    setWindowTitle(title); // the View menu and tabs show it
    m_titleLabel->setText(title);
    m_titleLabel->setToolTip(title);
}

void PanelDock::changeEvent(QEvent *event)
{
    QDockWidget::changeEvent(event);
    if (event->type() == QEvent::StyleChange && m_closeButton)
        m_closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
}

} // namespace Sightline
