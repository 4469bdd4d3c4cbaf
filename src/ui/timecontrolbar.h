#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QToolButton;

namespace Sightline {

class WorkspaceTime;

// The workspace's one time control (issue 14, item 3): a live window from
// 1 minute to 24 hours, a custom from–to range, Pause and Back to live, and
// a label that says in words what the panels show ("Live · last 15 min",
// "Paused at 10:02:13", "7 Dec 10:02 – 11:30"). It drives and follows the
// shared WorkspaceTime, so a zoom in any chart shows up here too.
class TimeControlBar : public QWidget
{
    Q_OBJECT

public:
    // time is not owned and must outlive the bar.
    explicit TimeControlBar(WorkspaceTime *time, QWidget *parent = nullptr);
    ~TimeControlBar() override;

    // Times in the label and the range dialog in UTC instead of local time.
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }

    // What the label says (tests, accessibility).
    QString rangeText() const;
    QComboBox *windowPicker() const { return m_windowPicker; }
    QToolButton *pauseButton() const { return m_pauseButton; }
    QToolButton *liveButton() const { return m_liveButton; }

    // Opens the from–to dialog on the current range; applies what is accepted.
    void promptCustomRange();

    static QString windowText(int minutes);

private:
    void syncFromTime();

    WorkspaceTime *m_time; // not owned
    QComboBox *m_windowPicker = nullptr;
    QToolButton *m_pauseButton = nullptr;
    QToolButton *m_liveButton = nullptr;
    QLabel *m_rangeLabel = nullptr;
    bool m_utc = false;
    bool m_syncing = false;
};

} // namespace Sightline
