#!/usr/bin/env bash
# WxLogin benchmark: publishes WxLogin (Release), a stand-in WeChat and a bare Kestrel ceiling app,
# starts all three on 127.0.0.1 and drives them with wrk. See bench/README.md.
#
#   bench/run.sh                 # ceiling, me, login: one line each, then the me/ceiling ratio
#   bench/run.sh soak [SECONDS]  # mixed 80% me / 15% login / 5% logout; RSS and threads every 10 s
#   bench/run.sh lock            # another process holds the SQLite write lock for 10 s: me and login meanwhile
#
# Environment: WXLOGIN_SOURCE (checkout to publish; default: this repository), DURATION (10),
# WARMUP (5), CONNECTIONS (32), THREADS (2), WXLOGIN_PUBLISH_ARGS (extra arguments for WxLogin's
# dotnet publish, e.g. "-r linux-x64 --self-contained false -p:PublishReadyToRun=true"), SCENARIOS ("ceiling me login", in that order), WXLOGIN_ENV (extra NAME=value settings for WxLogin,
# space-separated, e.g. "Database__LoginWaitTimeout=00:00:02").
set -euo pipefail

MODE=${1:-run}
SOAK_SECONDS=${2:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=${WXLOGIN_SOURCE:-$(dirname "$HERE")}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SCENARIOS=${SCENARIOS:-ceiling me login}
WORK=$(mktemp -d /tmp/wxlogin-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  timeout 300 apt-get install -y wrk >/dev/null 2>&1 \
    || { timeout 300 apt-get update >/dev/null && timeout 300 apt-get install -y wrk >/dev/null; }
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url: up to 60 s
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1 within 60 s" >&2
  return 1
}

echo "publishing (Release) from $SOURCE" >&2
# shellcheck disable=SC2086
timeout 600 dotnet publish "$SOURCE/WxLogin.Web/WxLogin.Web.csproj" -c Release -o "$WORK/web" -v q -nologo ${WXLOGIN_PUBLISH_ARGS:-} >&2
timeout 600 dotnet publish "$HERE/WeChatStub/WeChatStub.csproj" -c Release -o "$WORK/stub" -v q -nologo >&2
timeout 600 dotnet publish "$HERE/Ceiling/Ceiling.csproj" -c Release -o "$WORK/ceiling" -v q -nologo >&2

STUB_PORT=$(free_port); CEILING_PORT=$(free_port); WEB_PORT=$(free_port)
ASPNETCORE_URLS=http://127.0.0.1:$STUB_PORT dotnet "$WORK/stub/WeChatStub.dll" >"$WORK/stub.log" 2>&1 &
PIDS+=($!)
ASPNETCORE_URLS=http://127.0.0.1:$CEILING_PORT dotnet "$WORK/ceiling/Ceiling.dll" >"$WORK/ceiling.log" 2>&1 &
PIDS+=($!)

mkdir -p "$WORK/keys"
# Started in its publish folder, as IIS and a systemd WorkingDirectory do: that folder is the content
# root, so the published appsettings.json (Production's log levels) applies. Started from elsewhere,
# it would not be read, and the framework would log every request at Information.
# shellcheck disable=SC2086
(cd "$WORK/web" && exec env ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://127.0.0.1:$WEB_PORT \
    WeChat__Mode=Live \
    WeChat__AppId=wx0123456789abcdef \
    WeChat__AppSecret=0123456789abcdef0123456789abcdef \
    WeChat__ApiBaseUrl=http://127.0.0.1:$STUB_PORT \
    ConnectionStrings__Default="Data Source=$WORK/wxlogin.db" \
    DataProtection__KeysPath="$WORK/keys" \
    Auth__RejectedCodesPerMinute=1000000 \
    ${WXLOGIN_ENV:-} \
    dotnet "$WORK/web/WxLogin.Web.dll" >"$WORK/web.log" 2>&1) &
WEB_PID=$!
PIDS+=($WEB_PID)

wait_http "http://127.0.0.1:$CEILING_PORT/api/user/me"
wait_http "http://127.0.0.1:$WEB_PORT/health"

# Tokens for the me scenario: 64 users, logged in once each.
RUN=r$RANDOM$RANDOM
for i in $(seq 1 64); do
  curl -fs -X POST "http://127.0.0.1:$WEB_PORT/api/user/login" -H 'Content-Type: application/json' \
    -d "{\"code\":\"$RUN-seed-$i\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
  echo
done | grep -v '^$' >"$WORK/tokens"
[ "$(wc -l <"$WORK/tokens")" -eq 64 ] || { echo "seeding tokens failed; server log:" >&2; tail -20 "$WORK/web.log" >&2; exit 1; }

wrk_run() { # seconds script url args...: prints the RESULT fields
  local seconds=$1 script=$2 url=$3; shift 3
  timeout $((seconds + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s -s "$HERE/lua/$script" "$url" -- "$@" \
    | sed -n 's/^RESULT //p'
}

scenario() { # name script url args...
  local name=$1 script=$2 url=$3; shift 3
  wrk_run "$WARMUP" "$script" "$url" "$@" >/dev/null
  local result
  result=$(wrk_run "$DURATION" "$script" "$url" "$@")
  printf '%-8s %s\n' "$name" "$result"
}

field() { sed -n "s/^$1 .*rps=\([0-9]*\).*/\1/p" "$WORK/results"; }

if [ "$MODE" = soak ]; then
  echo "soak: ${SOAK_SECONDS}s, RSS and threads of WxLogin every 10 s" >&2
  timeout $((SOAK_SECONDS + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --timeout 5s \
    -s "$HERE/lua/mixed.lua" "http://127.0.0.1:$WEB_PORT" -- "$WORK/tokens" "$RUN-soak" >"$WORK/soak.out" &
  WRK_PID=$!
  PIDS+=($WRK_PID)
  elapsed=0
  rss_minute=""
  while kill -0 "$WRK_PID" 2>/dev/null && [ "$elapsed" -le $((SOAK_SECONDS + 30)) ]; do
    sleep 10; elapsed=$((elapsed + 10))
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$WEB_PID/status" 2>/dev/null || echo 0)
    threads=$(awk '/^Threads/ {print $2}' "/proc/$WEB_PID/status" 2>/dev/null || echo 0)
    printf 'soak t=%ds rss_kb=%s threads=%s\n' "$elapsed" "$rss" "$threads"
    [ "$elapsed" -eq 60 ] && rss_minute=$rss
    last_rss=$rss
  done
  wait "$WRK_PID" || true
  printf 'soak-mix %s\n' "$(sed -n 's/^RESULT //p' "$WORK/soak.out")"
  if [ -n "$rss_minute" ]; then
    awk -v a="$rss_minute" -v b="$last_rss" 'BEGIN { printf "soak rss_after_1min_kb=%d rss_end_kb=%d change=%+.1f%%\n", a, b, (b - a) * 100 / a }'
  fi
  exit 0
fi

if [ "$MODE" = lock ]; then
  threads() { awk '/^Threads/ {print $2}' "/proc/$WEB_PID/status"; }
  echo "lock: another process holds BEGIN EXCLUSIVE on the database for 10 s" >&2
  wrk_run "$WARMUP" me.lua "http://127.0.0.1:$WEB_PORT" "$WORK/tokens" >/dev/null
  printf 'me-no-lock     %s\n' "$(wrk_run 9 me.lua "http://127.0.0.1:$WEB_PORT" "$WORK/tokens")"
  before=$(threads)
  timeout 30 python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN EXCLUSIVE"); open(sys.argv[2], "w").close()
time.sleep(10); c.execute("ROLLBACK")' "$WORK/wxlogin.db" "$WORK/locked" &
  LOCK_PID=$!
  PIDS+=($LOCK_PID)
  for _ in $(seq 1 100); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
  timeout 40 wrk -t1 -c4 -d9s --timeout 8s -s "$HERE/lua/login.lua" "http://127.0.0.1:$WEB_PORT" -- "$RUN-lock" \
    | sed -n 's/^RESULT /login-during-lock /p' >"$WORK/lock-login" &
  LOGIN_PID=$!
  PIDS+=($LOGIN_PID)
  (sleep 5; threads >"$WORK/threads-during") &
  printf 'me-during-lock %s\n' "$(wrk_run 9 me.lua "http://127.0.0.1:$WEB_PORT" "$WORK/tokens")"
  wait "$LOGIN_PID" "$LOCK_PID" || true
  cat "$WORK/lock-login"
  printf 'threads before=%s during=%s after=%s\n' "$before" "$(cat "$WORK/threads-during")" "$(threads)"
  grep -c 'storage_unavailable\|write lock' "$WORK/web.log" | sed 's/^/log lines about the lock: /'
  exit 0
fi

for name in $SCENARIOS; do
  case $name in
    ceiling) scenario ceiling me.lua "http://127.0.0.1:$CEILING_PORT" "$WORK/tokens" ;;
    me) scenario me me.lua "http://127.0.0.1:$WEB_PORT" "$WORK/tokens" ;;
    login) scenario login login.lua "http://127.0.0.1:$WEB_PORT" "$RUN-login" ;;
    *) echo "unknown scenario: $name (ceiling, me, login)" >&2; exit 2 ;;
  esac
done | tee "$WORK/results"
if [ -n "$(field me)" ] && [ -n "$(field ceiling)" ]; then
  awk -v me="$(field me)" -v ceiling="$(field ceiling)" 'BEGIN { printf "ratio    me/ceiling=%.2f\n", me / ceiling }'
fi
if grep -qE ' fail|Exception' "$WORK/web.log"; then
  echo "server log has errors:" >&2
  grep -E ' fail|Exception' "$WORK/web.log" | sort | uniq -c | sort -rn | head -5 >&2
fi
