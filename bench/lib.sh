# Shared by the bench scripts: throwaway PostgreSQL and Redis, app instances, HAProxy, and a trap
# that stops everything this run started, by PID. Source it; call bench_init first.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
BENCH_PIDS=()
BENCH_PG_DATA=""
BENCH_TMP=""
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$BENCH_PG_DATA" ] && [ -f "$BENCH_PG_DATA/postmaster.pid" ]; then
    # SIGINT: PostgreSQL's fast shutdown.
    kill -INT "$(head -1 "$BENCH_PG_DATA/postmaster.pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do [ -f "$BENCH_PG_DATA/postmaster.pid" ] || break; sleep 0.1; done
  fi
  [ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
  BENCH_PIDS=()
}

bench_init() {
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  BENCH_TMP=$(mktemp -d /tmp/encore-bench.XXXXXX)
  chmod 755 "$BENCH_TMP"
}

# apt-get install whatever is missing, without letting the packages start their own services.
bench_packages() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v haproxy >/dev/null || missing+=(haproxy)
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  command -v pgbench >/dev/null || missing+=(postgresql-contrib)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then log "missing packages: ${missing[*]} (install them as root)"; exit 1; fi
  local policy=/usr/sbin/policy-rc.d own=0
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' > $policy; chmod +x $policy; own=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; }
  # An if, not `&&`: the function must not return non-zero (set -e) when the file was already there.
  if [ $own = 1 ]; then rm -f $policy; fi
}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# PostgreSQL tuned for this machine but durable: fsync, synchronous_commit and full-page writes on.
start_postgres() {
  PG_PORT=$(free_port)
  BENCH_PG_DATA="$BENCH_TMP/pg"
  mkdir -p "$BENCH_PG_DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$BENCH_PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$BENCH_PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  cat >> "$BENCH_PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$BENCH_PG_DATA'
max_connections = 400
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 8MB
maintenance_work_mem = 256MB
wal_buffers = 16MB
max_wal_size = 4GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
random_page_cost = 1.1
fsync = on
synchronous_commit = on
full_page_writes = on
wal_compression = on
log_min_messages = warning
CONF
  # BENCH_PG_STATEMENTS=1: pg_stat_statements records every statement's calls and time, for the
  # per-step dump (pg_statements) that shows where the database's work goes.
  if [ "${BENCH_PG_STATEMENTS:-0}" = 1 ]; then
    printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" >> "$BENCH_PG_DATA/postgresql.conf"
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$BENCH_PG_DATA" -l "$BENCH_PG_DATA/log" -w start >/dev/null
  PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=encore;Maximum Pool Size=100;No Reset On Close=true"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE encore" >/dev/null
  log "PostgreSQL on 127.0.0.1:$PG_PORT (data $BENCH_PG_DATA)"
}

# pg_statements reset | pg_statements dump LABEL: with BENCH_PG_STATEMENTS=1, forgets the counts, or
# writes the statements by total execution time to pg-statements-LABEL.txt; otherwise nothing.
pg_statements() {
  [ "${BENCH_PG_STATEMENTS:-0}" = 1 ] || return 0
  local sql
  if [ "$1" = reset ]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d encore -qAt -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
    return
  fi
  sql="SELECT calls, round(total_exec_time)::bigint AS total_ms, round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct,
         rows, left(regexp_replace(query, '\s+', ' ', 'g'), 220) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 60"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d encore -c "$sql" > "$OUT/pg-statements-$2.txt"
  log "PostgreSQL statements of $2: $OUT/pg-statements-$2.txt"
}

start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$BENCH_TMP/redis.log" &
  REDIS_PID=$!
  BENCH_PIDS+=($!)
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  log "Redis on 127.0.0.1:$REDIS_PORT"
}

# Release builds of the app, the trivial Kestrel app and the bench client, into $OUT/bin.
build_all() {
  if [ -n "${BENCH_REUSE_BIN:-}" ]; then
    # A previous run's Release build (its bench/results/<timestamp>/bin), to iterate without rebuilding.
    log "reusing the build in $BENCH_REUSE_BIN"
    cp -r "$BENCH_REUSE_BIN" "$OUT/bin"
    # The load generators are built afresh (the app under test is what is reused): publish copies
    # only files newer than the copies cp just made.
    rm -rf "$OUT/bin/simulator" "$OUT/bin/bench"
    dotnet publish "$BENCH_DIR/Encore.Bench" -c Release -o "$OUT/bin/bench" >"$OUT/build.log" 2>&1
    dotnet publish "$BENCH_DIR/Encore.Simulator" -c Release -o "$OUT/bin/simulator" >>"$OUT/build.log" 2>&1
    return 0
  fi
  log "building Release"
  # For this machine's platform, so the app is ReadyToRun as a production publish is (docs/decisions.md).
  dotnet publish "$REPO/src/Encore.Web" -c Release -r "linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')" --self-contained false \
    -o "$OUT/bin/app" >"$OUT/build.log" 2>&1
  dotnet publish "$BENCH_DIR/Encore.Bench.Trivial" -c Release -o "$OUT/bin/trivial" >>"$OUT/build.log" 2>&1
  dotnet publish "$BENCH_DIR/Encore.Bench" -c Release -o "$OUT/bin/bench" >>"$OUT/build.log" 2>&1
  if [ -d "$BENCH_DIR/Encore.Simulator" ] && [ -f "$BENCH_DIR/Encore.Simulator/Encore.Simulator.csproj" ]; then
    dotnet publish "$BENCH_DIR/Encore.Simulator" -c Release -o "$OUT/bin/simulator" >>"$OUT/build.log" 2>&1
  fi
}

bench() { dotnet "$OUT/bin/bench/Encore.Bench.dll" "$@"; }

wait_http() {
  local url=$1 name=$2
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$url" 2>/dev/null && return 0; sleep 0.2; done
  log "$name did not answer $url"; tail -20 "$OUT/$name.log" >&2 || true; exit 1
}

# start_app NAME PORT [ENV=VALUE ...]: one Encore instance from the Release build.
start_app() {
  local name=$1 port=$2; shift 2
  # shellcheck disable=SC2086 # BENCH_APP_ENV is a list of VAR=VALUE words
  (cd "$OUT/bin/app" && exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_gcServer=1 ${BENCH_APP_ENV:-} "$@" \
    dotnet Encore.Web.dll --urls "http://127.0.0.1:$port" >"$OUT/$name.log" 2>&1) &
  BENCH_PIDS+=($!)
  APP_PIDS[$name]=$!
  wait_http "http://127.0.0.1:$port/healthz" "$name"
  log "$name on 127.0.0.1:$port"
}
declare -A APP_PIDS

start_trivial() {
  TRIVIAL_PORT=$(free_port)
  (cd "$OUT/bin/trivial" && DOTNET_gcServer=1 exec dotnet Encore.Bench.Trivial.dll --urls "http://127.0.0.1:$TRIVIAL_PORT" >"$OUT/trivial.log" 2>&1) &
  BENCH_PIDS+=($!)
  TRIVIAL_PID=$!
  wait_http "http://127.0.0.1:$TRIVIAL_PORT/api/ping" trivial
}

# HAProxy round-robin over the given ports, keep-alive to the backends. With LB_SERVER_MAXCONN set,
# each instance gets at most that many requests at once and the rest wait in HAProxy's queue; one
# that waited LB_QUEUE_TIMEOUT (default 40ms) gets a 503 problem+json with Retry-After from HAProxy
# itself: shedding where a refusal costs least, before the request reaches a busy instance. With
# LB_QUEUE_MAX set too, a request that finds that many already waiting is refused the moment it
# arrives instead of after the timeout (compared in docs/PERFORMANCE.md, 2026-11-28).
start_lb() {
  LB_PORT=$(free_port)
  local cfg="$BENCH_TMP/haproxy.cfg" i=0 port server_maxconn=${LB_SERVER_MAXCONN:-2000}
  cat > "$cfg" <<CFG
global
  nbthread 2
  maxconn 9000
defaults
  mode http
  option http-keep-alive
  option forwardfor
  http-reuse always
  # An instance that stops answering its liveness check leaves the rotation within ~2 s; a request
  # whose connection to it was refused goes to another (nothing reached the dead one).
  option httpchk GET /healthz
  default-server check inter 1s fall 2 rise 2
  option redispatch
  retries 2
  retry-on conn-failure
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  maxconn 9000
frontend bench
  bind 127.0.0.1:$LB_PORT
CFG
  if [ -n "${LB_SERVER_MAXCONN:-}" ]; then
    # Releasing a hold gives seats back: it skips the capped queue, as the instances never shed it.
    cat >> "$cfg" <<'CFG'
  acl release method DELETE
  acl hold_path path_reg ^/api/holds/[0-9a-fA-F-]{36}$
  use_backend encore-release if release hold_path
CFG
  fi
  cat >> "$cfg" <<CFG
  default_backend encore
backend encore
  balance roundrobin
CFG
  if [ -n "${LB_SERVER_MAXCONN:-}" ]; then
    cat >> "$cfg" <<CFG
  timeout queue ${LB_QUEUE_TIMEOUT:-40ms}
  http-request return status 503 content-type "application/problem+json" hdr Retry-After 2 string "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.6.4\",\"title\":\"Busy\",\"status\":503,\"detail\":\"Too many requests right now; nothing was done. Try again after the Retry-After delay.\"}" if { queue ge ${LB_QUEUE_MAX:-1000000} }
  http-error status 503 content-type "application/problem+json" hdr Retry-After 2 string "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.6.4\",\"title\":\"Busy\",\"status\":503,\"detail\":\"Too many requests right now; nothing was done. Try again after the Retry-After delay.\"}"
CFG
  fi
  for port in "$@"; do i=$((i+1)); echo "  server app$i 127.0.0.1:$port maxconn $server_maxconn" >> "$cfg"; done
  if [ -n "${LB_SERVER_MAXCONN:-}" ]; then
    printf 'backend encore-release\n  balance roundrobin\n' >> "$cfg"
    i=0
    for port in "$@"; do i=$((i+1)); echo "  server app$i 127.0.0.1:$port" >> "$cfg"; done
  fi
  haproxy -f "$cfg" -db >"$OUT/haproxy.log" 2>&1 &
  BENCH_PIDS+=($!)
  wait_http "http://127.0.0.1:$LB_PORT/api/ping" haproxy
  log "HAProxy on 127.0.0.1:$LB_PORT → $*"
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# Buyer accounts straight into the identity tables (the register API would mail a confirmation
# to each): confirmed e-mail, no second factor, one shared password hashed the framework's way.
seed_buyers_postgres() {
  local count=$1 first=${2:-1} hash
  hash=$(bench hash-password "$BUYER_PASSWORD")
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d encore -q -v ON_ERROR_STOP=1 -v hash="$hash" -v first="$first" -v last="$((first + count - 1))" <<'SQL'
INSERT INTO identity."AspNetUsers" ("Id", "DisplayName", "CreatedAt", "UserName", "NormalizedUserName", "Email", "NormalizedEmail",
  "EmailConfirmed", "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
SELECT gen_random_uuid(), 'Bench buyer ' || i, now(), 'buyer' || i || '@bench.test', upper('buyer' || i || '@bench.test'),
  'buyer' || i || '@bench.test', upper('buyer' || i || '@bench.test'), true, :'hash', upper(md5(random()::text)), gen_random_uuid()::text,
  false, false, true, 0
FROM generate_series(:first, :last) AS i;
SQL
}

seed_buyers_sqlite() {
  local db=$1 count=$2 hash
  hash=$(bench hash-password "$BUYER_PASSWORD")
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
INSERT INTO "identity_AspNetUsers" ("Id", "DisplayName", "CreatedAt", "UserName", "NormalizedUserName", "Email", "NormalizedEmail",
  "EmailConfirmed", "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
SELECT upper(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
  'Bench buyer ' || i, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'buyer' || i || '@bench.test', upper('buyer' || i || '@bench.test'),
  'buyer' || i || '@bench.test', upper('buyer' || i || '@bench.test'), 1, '$hash', upper(hex(randomblob(16))), lower(hex(randomblob(16))),
  0, 0, 1, 0
FROM (SELECT i, lower(hex(randomblob(16))) AS h FROM n);
SQL
}

machine_summary() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') × $(nproc) (lscpu: $(lscpu | sed -n 's/^CPU(s): *//p') CPUs, $(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s) per core)"
  echo "memory: $(free -m | awk '/^Mem:/ {print $2 " MiB total, " $7 " MiB available"}')"
  echo "kernel: $(uname -r); dotnet $(dotnet --version); $(haproxy -v | head -1); PostgreSQL $($PG_BIN/postgres --version | awk '{print $3}'); $(redis-server --version | awk '{print $3}')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
