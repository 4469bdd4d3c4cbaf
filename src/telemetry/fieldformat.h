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
// "47.5 °C": the value with the unit and a precision that suits it.
QString formatFieldValue(const QString &field, double value);
// "4 s ago", "3 min ago", "2 h ago", "never" (ageMs < 0).
QString formatAge(qint64 ageMs);

} // namespace Sightline
