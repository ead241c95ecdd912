#!/usr/bin/env bash
# Weft's benchmarks in one command (see docs/benchmarks.md).
#
#   benchmarks/run.sh             build, run the JMH suite (2 forks) and the startup benchmark (20 rounds),
#                                 then the cross-instance eviction delay (5,000 measured messages per variant
#                                 after 2,000 of warm-up) and the cold-key stampede across 4 JVMs of 32 callers
#                                 (20 measured rounds per variant), with
#                                 its own redis-server on a free loopback port for the L2, eviction and stampede
#                                 benchmarks; write benchmarks/results/<date>.json (JMH JSON), <date>-startup.json
#                                 (and <date>-startup-hello.json: a hello world with one woven method, start to exit),
#                                 <date>-eviction.json, <date>-stampede.json and <date>.svg, and print the
#                                 tables; then the HTTP load run of the sample service (20 s per variant, printed
#                                 and written to <date>-http.json), and the heap retained per L1 entry (Weft's
#                                 and raw Caffeine's, 100,000 entries each). About 13 minutes on 2 cores.
#   benchmarks/run.sh --smoke     every benchmark once, briefly, to check that they still start and that
#                                 Weft is still woven (under 60 s); writes to benchmarks/target/smoke/.
#
# Options: --no-build (use the jars already built), --only REGEX (JMH benchmarks whose method name contains a match, e.g. 'weft|HandBuilt'),
#          --no-startup, --no-jmh, --no-eviction, --no-http, --no-memory, --no-stampede, --rounds N (startup rounds,
#          default 20), --messages N (eviction messages per variant, warm-up included, default 7000; 300 with --smoke),
#          --stampede-rounds N (measured stampede rounds per variant, default 20).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

smoke=0 build=1 jmh=1 startup=1 eviction=1 http=1 memory=1 stampede=1 only="" rounds=20 messages="" stampede_rounds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-build) build=0 ;;
    --no-jmh) jmh=0 ;;
    --no-startup) startup=0 ;;
    --no-eviction) eviction=0 ;;
    --no-http) http=0 ;;
    --no-memory) memory=0 ;;
    --no-stampede) stampede=0 ;;
    --stampede-rounds) stampede_rounds="$2"; shift ;;
    --messages) messages="$2"; shift ;;
    --only) only="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

JAVA=${JAVA:-java}
AGENT=$ROOT/agent/target/weft-agent.jar
APP=$ROOT/sample-app/target/weft-sample-app.jar
BENCH=$ROOT/benchmarks/target/benchmarks.jar
EMPTY_AGENT=$ROOT/benchmarks/target/weft-benchmarks-empty-agent.jar
BB_AGENT=$ROOT/benchmarks/target/bytebuddy-agent.jar
HELLO=$ROOT/benchmarks/target/weft-benchmarks-hello.jar

started=$(date +%s)
# read before the build, which loads the machine itself: a high value means someone else is busy
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
if [ "$build" = 1 ]; then
  echo "== building (./mvnw -q -DskipTests package)"
  ./mvnw -q -DskipTests package
fi
for jar in "$AGENT" "$APP" "$BENCH" "$EMPTY_AGENT" "$BB_AGENT" "$HELLO"; do
  [ -f "$jar" ] || { echo "missing $jar: build with ./mvnw -DskipTests package" >&2; exit 1; }
done

label="commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- agent annotations 2>/dev/null \
    || [ -n "$(git ls-files --others --exclude-standard agent annotations 2>/dev/null)" ]; then
  label="$label with uncommitted changes in agent/ or annotations/"
fi

if [ "$smoke" = 1 ]; then
  OUT=$ROOT/benchmarks/target/smoke
  JSON=$OUT/jmh.json
  STARTUP_JSON=$OUT/startup.json
  HELLO_JSON=$OUT/startup-hello.json
  EVICTION_JSON=$OUT/eviction.json
  HTTP_JSON=$OUT/http.json
  STAMPEDE_JSON=$OUT/stampede.json
  http_args=(--seconds 2 --warmup 1 --clients 4)
  # Weft's default variant only, 2 JVMs of 8 callers, one warm-up round and one measured: a few seconds
  stampede_args=(--rounds 1 --warmup-rounds 1 --peers 2 --threads 8 --variants weft)
  suite_args=(--smoke)
  eviction_args=(--messages "${messages:-300}" --warmup 200)
  startup_args=(--rounds 1 --warmup-rounds 0)
else
  OUT=$ROOT/benchmarks/results
  day=$(date -u +%Y-%m-%d)
  JSON=$OUT/$day.json
  STARTUP_JSON=$OUT/$day-startup.json
  HELLO_JSON=$OUT/$day-startup-hello.json
  EVICTION_JSON=$OUT/$day-eviction.json
  HTTP_JSON=$OUT/$day-http.json
  STAMPEDE_JSON=$OUT/$day-stampede.json
  http_args=(--seconds 20 --warmup 5 --clients 8)
  stampede_args=(--rounds "$stampede_rounds" --warmup-rounds 5 --peers 4 --threads 32)
  suite_args=()
  eviction_args=(--messages "${messages:-7000}" --warmup 2000)
  startup_args=(--rounds "$rounds" --warmup-rounds 1)
fi
mkdir -p "$OUT"
if [ -n "$only" ]; then suite_args+=(--only "$only"); fi

echo "== $($JAVA -version 2>&1 | head -1); $(nproc) cores; $label; load average $load"
if [ "$smoke" = 0 ] && awk -v l="$load" 'BEGIN { exit !(l + 0 >= 1.0) }'; then
  echo "WARNING: the machine is busy (1-minute load average $load): other processes will disturb the numbers" >&2
fi
# A private redis-server on a free loopback port for the L2-hit, eviction and stampede benchmarks (never the
# shared one: the eviction and stampede benchmarks empty it between variants); stopped by its PID when this script exits.
REDIS_PID=""
stop_redis() {
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
}
trap stop_redis EXIT
REDIS_URI=""
if [ "$jmh" = 1 ] || [ "$eviction" = 1 ] || [ "$http" = 1 ] || [ "$stampede" = 1 ]; then
  if command -v redis-server >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --protected-mode yes \
        --loglevel warning >"$ROOT/benchmarks/target/redis-server.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 1 50); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then REDIS_URI="redis://127.0.0.1:$port"; break; fi
      sleep 0.1
    done
    [ -n "$REDIS_URI" ] || { echo "redis-server did not start on port $port (see benchmarks/target/redis-server.log)" >&2; exit 1; }
    echo "== private redis-server (pid $REDIS_PID) on $REDIS_URI"
    suite_args+=(--redis "$REDIS_URI")
  else
    echo "WARNING: redis-server is not on PATH: the L2-hit, eviction and stampede benchmarks are skipped" >&2
    eviction=0 stampede=0
  fi
fi

# The PostgreSQL L2 hit (PgL2Hit) and eviction delay (weft-pg) on the database at $WEFT_BENCH_POSTGRES (default: the
# local test database), each run in tables of its own that it drops; skipped when nothing answers there.
POSTGRES_URL=${WEFT_BENCH_POSTGRES:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
pg_hostport=${POSTGRES_URL#jdbc:postgresql://}
pg_hostport=${pg_hostport%%/*}
if (exec 3<>"/dev/tcp/${pg_hostport%:*}/${pg_hostport##*:}") 2>/dev/null; then
  suite_args+=(--postgres "$POSTGRES_URL")
  eviction_args+=(--postgres "$POSTGRES_URL")
elif [ "$jmh" = 1 ] || [ "$eviction" = 1 ]; then
  echo "WARNING: no PostgreSQL answers on $pg_hostport: the PostgreSQL L2-hit and eviction benchmarks are skipped" >&2
fi

if [ "$jmh" = 1 ]; then
  echo "== JMH suite -> $JSON"
  "$JAVA" -cp "$BENCH" io.weft.benchmarks.Suite --agent "$AGENT" --out "$JSON" "${suite_args[@]}"
fi
if [ "$startup" = 1 ]; then
  echo "== startup: time to first request of the sample app -> $STARTUP_JSON"
  "$JAVA" -cp "$BENCH" io.weft.benchmarks.startup.Startup --java "$(command -v "$JAVA")" --app "$APP" \
      --weft "$AGENT" --empty-agent "$EMPTY_AGENT" --bytebuddy-agent "$BB_AGENT" \
      --label "$label; load average at start $load" --out "$STARTUP_JSON" "${startup_args[@]}"
  echo "== startup: a hello world with one woven method, start to exit -> $HELLO_JSON"
  "$JAVA" -cp "$BENCH" io.weft.benchmarks.startup.Startup --java "$(command -v "$JAVA")" --hello "$HELLO" \
      --weft "$AGENT" --empty-agent "$EMPTY_AGENT" --bytebuddy-agent "$BB_AGENT" \
      --label "$label; load average at start $load" --out "$HELLO_JSON" "${startup_args[@]}"
fi

if [ "$eviction" = 1 ]; then
  echo "== cross-instance eviction delay -> $EVICTION_JSON"
  "$JAVA" -cp "$BENCH" io.weft.benchmarks.eviction.Eviction --java "$(command -v "$JAVA")" --redis "$REDIS_URI" \
      --agent "$AGENT" --period-us 2000 --label "$label; load average at start $load" --out "$EVICTION_JSON" \
      "${eviction_args[@]}"
fi
if [ "$stampede" = 1 ]; then
  echo "== cold-key stampede across $([ "$smoke" = 1 ] && echo 2 || echo 4) JVMs -> $STAMPEDE_JSON"
  "$JAVA" -cp "$BENCH" io.weft.benchmarks.stampede.Stampede --java "$(command -v "$JAVA")" --redis "$REDIS_URI" \
      --agent "$AGENT" --label "$label; load average at start $load" --out "$STAMPEDE_JSON" "${stampede_args[@]}"
fi
if [ "$http" = 1 ]; then
  echo "== HTTP load run of the sample service -> $HTTP_JSON"
  redis_args=()
  if [ -n "$REDIS_URI" ]; then redis_args=(--redis "$REDIS_URI"); fi
  "$JAVA" -cp "$BENCH" io.weft.benchmarks.http.HttpLoad --java "$(command -v "$JAVA")" --app "$APP" --agent "$AGENT" \
      "${redis_args[@]}" --out "$HTTP_JSON" "${http_args[@]}"
fi
stop_redis
if [ "$memory" = 1 ]; then
  echo "== heap retained per L1 entry (100,000 entries of List<Book>, the same list in each)"
  "$JAVA" -javaagent:"$AGENT" -Dweft.l1.maxSize=150000 -XX:+UseSerialGC -cp "$BENCH" \
      io.weft.benchmarks.memory.EntryFootprint weft 2>/dev/null
  "$JAVA" -XX:+UseSerialGC -cp "$BENCH" io.weft.benchmarks.memory.EntryFootprint caffeine
fi

if command -v python3 >/dev/null 2>&1; then
  report_args=()
  if [ "$jmh" = 1 ] && [ -f "$JSON" ]; then report_args+=(--jmh "$JSON"); fi
  if [ "$startup" = 1 ] && [ -f "$STARTUP_JSON" ]; then report_args+=(--startup "$STARTUP_JSON"); fi
  chart_args=("${report_args[@]}")
  if [ "$startup" = 1 ] && [ -f "$HELLO_JSON" ]; then chart_args+=(--startup-hello "$HELLO_JSON"); fi
  if [ "$http" = 1 ] && [ -f "$HTTP_JSON" ]; then chart_args+=(--http "$HTTP_JSON"); fi
  if [ "$eviction" = 1 ] && [ -f "$EVICTION_JSON" ]; then report_args+=(--eviction "$EVICTION_JSON"); fi
  if [ "$stampede" = 1 ] && [ -f "$STAMPEDE_JSON" ]; then report_args+=(--stampede "$STAMPEDE_JSON"); fi
  if [ ${#report_args[@]} -gt 0 ]; then
    echo
    if [ "$smoke" = 1 ]; then
      python3 "$ROOT/benchmarks/report.py" --smoke "${report_args[@]}"
    else
      python3 "$ROOT/benchmarks/report.py" "${report_args[@]}"
    fi
    if [ "$smoke" = 0 ] && [ ${#chart_args[@]} -gt 0 ]; then
      python3 "$ROOT/benchmarks/chart.py" "${chart_args[@]}" --out "$OUT/$day.svg"
      echo "chart: $OUT/$day.svg (docs/benchmarks.svg: python3 benchmarks/chart.py ${chart_args[*]} --out docs/benchmarks.svg)"
    fi
  fi
fi
echo "== done in $(( $(date +%s) - started )) s"
