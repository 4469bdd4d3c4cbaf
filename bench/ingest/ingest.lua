-- wrk script for POST /api/v1/telemetry (bench/ingest/README.md).
-- Environment:
--   SIGHTLINE_KEY     the device's API key (required)
--   SIGHTLINE_DEVICE  its device id (default dev-1)
--   BATCH             points per request (default 1)
--   DELAY_MS          pause per connection between requests (default 0:
--                     as fast as possible; > 0 paces the load)
-- Every point carries a seq unique across wrk threads, so the server does the
-- de-duplication lookup for each point, as it does for real devices.

local key = os.getenv("SIGHTLINE_KEY")
local device = os.getenv("SIGHTLINE_DEVICE") or "dev-1"
local batch = tonumber(os.getenv("BATCH") or "1")
local delayMs = tonumber(os.getenv("DELAY_MS") or "0")

local threads = {}
local counter = 1

function setup(thread)
   thread:set("thread_id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   if key == nil or key == "" then
      error("set SIGHTLINE_KEY to a device key")
   end
   -- A run-unique base so repeated runs against one data dir are not
   -- duplicates of earlier runs.
   seq = (os.time() % 100000) * 1000000000 + thread_id * 10000000
   responses = {}
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["x-api-key"] = key
end

local function point()
   seq = seq + 1
   return string.format(
      '{"deviceId":"%s","ts":"%s","seq":%d,"fields":{"cpu_temp_c":%.1f,"gpu_util_pct":%d,"power_mw":%d}}',
      device, os.date("!%Y-%m-%dT%H:%M:%SZ"), seq, 40 + (seq % 100) / 10, seq % 100, 5000 + seq % 300)
end

function request()
   local body
   if batch == 1 then
      body = point()
   else
      local parts = {}
      for i = 1, batch do
         parts[i] = point()
      end
      body = "[" .. table.concat(parts, ",") .. "]"
   end
   return wrk.format(nil, nil, nil, body)
end

if delayMs > 0 then
   function delay()
      return delayMs
   end
end

function response(status, headers, body)
   responses[status] = (responses[status] or 0) + 1
end

function done(summary, latency, requests)
   local statuses = {}
   for _, thread in ipairs(threads) do
      local r = thread:get("responses")
      for status, n in pairs(r) do
         statuses[status] = (statuses[status] or 0) + n
      end
   end
   for status, n in pairs(statuses) do
      io.write(string.format("status %d: %d responses\n", status, n))
   end
   io.write(string.format("points/s: %.0f\n", summary.requests / (summary.duration / 1e6) * batch))
   io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
