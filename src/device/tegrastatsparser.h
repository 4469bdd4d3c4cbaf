#pragma once

#include "device/devicepoint.h"

#include <QString>
#include <QStringList>
#include <QStringView>

namespace Sightline {

// Turns one line of NVIDIA's `tegrastats` output into telemetry fields
// (issue 7). Pure: no I/O, no QObject. It reads every layout NVIDIA's
// documentation shows, from L4T R24 to Jetson Linux R36:
//
//   [MM-DD-YYYY HH:MM:SS] RAM 1735/3956MB (lfb 83x4MB) SWAP 0/1978MB (cached 0MB)
//   IRAM 0/252kB(lfb 252kB) CPU [12%@1479,off,...] or cpu [17%,13%]@408
//   EMC_FREQ 3%@1600 GR3D_FREQ 0%@921 | 0%@[305] | 0%@[0,0]  APE 25  NVDEC off
//   VIC_FREQ 729  MTS fg 0% bg 0%  CPU@34C GPU@-256C tj@46.312C ...
//   POM_5V_IN 2359/2359 (R32) | VDD_IN 4351mW/4351mW (R35+)
//
// Field names (all match [A-Za-z0-9_.-]{1,64}):
//   ram_used_mb ram_total_mb swap_used_mb swap_total_mb swap_cached_mb
//   iram_used_kb iram_total_kb
//   cpu_util_pct (mean of the online cores) cpu_cores_online
//   cpu<N>_util_pct (per online core, N = position in the list)
//   cpu_freq_mhz (highest online core frequency)
//   <engine>_util_pct <engine>_freq_mhz for "X%@F" engines: emc, gpu (GR3D),
//     vic, ...; the "_FREQ" suffix is dropped; for a GPC list the highest
//   <engine>_freq_mhz for "NAME F" engines: ape, vic, nvenc, nvdec, ...
//   <sensor>_temp_c for "NAME@T" (lower case: cpu, gpu, soc0, tj, ao,
//     tboard, ...); -256C and other readings below -40 °C mean "no sensor"
//     and are skipped
//   soc_temp_c = the hottest socN sensor when there is no plain SOC one
//   cpu_temp_c = the hotter of MCPU/BCPU (TX2) when there is no CPU one
//   power_<rail>_mw for "RAIL now/avg" (the current reading; rails named NC,
//     not connected, are skipped): power_vdd_in_mw, power_pom_5v_in_mw, ...
// Engines that are "off", the date, lfb figures and MTS are skipped.
class TegrastatsParser
{
public:
    struct Result
    {
        DevicePoint::Fields fields;
        // Empty when the line gave fields; otherwise why not.
        QString error;
        // Things worth a warning that did not stop the line (unknown
        // tokens, fields past the contract's 64).
        QStringList warnings;

        bool isValid() const { return error.isEmpty(); }
    };

    static Result parseLine(QStringView line);
};

} // namespace Sightline
