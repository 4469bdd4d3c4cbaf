// The baseline for bench/parser: the same input files through the npm package
// eventsource-parser on Node, fed in the same chunk size. Bytes are decoded
// with a streaming TextDecoder first (eventsource-parser takes strings; this
// is what its own EventSourceParserStream does), so both sides start from
// bytes and end with events.
//
//   node eventsource-parser-bench.mjs <module dir> <chunk> <repeat> <file.sse>...
//
// Prints one JSON line per file, like `sightline-bench-parser --json`.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [moduleDir, chunkArg, repeatArg, ...files] = process.argv.slice(2);
const chunk = Number(chunkArg);
const repeat = Number(repeatArg);

const require = createRequire(pathToFileURL(moduleDir + '/'));
const entry = require.resolve('eventsource-parser');
const { createParser } = await import(pathToFileURL(entry).href);
const version = require('eventsource-parser/package.json').version;

function cpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function parseOnce(bytes) {
  let events = 0;
  let dataChars = 0;
  const parser = createParser({
    onEvent(event) {
      events += 1;
      dataChars += event.data.length;
    },
  });
  const decoder = new TextDecoder('utf-8');
  const cpuStart = cpuSeconds();
  const wallStart = performance.now();
  for (let at = 0; at < bytes.length; at += chunk) {
    parser.feed(decoder.decode(bytes.subarray(at, at + chunk), { stream: true }));
  }
  parser.feed(decoder.decode());
  const wall = (performance.now() - wallStart) / 1e3;
  const cpu = cpuSeconds() - cpuStart;
  return { events, dataChars, cpu, wall };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const file of files) {
  const bytes = readFileSync(file);
  const runs = [];
  for (let i = 0; i < repeat; i += 1) runs.push(parseOnce(bytes));
  console.log(JSON.stringify({
    parser: `eventsource-parser ${version} (Node ${process.versions.node})`,
    input: basename(file, '.sse'),
    bytes: bytes.length,
    events: runs[0].events,
    chunk,
    runs: repeat,
    cpuSeconds: median(runs.map((r) => r.cpu)),
    wallSeconds: median(runs.map((r) => r.wall)),
  }));
}
