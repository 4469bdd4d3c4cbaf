// Reads the JSON lines of sightline-bench-parser --json and
// eventsource-parser-bench.mjs on standard input and prints one table with
// both parsers' figures, the ratio, and the issue 2 targets.
import { readFileSync } from 'node:fs';

const rows = readFileSync(0, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line));

const mbps = (r) => r.bytes / 1e6 / r.cpuSeconds;
const eps = (r) => r.events / r.cpuSeconds;
const wallMbps = (r) => r.bytes / 1e6 / r.wallSeconds;
const fmt = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log('median of each parser\'s runs; MB = 10^6 bytes; rates from CPU time of the process/thread, wall in the last column');
console.log('');
console.log(['parser'.padEnd(44), 'input'.padEnd(10), 'MB/s'.padStart(9), 'events/s'.padStart(12), 'wall MB/s'.padStart(10)].join(' '));
for (const r of rows) {
  console.log([r.parser.padEnd(44), r.input.padEnd(10), fmt(mbps(r)).padStart(9), fmt(eps(r)).padStart(12), fmt(wallMbps(r)).padStart(10)].join(' '));
}
console.log('');

const baseline = (input) => rows.find((r) => r.input === input && r.parser.startsWith('eventsource-parser'));
const verdict = (ok) => (ok ? 'met' : 'NOT met');
for (const r of rows.filter((x) => x.parser.startsWith('SseParser'))) {
  const base = baseline(r.input);
  if (!base) continue;
  const ratio = r.cpuSeconds > 0 ? base.cpuSeconds / r.cpuSeconds : 0;
  const wallRatio = r.wallSeconds > 0 ? base.wallSeconds / r.wallSeconds : 0;
  let target = '';
  if (r.input === 'telemetry') target = `; target >= 3,000,000 events/s: ${verdict(eps(r) >= 3e6)}`;
  if (r.input === 'large') target = `; target >= 1,000 MB/s: ${verdict(mbps(r) >= 1000)}`;
  console.log(`${r.parser} / eventsource-parser, ${r.input}: ${fmt(ratio, 1)}x (wall ${fmt(wallRatio, 1)}x); target >= 10x: ${verdict(ratio >= 10)}${target}`);
}
