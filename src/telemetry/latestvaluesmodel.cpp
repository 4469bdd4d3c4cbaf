#include "telemetry/latestvaluesmodel.h"

#include "telemetry/fieldformat.h"

#include <algorithm>

namespace Sightline {

LatestValuesModel::LatestValuesModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

LatestValuesModel::~LatestValuesModel() = default;

bool LatestValuesModel::isShown(const QString &deviceId) const
{
    return m_showAll || m_shown.contains(deviceId);
}

void LatestValuesModel::applyPoint(const TelemetryData &point)
{
    const bool shown = isShown(point.deviceId);
    for (auto it = point.fields.begin(); it != point.fields.end(); ++it) {
        const Key key(point.deviceId, it.key());
        auto existing = m_values.find(key);
        if (existing != m_values.end()) {
            if (point.tsMs < existing->tsMs)
                continue;
            *existing = Value{it.value(), point.tsMs};
            if (shown) {
                const int row = rowOf(key.first, key.second);
                Q_EMIT dataChanged(index(row), index(row));
            }
            continue;
        }
        m_values.insert(key, Value{it.value(), point.tsMs});
        if (!shown)
            continue;
        const auto pos = std::lower_bound(m_rows.begin(), m_rows.end(), key);
        const int row = static_cast<int>(pos - m_rows.begin());
        beginInsertRows(QModelIndex(), row, row);
        m_rows.insert(row, key);
        endInsertRows();
    }
}

void LatestValuesModel::setShownDevices(const QStringList &deviceIds)
{
    if (!m_showAll && deviceIds == m_shown)
        return;
    m_showAll = false;
    m_shown = deviceIds;
    rebuildRows();
}

void LatestValuesModel::showAllDevices()
{
    if (m_showAll)
        return;
    m_showAll = true;
    m_shown.clear();
    rebuildRows();
}

void LatestValuesModel::rebuildRows()
{
    beginResetModel();
    m_rows.clear();
    for (auto it = m_values.keyBegin(); it != m_values.keyEnd(); ++it)
        if (isShown(it->first))
            m_rows.append(*it);
    endResetModel();
}

void LatestValuesModel::clear()
{
    beginResetModel();
    m_values.clear();
    m_rows.clear();
    endResetModel();
}

int LatestValuesModel::rowOf(const QString &deviceId, const QString &field) const
{
    const Key key(deviceId, field);
    const auto pos = std::lower_bound(m_rows.begin(), m_rows.end(), key);
    return pos != m_rows.end() && *pos == key ? static_cast<int>(pos - m_rows.begin()) : -1;
}

int LatestValuesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant LatestValuesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this)
        return QVariant();
    const Key &key = m_rows.at(index.row());
    const Value value = m_values.value(key);
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 %2: %3").arg(key.first, fieldLabel(key.second), formatFieldValue(key.second, value.value));
    case DeviceIdRole:
        return key.first;
    case FieldRole:
        return key.second;
    case LabelRole:
        return fieldLabel(key.second);
    case ValueRole:
        return value.value;
    case FormattedValueRole:
        return formatFieldValue(key.second, value.value);
    case TimestampRole:
        return value.tsMs;
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> LatestValuesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(DeviceIdRole, "deviceId");
    names.insert(FieldRole, "field");
    names.insert(LabelRole, "label");
    names.insert(ValueRole, "value");
    names.insert(FormattedValueRole, "formattedValue");
    names.insert(TimestampRole, "timestamp");
    return names;
}

} // namespace Sightline
