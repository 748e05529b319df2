#!/usr/bin/env bash
# Benchmarks the Mux Redis layer against Python's channels_redis and against raw Redis
# (redis-benchmark), all in one run on one private redis-server, and prints a table of the
# figures and their ratios.
#
#   scripts/bench-redis.sh                 # defaults below; takes a few minutes
#   MESSAGES=50000 GROUP_SENDS=500 REPEAT=3 scripts/bench-redis.sh
#
# Needs: a JDK 17+, Maven, redis-server and redis-benchmark (Debian: redis-server, redis-tools),
# and Debian's python3-channels-redis (run with /usr/bin/python3).
#
# Workloads (identical on both sides; see RedisLayerBench and bench_channels_redis.py):
#   send->receive : one process-local channel, WINDOW sends in flight, one receiver
#   fan-out       : MEMBERS process-local channels in one group in one process,
#                   GROUP_SENDS group sends (deliveries = GROUP_SENDS x MEMBERS)
# channels_redis does PY_MESSAGES / PY_GROUP_SENDS (smaller: it is slower), so both sides
# run for a comparable time; rates are per second, so the counts do not bias the ratio.
# Ceiling: redis-benchmark ZADD pipelined (-P 64) with a member the size of one stored message,
# and ZADD of a member the size of one fan-out message (x MEMBERS deliveries each).
# Each side runs REPEAT times, alternating, ROUNDS timed rounds per run after each workload was
# repeated untimed for WARMUP_SECONDS (the JVM compiles the hot code during that time; Python
# gets the same warm-up); the best throughput and the least client CPU per operation of each
# side are reported.
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-20000}
GROUP_SENDS=${GROUP_SENDS:-200}
PY_MESSAGES=${PY_MESSAGES:-3000}
PY_GROUP_SENDS=${PY_GROUP_SENDS:-20}
MEMBERS=${MEMBERS:-1000}
WINDOW=${WINDOW:-64}
ROUNDS=${ROUNDS:-2}
REPEAT=${REPEAT:-2}
WARMUP_SECONDS=${WARMUP_SECONDS:-20}
PYTHON=${PYTHON:-/usr/bin/python3}

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "bench-redis: $1 not found; install: $2" >&2; exit 3; }
}
need redis-server "apt-get install redis-server"
need redis-benchmark "apt-get install redis-tools"
need java "apt-get install openjdk-17-jdk-headless"
need mvn "apt-get install maven"
"$PYTHON" -c 'import channels_redis' 2>/dev/null \
  || { echo "bench-redis: $PYTHON cannot import channels_redis; install: apt-get install python3-channels-redis python3-django-channels" >&2; exit 3; }

work=$(mktemp -d)
redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building mux-examples" >&2
mvn -B -q -pl mux-examples -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2
classpath="mux-examples/target/classes:$(cat mux-examples/target/bench.classpath)"

port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 1 200); do
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.05
done
redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null || { echo "redis-server did not start; log:" >&2; cat "$work/redis.log" >&2; exit 1; }
uri="redis://127.0.0.1:$port"
echo "== private redis-server $(redis-server --version | awk '{print $3}') on $uri" >&2

# The two layers run alternately, REPEAT times each, so that both see the same spells of
# load from other processes on the machine; each side's best figure counts.
for i in $(seq 1 "$REPEAT"); do
  echo "== Mux RedisChannelLayer ($i/$REPEAT)" >&2
  java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.mux.examples.bench.RedisLayerBench --host "$uri" --messages "$MESSAGES" --window "$WINDOW" \
    --members "$MEMBERS" --group-sends "$GROUP_SENDS" --rounds "$ROUNDS" --warmup-seconds "$WARMUP_SECONDS" \
    > "$work/mux_$i.json"
  cat "$work/mux_$i.json" >&2

  echo "== channels_redis ($i/$REPEAT)" >&2
  "$PYTHON" mux-examples/src/main/python/bench_channels_redis.py --host "$uri" \
    --messages "$PY_MESSAGES" --window "$WINDOW" --members "$MEMBERS" --group-sends "$PY_GROUP_SENDS" \
    --rounds "$ROUNDS" --warmup-seconds "$WARMUP_SECONDS" > "$work/py_$i.json"
  cat "$work/py_$i.json" >&2
done

echo "== redis-benchmark ceiling" >&2
# One stored send->receive message: 12 random bytes + msgpack of the benchmark message with
# its 74-character __asgi_channel__ name, about 130 bytes.
small=$(head -c 130 /dev/zero | tr '\0' 'm')
# -r bounds the distinct members (and so the memory); the set stays small, as a consumed queue does.
redis-benchmark -h 127.0.0.1 -p "$port" -q --csv -n 300000 -P 64 -r 100000 \
  ZADD benchceil:small __rand_int__ "${small}__rand_int__" > "$work/ceil_small.csv"
redis-cli -h 127.0.0.1 -p "$port" del benchceil:small >/dev/null
# One fan-out message: the same body with __asgi_channel__ listing every member (~76 bytes each).
big=$(head -c $((MEMBERS * 76 + 60)) /dev/zero | tr '\0' 'g')
redis-benchmark -h 127.0.0.1 -p "$port" -q --csv -n 3000 -P 16 -r 500 \
  ZADD benchceil:big __rand_int__ "${big}__rand_int__" > "$work/ceil_big.csv"
redis-cli -h 127.0.0.1 -p "$port" del benchceil:big >/dev/null

"$PYTHON" - "$work" "$MEMBERS" "$REPEAT" <<'EOF'
import csv, json, os, sys
work, members, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(side):
    runs = [json.load(open(os.path.join(work, f"{side}_{i}.json"))) for i in range(1, repeat + 1)]
    best = dict(runs[0])
    for key in ("send_receive_per_s", "fanout_deliveries_per_s"):
        best[key] = max(r[key] for r in runs)
    for key in ("send_receive_cpu_us", "fanout_cpu_us"):
        best[key] = min(r[key] for r in runs)
    best["send_receive_rounds"] = [x for r in runs for x in r["send_receive_rounds"]]
    best["fanout_rounds"] = [x for r in runs for x in r["fanout_rounds"]]
    return best
mux, py = load("mux"), load("py")
def rps(name):
    rows = list(csv.reader(open(os.path.join(work, name))))
    return float(rows[-1][1])
zadd_small = rps("ceil_small.csv")
zadd_big = rps("ceil_big.csv")
rows = [
    ("send->receive (msg/s)", mux["send_receive_per_s"], py["send_receive_per_s"], zadd_small),
    (f"group fan-out to {members} (deliveries/s)", mux["fanout_deliveries_per_s"],
     py["fanout_deliveries_per_s"], zadd_big * members),
]
print(f"{'throughput':<38} {'Mux':>12} {'channels_redis':>15} {'ceiling':>14} {'Mux/ch_redis':>13} {'Mux/ceiling':>12}")
for name, m, p, c in rows:
    print(f"{name:<38} {m:>12,.0f} {p:>15,.0f} {c:>14,.0f} {m / p:>12.1f}x {m / c:>11.3f}")
print()
print(f"{'client CPU per operation (us)':<38} {'Mux':>12} {'channels_redis':>15} {'ch_redis/Mux':>14}")
for name, m, p in [("send->receive, per message", mux["send_receive_cpu_us"], py["send_receive_cpu_us"]),
                   ("fan-out, per delivery", mux["fanout_cpu_us"], py["fanout_cpu_us"])]:
    print(f"{name:<38} {m:>12.3f} {p:>15.3f} {p / m:>13.1f}x")
print()
print(f"ceiling: redis-benchmark ZADD pipelined -P 64, 130-byte member: {zadd_small:,.0f} ops/s; "
      f"ZADD -P 16 of a {members * 76 + 60}-byte member: {zadd_big:,.0f} ops/s "
      f"(x {members} deliveries each)")
print(f"Mux rounds: send {mux['send_receive_rounds']}, fan-out {mux['fanout_rounds']}")
print(f"channels_redis rounds: send {py['send_receive_rounds']}, fan-out {py['fanout_rounds']}")
print(f"counts per round: Mux {mux['messages']} messages, {mux['group_sends']} group sends; "
      f"channels_redis {py['messages']} messages, {py['group_sends']} group sends; "
      f"window {mux['window']}; {repeat} alternating runs per side; "
      f"warm-up {mux.get('warmup_seconds')} s per workload")
EOF
