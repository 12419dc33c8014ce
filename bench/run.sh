#!/usr/bin/env bash
# The whole benchmark in one run (bench/README.md): raw limits, holds on the scaled topology
# (3 instances + HAProxy, PostgreSQL + Redis), the advisory-lock hold store, load shedding at
# 2× capacity, and the embedded default. Results go to bench/results/<UTC timestamp>/.
#   BENCH_STEPS   which parts to run (default: "raw scaled advisory shed embedded simulate checkout invoices queue")
#   SIM_BUYERS    simulated buyers (default 5000; accounts and sessions minted by `bench-buyers`)
#   SIM_SHED      the simulator's instances shed load past this many requests at once (unset: they do not)
#   BENCH_BUYERS  accounts to seed and sign in (default 2000)
#   BENCH_DURATION, BENCH_WARMUP  seconds per measured run (default 20, 5)
#   CHECKOUT_ORDERS, CHECKOUT_WARMUP  orders prepared for the pay step (4000; a buyer holds at most 8 places,
#                 so at most 4 orders of 2 per BENCH_BUYERS), its warm-up (BENCH_WARMUP): the pay path's
#                 code is still being optimized by the JIT for some 30 s after its first call
#   BENCH_CONNECTIONS  connections of the load generator (default 64)
#   BENCH_PG_STATEMENTS  1: PostgreSQL counts every statement (pg_stat_statements) and the checkout step
#                 writes them, by total time, to pg-statements-checkout.txt (default 0)
#   BENCH_ADMISSION  1 (default): the hold events are behind a waiting room and every hold carries its
#                 buyer's admission token; 0: no queue, holds without one (the runs before 2026-11-27)
#   SHED_RATE     the overload rate (default 2× the 1-seat maximum measured in the same run)
#   QUEUE_BUYERS, PUSH_CONNECTIONS  the waiting-room step ("queue", not in the default steps): accounts queued (100000), live lines (10000)
source "$(dirname "$0")/lib.sh"

STEPS=${BENCH_STEPS:-raw scaled advisory shed embedded simulate checkout invoices queue}
SIM_BUYERS=${SIM_BUYERS:-5000}
BUYERS=${BENCH_BUYERS:-2000}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-5}
CONN=${BENCH_CONNECTIONS:-64}
BUYER_PASSWORD=bench-buyer-password-1
OUT="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$OUT/results.jsonl"
mkdir -p "$OUT"
bench_init
bench_packages
machine_summary | tee "$OUT/machine.txt" >&2
build_all
has() { [[ " $STEPS " == *" $1 "* ]]; }

# wrk_run LABEL URL: 2 threads, $CONN connections; the summary line goes to raw.txt.
wrk_run() {
  local label=$1 url=$2
  wrk -t2 -c"$CONN" -d"${DURATION}s" --latency "$url" > "$OUT/wrk-$label.txt"
  echo "$label: $(awk '/Requests\/sec/ {print $2 " req/s"}' "$OUT/wrk-$label.txt"), latency $(awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print "p50 " p50 ", p99 " p99}' "$OUT/wrk-$label.txt")" | tee -a "$OUT/raw.txt" >&2
}

start_postgres
start_redis

if has raw; then
  log "raw limits"
  start_trivial
  wrk_run trivial-kestrel "http://127.0.0.1:$TRIVIAL_PORT/api/ping"
  stop_pid "$TRIVIAL_PID"

  # A small script of the same kind as a hold: read, conditional write, counter.
  sha=$(redis-cli -p "$REDIS_PORT" SCRIPT LOAD "local v = redis.call('HGET', KEYS[1], ARGV[1]) if not v then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('HDEL', KEYS[1], ARGV[1]) end return redis.call('INCR', KEYS[2])")
  redis-benchmark -p "$REDIS_PORT" -c 50 -n 400000 -q evalsha "$sha" 2 '{bench}:seats' '{bench}:fence' seat1 hold1 > "$OUT/redis-benchmark.txt" 2>&1
  echo "redis-benchmark EVALSHA (50 clients): $(tr '\r' '\n' < "$OUT/redis-benchmark.txt" | grep -a 'requests per second' | tail -1)" | tee -a "$OUT/raw.txt" >&2

  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE pgbench" >/dev/null
  pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -s 20 -q pgbench > "$OUT/pgbench-init.txt" 2>&1
  pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 8 -j 2 -T "$DURATION" -M prepared pgbench > "$OUT/pgbench.txt" 2>&1
  echo "pgbench TPC-B (scale 20, 8 clients, 2 threads, prepared, fsync+synchronous_commit on): $(grep -a 'tps' "$OUT/pgbench.txt" | tail -1)" | tee -a "$OUT/raw.txt" >&2
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE pgbench" >/dev/null
fi

# The gates stay on for every hold (rate limits checked in Redis, a proof of work solved per hold)
# but sized for a load generator on one address: buckets large enough not to refuse the benchmark's
# own traffic, and a proof of work of ${POW_MAX:-100} numbers instead of 50,000 so the client's
# hashing does not eat the CPU the servers are measured on: the server's part (sign a challenge,
# verify one hash, spend the proof in Redis) costs the same at any difficulty, while at 1,000 the
# generator's solving took a third of the machine in a hold profile (docs/PERFORMANCE.md). The
# simulator keeps ${SIM_POW_MAX:-1000}, the per-account and per-device buckets at their defaults
# (only the shared loopback address is opened up).
BIG=(Capacity=1000000 RefillPerMinute=100000000)
GATE_ENV=("Encore__BotDefense__ProofOfWork__MaxNumber=${POW_MAX:-100}")
for who in Account Device Address; do for kv in "${BIG[@]}"; do GATE_ENV+=("Encore__RateLimits__Policies__holds__${who}__${kv}"); done; done
# The admission step (admit_buyers) queues every buyer from the generator's one address.
for policy in queue-join queue-status; do for kv in "${BIG[@]}"; do GATE_ENV+=("Encore__RateLimits__Policies__${policy}__Address__${kv}"); done; done
SIM_GATE_ENV=("Encore__BotDefense__ProofOfWork__MaxNumber=${SIM_POW_MAX:-1000}")
for policy in holds queue-join queue-status; do for kv in "${BIG[@]}"; do SIM_GATE_ENV+=("Encore__RateLimits__Policies__${policy}__Address__${kv}"); done; done
# The fraud screen's counters that one load generator trips by being one machine: every buyer comes
# from 127.0.0.1 and pays with Stripe's shared test cards (one fingerprint for thousands of accounts).
# The per-account and per-device rules stay at their defaults; these three are turned off (a limit
# at or above what a count reads: docs/payments.md), so nothing is counted for them.
PAY_ENV=()
for rule in IpVelocityLimit CardVelocityLimit CardAccountsLimit; do PAY_ENV+=("Encore__Payments__Fraud__${rule}=100000000"); done
SIM_GATE_ENV+=("${PAY_ENV[@]}")
# The scaled topology needs the simulated gateway's webhook secret configured (docs/payments.md): one per run, shared by the instances.
WEBHOOK_SECRET="whsec_bench_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# And, as production runs, a certificate that encrypts the Data Protection key ring in the database (docs/identity.md).
KEYRING_PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Encore bench key ring" \
  -keyout "$BENCH_TMP/keyring.key" -out "$BENCH_TMP/keyring.crt" 2>/dev/null
openssl pkcs12 -export -inkey "$BENCH_TMP/keyring.key" -in "$BENCH_TMP/keyring.crt" -out "$BENCH_TMP/keyring.pfx" -passout "pass:$KEYRING_PASSWORD"
SCALED_ENV=(Encore__Storage=Postgres "ConnectionStrings__Postgres=$PG_CONN" "ConnectionStrings__Redis=127.0.0.1:$REDIS_PORT" Encore__Demo__Seed=off
  "Encore__Payments__Simulated__WebhookSecret=$WEBHOOK_SECRET"
  "Encore__DataProtection__Certificate__Path=$BENCH_TMP/keyring.pfx" "Encore__DataProtection__Certificate__Password=$KEYRING_PASSWORD")
(cd "$OUT/bin/app" && env "${SCALED_ENV[@]}" dotnet Encore.Web.dll seed-demo >"$OUT/seed-demo.log" 2>&1)

# start_scaled [ENV=VALUE ...]: three instances behind HAProxy, with the gates of $GATES.
GATES=("${GATE_ENV[@]}")
start_scaled() {
  APP_PORTS=()
  SCALED_EXTRA=("$@")
  local i
  for i in 1 2 3; do
    local port; port=$(free_port)
    start_app "app$i" "$port" "${SCALED_ENV[@]}" "${GATES[@]}" "$@"
    APP_PORTS+=("$port")
  done
  start_lb "${APP_PORTS[@]}"
  URL="http://127.0.0.1:$LB_PORT"
}
stop_scaled() {
  local name
  for name in app1 app2 app3; do stop_pid "${APP_PIDS[$name]}"; done
  stop_pid "${BENCH_PIDS[-1]}" # HAProxy, started last
}

# inject_faults "KIND@SECONDS ..." PID: each fault at its time after now, while PID runs.
#   appN      the instance is killed (SIGKILL, mid-request) and started again 10 s later on its port
#   postgres  PostgreSQL crashes (immediate stop: no checkpoint, WAL replay at start) and starts again
#   redis     Redis stalls for 8 s (SIGSTOP, then SIGCONT): every command times out meanwhile
inject_faults() {
  local started=$SECONDS fault kind at pid=$2
  for fault in $(tr ' ' '\n' <<<"$1" | sort -t@ -k2 -n); do
    kind=${fault%@*}; at=${fault#*@}
    while [ $((SECONDS - started)) -lt "$at" ]; do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -0 "$pid" 2>/dev/null || return 0
    case $kind in
      app[123])
        fault_log "$kind killed (SIGKILL)"
        kill -KILL "${APP_PIDS[$kind]}" 2>/dev/null || true
        sleep 10
        local port=${APP_PORTS[$((${kind#app} - 1))]}
        start_app "$kind-restarted" "$port" "${SCALED_ENV[@]}" "${GATES[@]}" "${SCALED_EXTRA[@]}"
        APP_PIDS[$kind]=${APP_PIDS[$kind-restarted]}
        fault_log "$kind started again on port $port";;
      postgres)
        fault_log "PostgreSQL crashed (pg_ctl stop -m immediate)"
        as_postgres "$PG_BIN/pg_ctl" -D "$BENCH_PG_DATA" -m immediate -w stop >/dev/null
        sleep 3
        as_postgres "$PG_BIN/pg_ctl" -D "$BENCH_PG_DATA" -l "$BENCH_PG_DATA/log" -w start >/dev/null
        fault_log "PostgreSQL started again (crash recovery done)";;
      redis)
        fault_log "Redis stalled (SIGSTOP)"
        kill -STOP "$REDIS_PID"
        sleep 8
        kill -CONT "$REDIS_PID"
        fault_log "Redis resumed (SIGCONT)";;
      *) log "unknown fault '$kind' (appN, postgres, redis)"; exit 1;;
    esac
  done
}
fault_log() { log "fault: $*"; printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >> "$OUT/faults.log"; }

# admit_buyers URL PREFIX: the hold event goes behind a waiting room and every buyer is admitted, so
# each hold carries an admission token through the gate, as in a real on-sale (BENCH_ADMISSION=0: no queue).
admit_buyers() {
  [ "${BENCH_ADMISSION:-1}" = 1 ] || return 0
  bench admit --url "$1" --event "$OUT/event-$2.json" --tokens "$OUT/tokens-$2.txt" --out "$OUT/tokens-$2.txt" | tee -a "$OUT/raw.txt" >&2
}

# hold_suite PREFIX URL: closed-loop maximum, then 70% of it at a constant rate, for each hold kind.
hold_suite() {
  local prefix=$1 url=$2 kind
  # Priming, not measured: the first holds after the instances start stall for several seconds
  # (docs/PERFORMANCE.md, "cold start"); a figure should not depend on which suite runs first.
  bench run --url "$url" --workload hold1 --event "$OUT/event-$prefix.json" --tokens "$OUT/tokens-$prefix.txt" --mode max \
    --connections "$CONN" --warmup 2 --duration 15 --label "$prefix-priming" --results "$OUT/priming.jsonl" >/dev/null || true
  for kind in hold1 hold4 ga; do
    bench run --url "$url" --workload "$kind" --event "$OUT/event-$prefix.json" --tokens "$OUT/tokens-$prefix.txt" --mode max \
      --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --label "$prefix-$kind-max" --results "$RESULTS" || true
    bench run --url "$url" --workload "$kind" --event "$OUT/event-$prefix.json" --tokens "$OUT/tokens-$prefix.txt" --mode rate \
      --rate "0.7x:$prefix-$kind-max" --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --label "$prefix-$kind-70pct" --results "$RESULTS" || true
  done
}

if has scaled || has advisory || has shed; then
  start_scaled
  seed_buyers_postgres "$BUYERS"; SEEDED=1
  bench setup --url "$URL" --seats 20000 --standing 5000 --limit 8 --out "$OUT/event-scaled.json" >&2
  bench login --url "$URL" --count "$BUYERS" --password "$BUYER_PASSWORD" --parallel 32 --out "$OUT/tokens-scaled.txt" | tee -a "$OUT/raw.txt" >&2
  admit_buyers "$URL" scaled
  cp "$OUT/event-scaled.json" "$OUT/event-advisory.json"; cp "$OUT/tokens-scaled.txt" "$OUT/tokens-advisory.txt"
fi

if has scaled; then
  log "scaled: 3 instances, Redis hold store"
  wrk_run encore-ping-lb "$URL/api/ping"
  wrk_run encore-ping-one "http://127.0.0.1:${APP_PORTS[0]}/api/ping"
  bench run --url "$URL" --workload ping --mode max --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --label scaled-ping-max --results "$RESULTS"
  hold_suite scaled "$URL"
  bench race --url "$URL" --event "$OUT/event-scaled.json" --tokens "$OUT/tokens-scaled.txt" --label scaled-race --results "$RESULTS" || true
fi

if has shed; then
  log "load shedding at 2× the 1-seat hold capacity"
  bench run --url "$URL" --workload hold1 --event "$OUT/event-scaled.json" --tokens "$OUT/tokens-scaled.txt" --mode rate \
    --rate "${SHED_RATE:-2x:scaled-hold1-max}" --connections 512 --warmup 2 --duration "$DURATION" --label scaled-hold1-2x --results "$RESULTS" || true
fi

if has advisory; then
  log "scaled: 3 instances, advisory-lock hold store"
  stop_scaled
  start_scaled Encore__Inventory__HoldStore=AdvisoryLock
  hold_suite advisory "$URL"
  bench race --url "$URL" --event "$OUT/event-advisory.json" --tokens "$OUT/tokens-advisory.txt" --label advisory-race --results "$RESULTS" || true
fi

if has shed; then
  log "load shedding on: Encore:LoadShedding:MaxConcurrentRequests=${SHED_LIMIT:-64}, QueueLimit=${SHED_QUEUE:-128}"
  stop_scaled
  start_scaled Encore__LoadShedding__MaxConcurrentRequests="${SHED_LIMIT:-64}" Encore__LoadShedding__QueueLimit="${SHED_QUEUE:-128}"
  bench run --url "$URL" --workload hold1 --event "$OUT/event-scaled.json" --tokens "$OUT/tokens-scaled.txt" --mode rate \
    --rate "${SHED_RATE:-2x:scaled-hold1-max}" --connections 512 --warmup 2 --duration "$DURATION" --label scaled-hold1-2x-shedding --results "$RESULTS" || true
  log "load shedding at the load balancer: HAProxy maxconn ${SHED_LB_MAXCONN:-32} per instance, queue timeout ${LB_QUEUE_TIMEOUT:-40ms}; the instances' limiter stays on"
  stop_scaled
  LB_SERVER_MAXCONN=${SHED_LB_MAXCONN:-32} start_scaled Encore__LoadShedding__MaxConcurrentRequests="${SHED_LIMIT:-64}" Encore__LoadShedding__QueueLimit="${SHED_QUEUE:-128}"
  bench run --url "$URL" --workload hold1 --event "$OUT/event-scaled.json" --tokens "$OUT/tokens-scaled.txt" --mode rate \
    --rate "${SHED_RATE:-2x:scaled-hold1-max}" --connections 512 --warmup 2 --duration "$DURATION" --label scaled-hold1-2x-shedding-lb --results "$RESULTS" || true
fi

if has scaled || has advisory || has shed; then stop_scaled; fi

if has simulate; then
  log "simulator: $SIM_BUYERS buyers, 3 instances behind HAProxy"
  GATES=("${SIM_GATE_ENV[@]}")
  # SIM_SHED=N: each instance works on N requests at once and refuses the rest with 503 + Retry-After
  # after a short wait (Encore:LoadShedding), as an operator would run an on-sale; unset: no limit.
  start_scaled ${SIM_SHED:+Encore__LoadShedding__MaxConcurrentRequests=$SIM_SHED Encore__LoadShedding__QueueLimit=${SHED_QUEUE:-128}}
  # The buyers' accounts and sessions, minted by the app's bench-only command (docs/simulator.md):
  # no password sign-ins, so the number of buyers is not bounded by PBKDF2.
  (cd "$OUT/bin/app" && env "${SCALED_ENV[@]}" ASPNETCORE_ENVIRONMENT=Benchmark Encore__Bench__MintSessions=true Logging__LogLevel__Default=Warning \
    dotnet Encore.Web.dll bench-buyers --count "$SIM_BUYERS" --out "$OUT/buyers-sim.tsv") | tee -a "$OUT/raw.txt" >&2
  dotnet "$OUT/bin/simulator/Encore.Simulator.dll" --url "$URL" --buyers-file "$OUT/buyers-sim.tsv" --buyers "$SIM_BUYERS" \
    --pre-queue "${SIM_PREQUEUE:-30}" --arrival "${SIM_ARRIVAL:-30}" --duration "${SIM_DURATION:-150}" --pace "${SIM_PACE:-600}" \
    --live-share "${SIM_LIVE:-0.2}" --poll "${SIM_POLL:-10}" --check-in "${SIM_CHECKIN:-60}" --report "$OUT/simulation.md" \
    --postgres "$PG_CONN" --reconcile "cd '$OUT/bin/app' && env $(printf "'%s' " "${SCALED_ENV[@]}") Logging__LogLevel__Default=Warning dotnet Encore.Web.dll reconcile" &
  SIM_PID=$!
  # SIM_FAULTS="app2@60 postgres@100 redis@140": faults injected while the buyers run (seconds after
  # the simulator starts), so its end checks judge the invariants after them (docs/simulator.md).
  [ -z "${SIM_FAULTS:-}" ] || inject_faults "$SIM_FAULTS" "$SIM_PID"
  wait "$SIM_PID" || { log "the simulator reported a failed check"; SIM_FAILED=1; }
  if [ -s "$OUT/faults.log" ]; then { printf '\n## Faults injected\n\n'; sed 's/^/- /' "$OUT/faults.log"; } >> "$OUT/simulation.md"; fi
  stop_scaled
fi

if has checkout; then
  # Issue 5's speed targets: the pay call (authorize with the simulated gateway, one durable
  # transaction, capture) and gate scans (verify + atomic check-in) at the maximum through HAProxy
  # on the 3 instances, against pgbench TPC-B of the same PostgreSQL server (the "raw" step); then
  # offline ES256 verification per core. Orders are prepared first (hold + create, not measured).
  log "checkout: pay and scan at the maximum, offline verification per core"
  GATES=("${GATE_ENV[@]}" "${PAY_ENV[@]}")
  start_scaled
  [ -n "${SEEDED:-}" ] || { seed_buyers_postgres "$BUYERS"; SEEDED=1; }
  pg_statements reset
  bench setup --url "$URL" --seats 20000 --standing 1000 --limit 8 --doors-open-now --out "$OUT/event-checkout.json" >&2
  bench login --url "$URL" --count "$BUYERS" --password "$BUYER_PASSWORD" --parallel 32 --out "$OUT/tokens-checkout.txt" | tee -a "$OUT/raw.txt" >&2
  bench checkout --url "$URL" --event "$OUT/event-checkout.json" --tokens "$OUT/tokens-checkout.txt" --orders "${CHECKOUT_ORDERS:-4000}" \
    --connections "$CONN" --pids "${APP_PIDS[app1]},${APP_PIDS[app2]},${APP_PIDS[app3]}" --warmup "${CHECKOUT_WARMUP:-$WARMUP}" --duration "$DURATION" --results "$RESULTS" | tee -a "$OUT/raw.txt" >&2 || { log "the checkout benchmark failed"; CHECKOUT_FAILED=1; }
  pg_statements dump checkout
  stop_scaled
  if [ -f "$OUT/pgbench.txt" ]; then
    bench targets --results "$RESULTS" --pgbench-tps "$(grep -a '^tps' "$OUT/pgbench.txt" | tail -1 | awk '{print $3}')" | tee -a "$OUT/raw.txt" >&2
  fi
fi

if has invoices; then
  # One seller's VAT invoices issued side by side through HAProxy on the 3 instances (an on-sale's
  # paid orders are all one organizer's): the rate the gapless numbering lets through, and a check
  # that the numbers came out 1…n.
  log "invoices: one seller, $CONN connections"
  start_scaled
  bench invoices --url "$URL" --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --results "$RESULTS" | tee -a "$OUT/raw.txt" >&2 || { log "the invoice benchmark failed"; INVOICES_FAILED=1; }
  stop_scaled
fi

if has idle; then
  # What three instances cost with nothing to do: their background services (each module's outbox
  # relay, the webhook relay, the waiting room's tick, the maintenance workers) poll on their own.
  log "idle: 3 instances, nothing asked of them"
  start_scaled
  sleep "${IDLE_SETTLE:-30}"
  cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  declare -A idle_before
  for name in app1 app2 app3; do idle_before[$name]=$(cpu "${APP_PIDS[$name]}"); done
  sleep "${IDLE_SECONDS:-60}"
  for name in app1 app2 app3; do
    ticks=$(( $(cpu "${APP_PIDS[$name]}") - ${idle_before[$name]} ))
    echo "idle CPU of $name over ${IDLE_SECONDS:-60} s: $(awk -v t="$ticks" -v s="${IDLE_SECONDS:-60}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t * 100 / s / hz }')% of a core" | tee -a "$OUT/raw.txt" >&2
  done
  stop_scaled
fi

if has queue; then
  # The waiting room's speed targets: joins vs /api/ping of the same instances through the same
  # HAProxy (and vs the trivial app), RSS per instance with QUEUE_BUYERS queued, the counter push to
  # PUSH_CONNECTIONS live WebSocket lines (straight to the instances: HAProxy may hold only ~9,000
  # connections under this container's 20,000-file limit).
  QUEUE_BUYERS=${QUEUE_BUYERS:-100000}
  PUSH_CONNECTIONS=${PUSH_CONNECTIONS:-10000}
  log "waiting room: joins, $QUEUE_BUYERS queued, push to $PUSH_CONNECTIONS live lines"
  GATES=("Encore__BotDefense__ProofOfWork__MaxNumber=${POW_MAX:-100}")
  for policy in queue-join queue-status; do for who in Account Device Address; do for kv in "${BIG[@]}"; do GATES+=("Encore__RateLimits__Policies__${policy}__${who}__${kv}"); done; done; done
  start_scaled
  (cd "$OUT/bin/app" && env "${SCALED_ENV[@]}" ASPNETCORE_ENVIRONMENT=Benchmark Encore__Bench__MintSessions=true Logging__LogLevel__Default=Warning \
    dotnet Encore.Web.dll bench-buyers --count "$QUEUE_BUYERS" --out "$OUT/buyers-queue.tsv") | tee -a "$OUT/raw.txt" >&2
  bench setup --url "$URL" --seats 1000 --standing 1000 --limit 8 --out "$OUT/event-queue.json" >&2
  bench queue-setup --url "$URL" --event "$OUT/event-queue.json" --pace "${QUEUE_PACE:-60}" >&2
  for name in app1 app2 app3; do echo "RSS $name before joins: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/${APP_PIDS[$name]}/status")" | tee -a "$OUT/raw.txt" >&2; done
  bench run --url "$URL" --workload ping --mode max --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --label queue-ping-max --results "$RESULTS"
  bench queue --mode joins --url "$URL" --event "$OUT/event-queue.json" --buyers-file "$OUT/buyers-queue.tsv" \
    --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --label queue-join-max --results "$RESULTS"
  bench queue --mode join-all --url "$URL" --event "$OUT/event-queue.json" --buyers-file "$OUT/buyers-queue.tsv" --count "$QUEUE_BUYERS" | tee -a "$OUT/raw.txt" >&2
  for name in app1 app2 app3; do echo "RSS $name with $QUEUE_BUYERS queued: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/${APP_PIDS[$name]}/status")" | tee -a "$OUT/raw.txt" >&2; done
  echo "Redis used_memory with $QUEUE_BUYERS queued: $(redis-cli -p "$REDIS_PORT" INFO memory | tr -d '\r' | awk -F: '/^used_memory_human/ {print $2}')" | tee -a "$OUT/raw.txt" >&2
  bench queue --mode push --urls "$(printf 'http://127.0.0.1:%s,' "${APP_PORTS[@]}" | sed 's/,$//')" --event "$OUT/event-queue.json" \
    --buyers-file "$OUT/buyers-queue.tsv" --connections "$PUSH_CONNECTIONS" --duration "${PUSH_DURATION:-30}" \
    --pids "${APP_PIDS[app1]},${APP_PIDS[app2]},${APP_PIDS[app3]}" --results "$RESULTS" | tee -a "$OUT/raw.txt" >&2
  stop_scaled
fi

if has embedded; then
  log "embedded: one instance, SQLite + in-process stores"
  EMB_PORT=$(free_port)
  start_app embedded "$EMB_PORT" "ConnectionStrings__Sqlite=Data Source=$BENCH_TMP/embedded.db" Encore__Demo__Seed=auto "${GATE_ENV[@]}"
  seed_buyers_sqlite "$BENCH_TMP/embedded.db" "$BUYERS"
  EURL="http://127.0.0.1:$EMB_PORT"
  bench setup --url "$EURL" --seats 20000 --standing 5000 --limit 8 --out "$OUT/event-embedded.json" >&2
  bench login --url "$EURL" --count "$BUYERS" --password "$BUYER_PASSWORD" --parallel 32 --out "$OUT/tokens-embedded.txt" | tee -a "$OUT/raw.txt" >&2
  admit_buyers "$EURL" embedded
  wrk_run embedded-ping "$EURL/api/ping"
  bench run --url "$EURL" --workload ping --mode max --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --label embedded-ping-max --results "$RESULTS"
  hold_suite embedded "$EURL"
  bench race --url "$EURL" --event "$OUT/event-embedded.json" --tokens "$OUT/tokens-embedded.txt" --label embedded-race --results "$RESULTS" || true
  stop_pid "${APP_PIDS[embedded]}"
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2
[ -f "$RESULTS" ] && bench report --results "$RESULTS" > "$OUT/table.md"
cat "$OUT/raw.txt" "$OUT/table.md" 2>/dev/null || true
log "results in $OUT"
[ -z "${SIM_FAILED:-}" ] && [ -z "${CHECKOUT_FAILED:-}" ] && [ -z "${INVOICES_FAILED:-}" ]
