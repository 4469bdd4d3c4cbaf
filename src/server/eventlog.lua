-- The shared event log of sightline-server instances in Redis (issue 8).
-- Runs atomically in Redis, so every instance sees one order and one id
-- sequence. Keys (PREFIX is ARGV[1], "sightline:" by default):
--   PREFIX events            the log: a stream, entry id "<event id>-0",
--                            fields ts (ms), a, s, d (account, site, device),
--                            type, data (JSON)
--   PREFIX lastid            the last event id handed out (INCR)
--   PREFIX idmarks           sorted set: score = publish time (ms), member =
--                            the first id appended at that time, at most one
--                            a second; tells which ids retention has expired
--   PREFIX seq:A/D           sorted set per device: member = seq, score = the
--                            id of the event that stored it (de-duplication)
--   PREFIX state             hash: "status:A/D" -> online|offline and
--                            "alert:A/D:RULE" -> firing|resolved
--   PREFIX stateevents       hash: the same fields -> the last such event
--                            ("id\nts\na\ns\nd\ntype\ndata")
--   PREFIX devices           set of "A/D" that stored points
--   PREFIX device:A/D        hash: a, s, d, t (last seen, ms)
--   PREFIX fields:A/D        set of the device's field names
-- Modes (ARGV[2]):
--   append NOW_MS RETENTION_MS N M then N events of 7 values
--          (kind key value ts type a/s/d-joined data, see below) and M
--          devices of 5 values (account site device lastSeenMs fieldsCsv):
--          returns one number per event: the new id; minus the original id
--          for a point already stored (same device and seq); 0 for a state
--          event that changes nothing.
--   trim CUTOFF_MS            drops events published before the cutoff
--          (to the second of the newest mark at or before it).
--   heal FLOOR                makes sure ids never go back: the counter is at
--          least FLOOR and the newest logged id; returns it.
--   open FLOOR                heal, then returns {last id, {state events},
--          {{a, s, d, t, {fields}}, ...}}.
local prefix = ARGV[1]
local mode = ARGV[2]
local stream = prefix .. 'events'
local counter = prefix .. 'lastid'
local marks = prefix .. 'idmarks'
local state = prefix .. 'state'
local stateEvents = prefix .. 'stateevents'
local devices = prefix .. 'devices'

-- The oldest id to keep: the newest mark at or before the cutoff (every
-- smaller id was published before it). Older marks are dropped.
local function firstKeptId(cutoffMs)
    local mark = redis.call('ZREVRANGEBYSCORE', marks, cutoffMs, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if #mark == 0 then
        return nil
    end
    redis.call('ZREMRANGEBYSCORE', marks, '-inf', '(' .. mark[2])
    return mark[1]
end

local function topId()
    local top = tonumber(redis.call('GET', counter) or '0')
    local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
    if #last > 0 then
        local logged = tonumber(string.match(last[1][1], '^(%d+)'))
        if logged > top then
            top = logged
        end
    end
    return top
end

if mode == 'append' then
    local now = tonumber(ARGV[3])
    local retention = tonumber(ARGV[4])
    local n = tonumber(ARGV[5])
    local m = tonumber(ARGV[6])
    local minId = firstKeptId(now - retention)
    local results = {}
    local firstId = nil
    local storedDevices = {}
    local touchedSeqKeys = {}
    for i = 0, n - 1 do
        -- kind: 'p' a telemetry point (key = "A/D", value = seq or ''),
        --       's' a state event (key = state field, value = new state),
        --       'e' any other event.
        local b = 7 + i * 7
        local kind, key, value = ARGV[b], ARGV[b + 1], ARGV[b + 2]
        local ts, eventType, where, data = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
        local result = nil
        local seqKey = nil
        if kind == 'p' and value ~= '' then
            seqKey = prefix .. 'seq:' .. key
            local original = redis.call('ZSCORE', seqKey, value)
            if original then
                result = -tonumber(original)
            end
        elseif kind == 's' and redis.call('HGET', state, key) == value then
            result = 0
        end
        if result == nil then
            local id = redis.call('INCR', counter)
            local a, s, d = string.match(where, '^([^/]*)/([^/]*)/([^/]*)$')
            if firstId == nil and minId then
                redis.call('XADD', stream, 'MINID', '~', minId, id .. '-0', 'ts', ts, 'a', a, 's', s, 'd', d,
                    'type', eventType, 'data', data)
            else
                redis.call('XADD', stream, id .. '-0', 'ts', ts, 'a', a, 's', s, 'd', d, 'type', eventType,
                    'data', data)
            end
            if firstId == nil then
                firstId = id
            end
            if kind == 'p' then
                storedDevices[key] = true
                if seqKey then
                    redis.call('ZADD', seqKey, id, value)
                    touchedSeqKeys[seqKey] = true
                end
            elseif kind == 's' then
                redis.call('HSET', state, key, value)
                redis.call('HSET', stateEvents, key, table.concat({id, ts, a, s, d, eventType, data}, '\n'))
            end
            result = id
        end
        results[i + 1] = result
    end
    for seqKey in pairs(touchedSeqKeys) do
        if minId then
            redis.call('ZREMRANGEBYSCORE', seqKey, '-inf', '(' .. minId)
        end
        redis.call('PEXPIRE', seqKey, retention + 3600000)
    end
    if firstId then
        local last = redis.call('ZREVRANGE', marks, 0, 0, 'WITHSCORES')
        if #last == 0 or now - tonumber(last[2]) >= 1000 then
            redis.call('ZADD', marks, now, firstId)
        end
    end
    for j = 0, m - 1 do
        local b = 7 + n * 7 + j * 5
        local a, s, d, seen, names = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4]
        local deviceKey = a .. '/' .. d
        if storedDevices[deviceKey] then
            local hash = prefix .. 'device:' .. deviceKey
            local before = tonumber(redis.call('HGET', hash, 't') or '0')
            redis.call('HSET', hash, 'a', a, 's', s, 'd', d)
            if tonumber(seen) > before then
                redis.call('HSET', hash, 't', seen)
            end
            if names ~= '' then
                local list = {}
                for name in string.gmatch(names, '[^,]+') do
                    list[#list + 1] = name
                end
                redis.call('SADD', prefix .. 'fields:' .. deviceKey, unpack(list))
            end
            redis.call('SADD', devices, deviceKey)
        end
    end
    return results
elseif mode == 'trim' then
    local minId = firstKeptId(tonumber(ARGV[3]))
    if minId then
        -- Exact here (the periodic purge); appends trim approximately.
        redis.call('XTRIM', stream, 'MINID', minId)
        return tonumber(minId)
    end
    return 0
elseif mode == 'heal' or mode == 'open' then
    local top = topId()
    local floor = tonumber(ARGV[3])
    if floor > top then
        top = floor
    end
    redis.call('SET', counter, top)
    if mode == 'heal' then
        return top
    end
    local saved = redis.call('HVALS', stateEvents)
    local known = {}
    for _, deviceKey in ipairs(redis.call('SMEMBERS', devices)) do
        local hash = redis.call('HMGET', prefix .. 'device:' .. deviceKey, 'a', 's', 'd', 't')
        known[#known + 1] = {hash[1], hash[2], hash[3], hash[4], redis.call('SMEMBERS', prefix .. 'fields:' .. deviceKey)}
    end
    return {top, saved, known}
end
return redis.error_reply('unknown mode ' .. tostring(mode))
