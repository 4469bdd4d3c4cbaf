# Shell functions to run Redis and InfluxDB for Sightline on loopback, each in
# a folder of its own (issue 8). Sourced by scripts/scale-demo.sh and
# bench/scale/run.sh; the functions start the server in the background, wait
# until it answers, and leave its pid in SERVICE_PID.
#
#   source scripts/services.sh
#   port=$(free_port); start_redis "$dir/redis" "$port"; redis_pid=$SERVICE_PID

# A free loopback port: nothing answers a connect to it.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# wait_for NAME LOG COMMAND...: retries COMMAND for up to 30 s.
wait_for() {
    local name=$1 log=$2; shift 2
    for _ in $(seq 1 300); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$name did not start; see $log" >&2
    return 1
}

# start_redis DIR PORT: append-only file, fsync on every write, so an
# acknowledged event survives a crash of Redis itself.
start_redis() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync always \
        --save '' --daemonize no > "$dir/redis.log" 2>&1 &
    SERVICE_PID=$!
    wait_for redis-server "$dir/redis.log" \
        bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'PING\r\n' >&3 && head -c5 <&3 | grep -q PONG"
}

# start_influx DIR PORT: InfluxDB 1.x with meta, data and WAL in DIR; HTTP on
# PORT, its RPC service on another free port; no usage reporting.
start_influx() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    cat > "$dir/influxd.conf" <<CONF
reporting-disabled = true
reporting-enabled = false
bind-address = "127.0.0.1:$(free_port)"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[monitor]
  store-enabled = false
[logging]
  level = "warn"
CONF
    influxd -config "$dir/influxd.conf" > "$dir/influxd.log" 2>&1 &
    SERVICE_PID=$!
    wait_for influxd "$dir/influxd.log" curl -sf "http://127.0.0.1:$port/ping"
}
