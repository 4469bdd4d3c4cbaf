#pragma once

#include <QString>

// How a telemetry field name reads for people. Field names follow the
// device convention <what>_<unit> ("cpu_temp_c", "gpu_util_pct",
// "power_mw"); an unknown suffix simply has no unit.

namespace Sightline {

// "°C" for "cpu_temp_c"; empty when the suffix names no unit.
QString fieldUnit(const QString &field);
// "CPU temp" for "cpu_temp_c".
QString fieldLabel(const QString &field);
// "47.5°C", "5,120 mW", "17.5 W": the value with its unit, in the user's
// locale with thousands separators, one precision per unit (the same field
// always shows as many decimals), mW / MB as W / GB from 10,000 mW /
// 10,240 MB on.
QString formatFieldValue(const QString &field, double value);
// "4 s ago", "3 min ago", "2 h ago", "never" (ageMs < 0).
QString formatAge(qint64 ageMs);

} // namespace Sightline
