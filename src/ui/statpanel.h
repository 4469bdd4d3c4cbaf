#pragma once

#include "telemetry/events.h"

#include <QAbstractScrollArea>
#include <QFont>
#include <QFontMetricsF>
#include <QHash>
#include <QList>
#include <QPixmap>
#include <QPolygonF>
#include <QSet>
#include <QStaticText>
#include <QStringList>

#include <optional>
#include <vector>

class QTimer;

namespace Sightline {

class AlertTableModel;
class LatestValuesModel;
class SeriesStore;
class WorkspaceTime;

// The workspace's `stat` panel (API.md "Workspace layouts", issue 14): one
// card per (device, field) that matches the panel's device and field
// patterns, among the devices and fields the shared stores know. A card
// shows the device, the field, the latest value with its unit (how old it
// is when the device has gone quiet) and a sparkline of the workspace's
// time range. A firing alert on that device and field colours the card by
// its severity and draws the rule's threshold as a dashed line; the colour
// goes when the alert resolves.
//
// A view only: the stores, the alert model and the time control are not
// owned and never written. Model signals only mark cards dirty; a frame
// timer repaints the dirty cards (and every card once a second while the
// range follows the clock), so a burst of points costs one paint per card.
// Cards flow in a grid as wide as the panel and never shrink below a
// readable size; the panel scrolls when they do not fit.
class StatPanel : public QAbstractScrollArea
{
    Q_OBJECT

public:
    // None of the pointers is owned; all must outlive the panel.
    explicit StatPanel(SeriesStore *store, LatestValuesModel *latest, AlertTableModel *alerts,
        WorkspaceTime *time, QWidget *parent = nullptr);
    ~StatPanel() override;

    // Names or `*` globs (namepattern.h); empty = all.
    void setDevicePatterns(const QStringList &patterns);
    void setFieldPatterns(const QStringList &patterns);
    QStringList devicePatterns() const { return m_devicePatterns; }
    QStringList fieldPatterns() const { return m_fieldPatterns; }

    int cardCount() const { return static_cast<int>(m_cards.size()); }
    // Where the card of (deviceId, field) is, in the panel's coordinates
    // (outside rect() when scrolled away); a null rect when there is none.
    QRect cardRect(const QString &deviceId, const QString &field) const;
    // What the card says, one line each: device, field label, value with
    // its unit, and its age when old ("jetson-01\nCPU temp\n47.5°C"); also
    // the card's tooltip. Empty when there is no such card.
    QString cardText(const QString &deviceId, const QString &field) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // The user clicked the card of a device.
    void deviceActivated(const QString &deviceId);

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    // An alert rule firing on a card's device and field.
    struct Threshold
    {
        double value = 0;
        Severity severity = Severity::Info;
        friend bool operator==(const Threshold &a, const Threshold &b)
        {
            return a.value == b.value && a.severity == b.severity;
        }
    };
    struct Card
    {
        QString deviceId;
        QString field;
        QRect rect; // in content coordinates (before scrolling)
        bool needsRepaint = true; // the next frame repaints it
        bool sparklineStale
            = true; // points or thresholds changed since the sparkline was decimated
        // When the shown value turns old (its age appears and then grows);
        // 0 when the card shows no value.
        qint64 oldAtMs = 0;
        // The sparkline as last decimated (prepareSparkline()), in plot pixels:
        // one polyline per stretch without a gap, the area under it, and the
        // y of each threshold.
        QList<QPolygonF> runs;
        QList<QPolygonF> areas; // the filled area under each run of two points or more
        QList<double> thresholdYs;
        qint64 preparedFromMs = 0;
        qint64 preparedSpanMs = 0;
        QSize preparedPlotSize;
    };
    struct Background
    {
        QSize size;
        qreal dpr = 1;
        QRgb fill = 0;
        QRgb border = 0;
        int borderWidth = 0;
        QPixmap pixmap;
    };

    void syncCards();
    QStringList shownDevices() const;
    QStringList shownFields(const QString &deviceId) const;
    void relayout();
    void updateScrollBars();
    QPoint contentOffset() const;
    int cardIndexAt(const QPoint &viewportPos) const;
    void markDevice(const QString &deviceId);
    void markAll();
    void refreshAlerts();
    void frameTick();

    // The latest value of a card, as it reads.
    struct Value
    {
        std::optional<double> value;
        qint64 tsMs = 0;
        QString text; // "47.5°C" or "no data"
        QString age; // "3 min ago" when old, else empty
        qint64 oldAtMs = 0;
    };
    Value latestValue(const Card &card) const;
    const Card *findCard(const QString &deviceId, const QString &field) const;
    void prepareSparkline(Card &card, QSize plotSize, const QList<Threshold> &thresholds);
    QString formatValue(const QString &field, double value) const;
    void paintCard(QPainter &painter, Card &card);
    void paintEmptyState(QPainter &painter);
    QRect plotRect(const QRect &cardRect) const;
    const QPixmap &background(QSize size, qreal dpr, const std::optional<Severity> &severity);
    void updateFonts();
    int minimumCardWidth() const;
    int cardHeight() const;

    SeriesStore *m_store;
    LatestValuesModel *m_latest;
    AlertTableModel *m_alerts;
    WorkspaceTime *m_time;
    QTimer *m_frameTimer;
    int m_tick = 0;
    bool m_cardsStale = true; // devices or fields may have come or gone

    QStringList m_devicePatterns;
    QStringList m_fieldPatterns;
    std::vector<Card> m_cards; // sorted by device, then field
    QHash<QString, QList<int>> m_cardsOfDevice; // device -> indexes into m_cards
    // One precision per field: the most decimals any of its values needed
    // (grows as values are formatted, hence mutable).
    mutable QHash<QString, int> m_decimalsOfField;
    QHash<QString, QList<Threshold>> m_firing; // cardKey() -> thresholds of firing alerts
    bool m_alertsStale = true;
    QSet<QString> m_knownDevices; // every device the stores had at the last syncCards()
    QSize m_contentSize;
    int m_pressedCard = -1;

    std::optional<QFont> m_base; // what the fonts below were made from
    QFont m_small;
    QFont m_title;
    QFont m_big;
    QFontMetricsF m_smallMetrics { QFont() };
    QFontMetricsF m_titleMetrics { QFont() };
    QFontMetricsF m_bigMetrics { QFont() };
    // Device names and field labels, elided and laid out once.
    QHash<QString, QStaticText> m_deviceTexts;
    QHash<QString, QStaticText> m_labelTexts;
    std::vector<Background> m_backgrounds; // a few: per size, palette and severity
};

} // namespace Sightline
