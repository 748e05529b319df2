#!/usr/bin/env bash
# Compares the Channels tutorial chat served by Mux and by Django Channels on one machine, both on
# the Redis channel layer of one private redis-server, with the same loads from the load tool,
# after measuring the machine's latency floor (LoopbackFloor) and 30 s of unmeasured warm-up:
#   blast50   50 clients, 1 sender, 2000 messages back to back, at most 100 in flight
#   paced50   50 clients, 1 sender, 1200 messages at 20 msg/s
#   paced500  500 clients, 1 sender, 100 messages at 20 msg/s
# then the scale test of one Mux node: 10,000 idle connections in one group (heap per connection)
# and 20 group messages to all of them, one after the other (fan-out time), with the in-memory
# and the Redis layer.
# Writes docs/benchmarks-chat.md and docs/benchmarks-chat.png; raw results go to
# mux-examples/target/bench-chat/. Bounded: every load has a time bound and the script stops
# starting new steps BENCH_BUDGET_SECONDS (default 1200) after the build.
#
# usage: scripts/bench-chat.sh [--no-build] [--quick] [--skip-scale]
#   --no-build    use the existing mux-examples/target/mux-examples.jar
#   --quick       small loads (checks the script end to end in about a minute; numbers not meaningful)
#   --skip-scale  skip the 10,000-connection test
#
# Needs: a JDK 17+, Maven, redis-server and redis-benchmark, Debian's python3-django-channels,
# python3-channels-redis and python3-daphne (scripts/install-test-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=1
QUICK=0
SCALE=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --quick) QUICK=1 ;;
    --skip-scale) SCALE=0 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

BUDGET=${BENCH_BUDGET_SECONDS:-1200}
PY=/usr/bin/python3
JAVA=${JAVA:-java}
JAR=mux-examples/target/mux-examples.jar
RESULTS=mux-examples/target/bench-chat
DJANGO_DIR=mux-examples/src/main/python/djangochat
DOC=docs/benchmarks-chat.md
CHART=docs/benchmarks-chat.png
LOAD_JVM=(-Xms256m -Xmx2g -XX:+UseParallelGC)
SERVER_JVM=(-Xms256m -Xmx2g)

if [ "$QUICK" = 1 ]; then
  BLAST_MESSAGES=200; PACED_MESSAGES=40; PACED500_MESSAGES=20; SCALE_CLIENTS=1000; SCALE_BROADCASTS=5
  WARMUP_SECONDS=3
else
  WARMUP_SECONDS=30
  BLAST_MESSAGES=2000; PACED_MESSAGES=1200; PACED500_MESSAGES=100; SCALE_CLIENTS=10000; SCALE_BROADCASTS=20
fi

log() { printf '[bench-chat %4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

need redis-server "install redis-server (Debian: apt-get install redis-server)"
need redis-benchmark "install redis-server (Debian: apt-get install redis-server)"
need redis-cli "install redis-tools"
need "$JAVA" "install a JDK 17+"
[ -x "$PY" ] || die "$PY not found: install Debian's python3"
"$PY" -c 'import channels, channels_redis, daphne, django' 2>/dev/null \
  || die "Django Channels missing: install Debian's python3-django-channels python3-channels-redis python3-daphne"

# Every process this script starts; all are stopped on exit.
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
stop() { # stop one started process
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

wait_port() { # port pid name logfile
  local port=$1 pid=$2 name=$3 logfile=$4
  for _ in $(seq 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$logfile" >&2; die "$name exited before listening on $port"; }
    sleep 0.1
  done
  tail -20 "$logfile" >&2
  die "$name did not listen on $port within 60 s"
}

BUDGET_START=0
budget_left() { [ $((SECONDS - BUDGET_START)) -lt "$BUDGET" ]; }

# 10,000 sockets per process (server and load tool each) need a higher open-files limit.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
if [ "$SCALE" = 1 ] && [ "$(ulimit -n)" -lt $((SCALE_CLIENTS + 1000)) ]; then
  log "open-files limit $(ulimit -n) is too low for $SCALE_CLIENTS connections (raise the hard limit); skipping the scale test"
  SCALE=0
fi

if [ "$BUILD" = 1 ]; then
  log "building $JAR"
  mvn -B -q -DskipTests package -pl mux-examples -am
fi
[ -f "$JAR" ] || die "$JAR not found (run without --no-build)"
BUDGET_START=$SECONDS

rm -rf "$RESULTS"
mkdir -p "$RESULTS" docs

# Is the Mux example server in the jar? It is run with `java -jar`, so it needs a Main-Class.
MUX_MAIN=$("$PY" - "$JAR" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = set(z.namelist())
    manifest = z.read("META-INF/MANIFEST.MF").decode() if "META-INF/MANIFEST.MF" in names else ""
    for line in manifest.splitlines():
        if line.startswith("Main-Class:"):
            print(line.split(":", 1)[1].strip())
PYEOF
)
MUX_NOTE=""
note() { # adds a sentence about the Mux runs to the report, once
  log "WARNING: $1"
  case "$MUX_NOTE" in *"$1"*) ;; *) MUX_NOTE="${MUX_NOTE:+$MUX_NOTE }$1" ;; esac
}
if [ -z "$MUX_MAIN" ]; then
  note "The Mux example server is missing: $JAR has no Main-Class (the server is not built yet), so only Django Channels was measured."
fi

# ---- Redis and its ceiling -------------------------------------------------------------------
REDIS_PORT=$(free_port)
REDIS_DIR=$(mktemp -d)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
  >"$RESULTS/redis.log" 2>&1 &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
wait_port "$REDIS_PORT" "$REDIS_PID" redis-server "$RESULTS/redis.log"
log "redis-server on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"

REDIS_BENCH_ARGS=(-h 127.0.0.1 -p "$REDIS_PORT" -c 50 -n "$([ "$QUICK" = 1 ] && echo 20000 || echo 100000)" -t ping,zadd,zpopmin)
log "redis-benchmark ${REDIS_BENCH_ARGS[*]}"
timeout 120 redis-benchmark "${REDIS_BENCH_ARGS[@]}" --csv >"$RESULTS/redis-benchmark.csv" 2>/dev/null \
  || log "WARNING: redis-benchmark failed"
redis-cli -p "$REDIS_PORT" flushall >/dev/null

# ---- the machine's latency floor: timer wake-ups and loopback round trips between idle threads ----
FLOOR_SAMPLES=$([ "$QUICK" = 1 ] && echo 40 || echo 400)
log "latency floor of this machine: $FLOOR_SAMPLES loopback round trips, one every 50 ms"
timeout 120 "$JAVA" -cp "$JAR" dev.mux.examples.load.LoopbackFloor --samples "$FLOOR_SAMPLES" --interval-ms 50 \
  --json "$RESULTS/floor.json" 2>>"$RESULTS/load.log" >&2 || log "WARNING: the latency floor probe failed"

# ---- the load tool -----------------------------------------------------------------------------
# run_load NAME URL PID [LoadTool options...]
run_load() {
  local name=$1 url=$2 pid=$3
  shift 3
  if ! budget_left; then log "time budget spent: skipping $name"; return 0; fi
  log "load $name: $*"
  timeout 600 "$JAVA" "${LOAD_JVM[@]}" -cp "$JAR" dev.mux.examples.load.LoadTool --url "$url" --label "$name" \
    --server-pid "$pid" --json "$RESULTS/$name.json" "$@" 2>>"$RESULTS/load.log" | tee "$RESULTS/$name.txt" >&2 \
    || log "WARNING: load $name failed (see $RESULTS/load.log)"
}

# warm_up SERVER PORT: a throwaway load before the measured ones, the same for every server: the
# JVM compiles its hot paths during the first tens of thousands of deliveries (a cold Mux server
# measured a third of its warm throughput), and a server in service is warm.
warm_up() {
  local server=$1 port=$2
  budget_left || return 0
  log "warm-up $server: 50 clients back to back for ${WARMUP_SECONDS}s (not measured)"
  timeout 120 "$JAVA" "${LOAD_JVM[@]}" -cp "$JAR" dev.mux.examples.load.LoadTool \
    --url "ws://127.0.0.1:$port/ws/chat/${server}_warmup/" --label "$server-warmup" \
    --clients 50 --senders 1 --messages 200000 --rate 0 --window 100 --max-duration "$WARMUP_SECONDS" \
    --idle-timeout 2 >"$RESULTS/$server-warmup.txt" 2>>"$RESULTS/load.log" \
    || log "WARNING: warm-up of $server failed (see $RESULTS/load.log)"
}

scenarios() { # SERVER PORT PID
  local server=$1 port=$2 pid=$3
  warm_up "$server" "$port"
  run_load "$server-blast50" "ws://127.0.0.1:$port/ws/chat/${server}_blast50/" "$pid" \
    --clients 50 --senders 1 --messages "$BLAST_MESSAGES" --rate 0 --window 100 --warmup 200 --max-duration 150
  run_load "$server-paced50" "ws://127.0.0.1:$port/ws/chat/${server}_paced50/" "$pid" \
    --clients 50 --senders 1 --messages "$PACED_MESSAGES" --rate 20 --warmup 40 --max-duration 120
  run_load "$server-paced500" "ws://127.0.0.1:$port/ws/chat/${server}_paced500/" "$pid" \
    --clients 500 --senders 1 --messages "$PACED500_MESSAGES" --rate 20 --warmup 20 --max-duration 150
}
SCENARIO_TEXT="before the scenarios, each server gets ${WARMUP_SECONDS} s of unmeasured warm-up load (50 clients back to back); blast50 = 50 clients, 1 sender, $BLAST_MESSAGES messages back to back with at most 100 in flight (sent but not yet back at the sender) after 200 warm-up messages; paced50 = 50 clients, 1 sender, $PACED_MESSAGES messages at 20 msg/s after 40 warm-up; paced500 = 500 clients, 1 sender, $PACED500_MESSAGES messages at 20 msg/s after 20 warm-up; idle timeout 5 s; scale = $SCALE_CLIENTS clients, 1 sender, $SCALE_BROADCASTS group messages, each sent when the previous one had reached every client (--serial), idle clients ping every 10 s"

# ---- Django Channels ---------------------------------------------------------------------------
DJANGO_PORT=$(free_port)
(cd "$DJANGO_DIR" && DJANGOCHAT_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  exec "$PY" -m daphne -v 0 -b 127.0.0.1 -p "$DJANGO_PORT" djangochat.asgi:application) \
  >"$RESULTS/daphne.log" 2>&1 &
DJANGO_PID=$!
PIDS+=("$DJANGO_PID")
wait_port "$DJANGO_PORT" "$DJANGO_PID" daphne "$RESULTS/daphne.log"
log "Django Channels (daphne) on 127.0.0.1:$DJANGO_PORT (pid $DJANGO_PID)"
scenarios django "$DJANGO_PORT" "$DJANGO_PID"
stop "$DJANGO_PID"
redis-cli -p "$REDIS_PORT" flushall >/dev/null

# ---- Mux ---------------------------------------------------------------------------------------
start_mux_once() { # NAME [server options...]; sets MUX_PORT and MUX_PID, or returns 1
  local name=$1
  shift
  MUX_PORT=$(free_port)
  "$JAVA" "${SERVER_JVM[@]}" -jar "$JAR" --port "$MUX_PORT" --data-dir "$RESULTS/$name-data" "$@" \
    >"$RESULTS/$name.log" 2>&1 &
  MUX_PID=$!
  PIDS+=("$MUX_PID")
  for _ in $(seq 600); do
    # Listening is not enough: the server may still be checking Redis and give up.
    if grep -qi "ready" "$RESULTS/$name.log" && (exec 3<>"/dev/tcp/127.0.0.1/$MUX_PORT") 2>/dev/null; then
      log "Mux ($name) on 127.0.0.1:$MUX_PORT (pid $MUX_PID)"
      return 0
    fi
    if ! kill -0 "$MUX_PID" 2>/dev/null; then
      log "WARNING: Mux ($name) exited at start: $(tail -2 "$RESULTS/$name.log" | tr '\n' ' ')"
      LAST_START_ERROR="$(grep -v '^[0-9:. ]*\[' "$RESULTS/$name.log" | tail -1 | sed 's/specific\.[0-9a-f!]*/a new channel/')"
      return 1
    fi
    sleep 0.1
  done
  LAST_START_ERROR="it did not get ready within 60 s"
  stop "$MUX_PID"
  return 1
}

# Starts the Mux server (up to three attempts if it exits at start, e.g. a startup check that
# timed out on a busy machine) and checks that it serves the chat: one client, one message.
start_mux() { # NAME [server options...]
  local name=$1
  if ! { start_mux_once "$@" || start_mux_once "$@" || start_mux_once "$@"; }; then
    note "The Mux example server ($name: ${*:2}) failed to start three times: $LAST_START_ERROR."
    return 1
  fi
  local probe
  probe=$(timeout 60 "$JAVA" -cp "$JAR" dev.mux.examples.load.LoadTool \
    --url "ws://127.0.0.1:$MUX_PORT/ws/chat/probe/" --clients 1 --messages 1 --max-duration 20 \
    --idle-timeout 5 --json - 2>/dev/null || true)
  local verdict
  verdict=$(printf '%s' "$probe" | "$PY" -c '
import json, sys
try:
    r = json.load(sys.stdin)
except ValueError:
    print("the load tool gave no report"); sys.exit()
if r["deliveries"]["delivered"] == 1:
    print("ok")
else:
    print("; ".join(r["errors"]["samples"][:1]) or "the probe message was not delivered")')
  if [ "$verdict" != ok ]; then
    note "The Mux example server ($MUX_MAIN) does not serve the chat yet: a one-client probe of /ws/chat/probe/ failed ($verdict)."
    stop "$MUX_PID"
    return 1
  fi
}

if [ -n "$MUX_MAIN" ]; then
  if start_mux mux-redis --redis "redis://127.0.0.1:$REDIS_PORT"; then
    scenarios mux "$MUX_PORT" "$MUX_PID"
    stop "$MUX_PID"
    redis-cli -p "$REDIS_PORT" flushall >/dev/null
  fi
  if [ "$SCALE" = 1 ]; then
    for layer in inmemory redis; do
      budget_left || { log "time budget spent: skipping scale-$layer"; continue; }
      if [ "$layer" = redis ]; then opts=(--redis "redis://127.0.0.1:$REDIS_PORT"); else opts=(); fi
      if start_mux "mux-scale-$layer" "${opts[@]}"; then
        run_load "scale-$layer" "ws://127.0.0.1:$MUX_PORT/ws/chat/scale/" "$MUX_PID" \
          --clients "$SCALE_CLIENTS" --senders 1 --messages "$SCALE_BROADCASTS" --rate 0 --serial --warmup 2 \
          --connect-concurrency 200 --connect-timeout 30 --io-clients 2 --ping-interval 10 --jvm-heap --max-duration 300 \
          --idle-timeout 10
        stop "$MUX_PID"
        redis-cli -p "$REDIS_PORT" flushall >/dev/null
      fi
    done
  fi
else
  log "skipping Mux runs and the scale test: the Mux example server is missing"
fi

# ---- the report --------------------------------------------------------------------------------
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r | cut -d- -f1)"
  echo "java=$("$JAVA" -version 2>&1 | head -1 | tr -d '"')"
  echo "python=$("$PY" -c 'import platform; print(platform.python_version())')"
  "$PY" -c 'import django, channels, channels_redis, daphne; print("django=" + django.get_version()); print("channels=" + channels.__version__); print("channels_redis=" + channels_redis.__version__); print("daphne=" + daphne.__version__)'
  echo "redis=$(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
  echo "redis_benchmark=redis-benchmark ${REDIS_BENCH_ARGS[*]:4}"
  echo "command=scripts/bench-chat.sh${*:+ $*}"
  echo "load_command=java ${LOAD_JVM[*]} -cp $JAR dev.mux.examples.load.LoadTool --url ws://127.0.0.1:PORT/ws/chat/ROOM/ --clients 50 --senders 1 --messages $BLAST_MESSAGES --rate 0 --window 100 --warmup 200 --server-pid PID --json out.json"
  echo "scenarios=$SCENARIO_TEXT"
  echo "mux_note=$MUX_NOTE"
} >"$RESULTS/env.properties"
if [ "$QUICK" = 1 ]; then
  echo "mux_note=$MUX_NOTE (QUICK RUN: small loads, numbers not meaningful)" >>"$RESULTS/env.properties"
fi

"$JAVA" -Djava.awt.headless=true -cp "$JAR" dev.mux.examples.load.ChatBenchReport \
  --results "$RESULTS" --markdown "$DOC" --chart "$CHART"
log "done in ${SECONDS}s: $DOC, $CHART (raw results in $RESULTS)"
[ -z "$MUX_NOTE" ] || log "NOTE: $MUX_NOTE"
