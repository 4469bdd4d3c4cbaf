#include "ui/timecontrolbar.h"

#include "telemetry/workspacetime.h"

#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimeZone>
#include <QToolButton>

namespace Sightline {

namespace {

constexpr int kCustomIndexData = -1;

QDateTime toShown(qint64 ms, bool utc)
{
    return utc ? QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()) : QDateTime::fromMSecsSinceEpoch(ms);
}

QString shownTime(qint64 ms, bool utc, bool withDate)
{
    const QDateTime t = toShown(ms, utc);
    const QLocale locale;
    QString text = withDate ? locale.toString(t, QStringLiteral("d MMM HH:mm:ss")) : locale.toString(t, QStringLiteral("HH:mm:ss"));
    return text;
}

} // namespace

QString TimeControlBar::windowText(int minutes)
{
    if (minutes < 60)
        return minutes == 1 ? tr("Last minute") : tr("Last %1 minutes").arg(minutes);
    const int hours = minutes / 60;
    return hours == 1 ? tr("Last hour") : tr("Last %1 hours").arg(hours);
}

TimeControlBar::TimeControlBar(WorkspaceTime *time, QWidget *parent)
    : QWidget(parent)
    , m_time(time)
{
    setObjectName(QStringLiteral("timeControlBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    m_windowPicker = new QComboBox(this);
    m_windowPicker->setToolTip(tr("What every panel shows: a live window, or a range you pick"));
    for (int minutes : WorkspaceTime::windowChoicesMinutes())
        m_windowPicker->addItem(windowText(minutes), minutes);
    m_windowPicker->addItem(tr("Custom range…"), kCustomIndexData);
    m_windowPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    m_pauseButton = new QToolButton(this);
    m_pauseButton->setText(tr("Pause"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Freeze what the panels show; data keeps arriving (Ctrl+P)"));

    m_liveButton = new QToolButton(this);
    m_liveButton->setText(tr("Back to live"));
    m_liveButton->setToolTip(tr("Follow the newest data again (Ctrl+L)"));

    m_rangeLabel = new QLabel(this);
    m_rangeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    layout->addWidget(m_windowPicker);
    layout->addWidget(m_pauseButton);
    layout->addWidget(m_liveButton);
    layout->addWidget(m_rangeLabel, 1);

    connect(m_windowPicker, &QComboBox::activated, this, [this](int index) {
        const int minutes = m_windowPicker->itemData(index).toInt();
        if (minutes == kCustomIndexData) {
            promptCustomRange();
            syncFromTime(); // a cancelled dialog shows what is still in force
            return;
        }
        m_time->setLiveWindow(qint64(minutes) * 60 * 1000);
    });
    connect(m_pauseButton, &QToolButton::toggled, this, [this](bool paused) {
        if (!m_syncing)
            m_time->setPaused(paused); // enabled in live mode only: an absolute range stands still
    });
    connect(m_liveButton, &QToolButton::clicked, m_time, &WorkspaceTime::backToLive);
    connect(m_time, &WorkspaceTime::rangeChanged, this, &TimeControlBar::syncFromTime);
    connect(m_time, &WorkspaceTime::pausedChanged, this, &TimeControlBar::syncFromTime);
    connect(m_time, &WorkspaceTime::modeChanged, this, &TimeControlBar::syncFromTime);
    syncFromTime();
}

TimeControlBar::~TimeControlBar() = default;

void TimeControlBar::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    syncFromTime();
}

QString TimeControlBar::rangeText() const
{
    return m_rangeLabel->text();
}

void TimeControlBar::syncFromTime()
{
    m_syncing = true;
    const bool live = m_time->isLive();
    const int minutes = int(m_time->windowMs() / 60000);
    const int index = live ? m_windowPicker->findData(minutes) : m_windowPicker->findData(kCustomIndexData);
    m_windowPicker->setCurrentIndex(index >= 0 ? index : m_windowPicker->findData(kCustomIndexData));
    m_pauseButton->setEnabled(live);
    m_pauseButton->setChecked(m_time->isPaused());
    m_liveButton->setVisible(!m_time->isFollowing());

    const QString zone = m_utc ? QStringLiteral(" UTC") : QString();
    QString text;
    if (m_time->isFollowing()) {
        text = tr("Live · %1").arg(windowText(minutes).toLower());
    } else if (live) {
        text = tr("Paused at %1%2 · data keeps arriving").arg(shownTime(m_time->toMs(), m_utc, false), zone);
    } else {
        const qint64 from = m_time->fromMs();
        const qint64 to = m_time->toMs();
        const bool sameDay = toShown(from, m_utc).date() == toShown(to, m_utc).date();
        text = tr("%1 – %2%3").arg(shownTime(from, m_utc, true), shownTime(to, m_utc, !sameDay), zone);
    }
    m_rangeLabel->setText(text);
    m_syncing = false;
}

void TimeControlBar::promptCustomRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Show a time range"));
    auto *form = new QFormLayout(&dialog);
    auto *from = new QDateTimeEdit(toShown(m_time->fromMs(), m_utc), &dialog);
    auto *to = new QDateTimeEdit(toShown(m_time->toMs(), m_utc), &dialog);
    for (QDateTimeEdit *edit : {from, to}) {
        edit->setTimeSpec(m_utc ? Qt::UTC : Qt::LocalTime);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        edit->setCalendarPopup(true);
    }
    auto *problem = new QLabel(&dialog);
    problem->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Show"));
    form->addRow(tr("From:"), from);
    form->addRow(tr("To:"), to);
    form->addRow(problem);
    form->addRow(buttons);
    const auto check = [from, to, problem, buttons] {
        const bool ok = from->dateTime() < to->dateTime();
        problem->setText(ok ? QString() : tr("“From” must be before “To”."));
        buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    };
    connect(from, &QDateTimeEdit::dateTimeChanged, &dialog, check);
    connect(to, &QDateTimeEdit::dateTimeChanged, &dialog, check);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    check();
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_time->setAbsoluteRange(from->dateTime().toMSecsSinceEpoch(), to->dateTime().toMSecsSinceEpoch());
}

} // namespace Sightline
