#!/usr/bin/env bash
# WxLogin benchmark: publishes WxLogin (Release), a stand-in WeChat and a bare Kestrel ceiling app,
# starts them on 127.0.0.1 and drives them with wrk. See bench/README.md.
#
#   bench/run.sh                 # every scenario on SQLite; ratios to the ceiling and [CheckToken]'s cost
#   WXLOGIN_DB="sqlite postgresql" bench/run.sh      # the same on both databases, side by side
#   WXLOGIN_BASELINE_REF=main bench/run.sh           # main and the working tree side by side, two rounds
#   bench/run.sh soak [SECONDS]  # mixed 80% me / 15% login / 5% logout; RSS and threads every 10 s
#   bench/run.sh lock            # another process holds the SQLite write lock for 10 s: me and login meanwhile
#   bench/run.sh shared-file     # two processes on one SQLite file: profile, phone, userinfo, delete and login
#                                # at once on both; with WXLOGIN_BASELINE_REF a baseline pair too, compared
#
# Environment (bench/README.md has the list): WXLOGIN_DB, WXLOGIN_BASELINE_REF, SCENARIOS, ROUNDS,
# DURATION, WARMUP, CONNECTIONS, THREADS, FLASH_CONNECTIONS, FLASH_DELAY_MS, WXLOGIN_SOURCE,
# WXLOGIN_ENV, WXLOGIN_PUBLISH_ARGS, WXLOGIN_PG_OPTIONS, PG_BIN; shared-file: SHARED_USERS, DELETE_POOL.
set -euo pipefail

MODE=${1:-run}
SOAK_SECONDS=${2:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=${WXLOGIN_SOURCE:-$(dirname "$HERE")}
DBS=${WXLOGIN_DB:-sqlite}
BASELINE_REF=${WXLOGIN_BASELINE_REF:-}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
FLASH_CONNECTIONS=${FLASH_CONNECTIONS:-1024}
FLASH_DELAY_MS=${FLASH_DELAY_MS:-100}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ -n "$BASELINE_REF" ]; then
  SCENARIOS=${SCENARIOS:-ceiling me login}
  ROUNDS=${ROUNDS:-2}
else
  SCENARIOS=${SCENARIOS:-ceiling ceiling-rotate me-static me notoken badtoken login flash}
  ROUNDS=${ROUNDS:-1}
fi
WORK=$(mktemp -d /tmp/wxlogin-bench.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
PIDS=()
PG_DIR=""
AS_PG=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_DIR" ]; then
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
      timeout 60 "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 50 stop >/dev/null 2>&1 \
        || kill -9 "$(head -1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null || true
    fi
    rm -rf "$PG_DIR"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for db in $DBS; do
  case $db in sqlite | postgresql) ;; *) echo "unknown database in WXLOGIN_DB: $db (sqlite, postgresql)" >&2; exit 2 ;; esac
done

if [ "$MODE" = shared-file ] && [ "$DBS" != sqlite ]; then
  echo "shared-file runs two processes on one SQLite file: run it with WXLOGIN_DB=sqlite" >&2; exit 2
fi

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  timeout 300 apt-get install -y wrk >/dev/null 2>&1 \
    || { timeout 300 apt-get update >/dev/null && timeout 300 apt-get install -y wrk >/dev/null; }
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wrk_run() { # seconds connections script url args...: prints the RESULT fields
  local seconds=$1 connections=$2 script=$3 url=$4; shift 4
  timeout $((seconds + 30)) wrk -t"$THREADS" -c"$connections" -d"${seconds}s" --timeout 5s -s "$HERE/lua/$script" "$url" -- "$@" \
    | sed -n 's/^RESULT //p'
}

wait_http() { # url [pid]: up to 60 s, less if that process exits
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$1" && return 0
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
      echo "the process behind $1 exited" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "no answer from $1 within 60 s" >&2
  return 1
}

# A private PostgreSQL cluster in a temp folder: trust on loopback, durable commits (the defaults
# fsync=on and synchronous_commit=on, named so a changed default cannot weaken the figures).
start_postgres() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "installing postgresql (Debian package)" >&2
    timeout 600 apt-get install -y postgresql >/dev/null 2>&1 \
      || { timeout 300 apt-get update >/dev/null && timeout 600 apt-get install -y postgresql >/dev/null; }
  fi
  PG_DIR=$(mktemp -d /tmp/wxlogin-bench-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_DIR" # PostgreSQL refuses to run as root
    AS_PG=(runuser -u postgres --)
  fi
  PG_PORT=$(free_port)
  timeout 120 "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --no-instructions >/dev/null
  timeout 90 "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=300 -c fsync=on -c synchronous_commit=on" \
    start >/dev/null
}

# CPU time (clock ticks) of a process; for the PostgreSQL cluster, of the postmaster, its live
# backends and the backends that have exited.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_ticks() {
  [ -n "$PG_DIR" ] || { echo 0; return; }
  local pm total
  pm=$(head -1 "$PG_DIR/data/postmaster.pid")
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for child in $(cat "/proc/$pm/task/$pm/children"); do
    total=$((total + $(cpu_ticks "$child")))
  done
  echo "$total"
}

echo "publishing (Release) from $SOURCE" >&2
# shellcheck disable=SC2086
timeout 600 dotnet publish "$SOURCE/WxLogin.Web/WxLogin.Web.csproj" -c Release -o "$WORK/web" -v q -nologo ${WXLOGIN_PUBLISH_ARGS:-} >&2
if [ -n "$BASELINE_REF" ]; then
  echo "publishing (Release) the baseline $BASELINE_REF ($(git -C "$SOURCE" rev-parse --short "$BASELINE_REF^{commit}"))" >&2
  mkdir -p "$WORK/base-src"
  git -C "$SOURCE" archive "$BASELINE_REF^{commit}" | tar -x -C "$WORK/base-src"
  # shellcheck disable=SC2086
  timeout 600 dotnet publish "$WORK/base-src/WxLogin.Web/WxLogin.Web.csproj" -c Release -o "$WORK/base-web" -v q -nologo ${WXLOGIN_PUBLISH_ARGS:-} >&2
fi
timeout 600 dotnet publish "$HERE/WeChatStub/WeChatStub.csproj" -c Release -o "$WORK/stub" -v q -nologo >&2
[ "$MODE" = shared-file ] || timeout 600 dotnet publish "$HERE/Ceiling/Ceiling.csproj" -c Release -o "$WORK/ceiling" -v q -nologo >&2

case " $DBS " in *" postgresql "*) start_postgres ;; esac

STUB_PORT=$(free_port); CEILING_PORT=$(free_port)
ASPNETCORE_URLS=http://127.0.0.1:$STUB_PORT dotnet "$WORK/stub/WeChatStub.dll" >"$WORK/stub.log" 2>&1 &
PIDS+=($!)
if [ "$MODE" != shared-file ]; then
  ASPNETCORE_URLS=http://127.0.0.1:$CEILING_PORT dotnet "$WORK/ceiling/Ceiling.dll" >"$WORK/ceiling.log" 2>&1 &
  CEILING_PID=$!
  PIDS+=($CEILING_PID)
  wait_http "http://127.0.0.1:$CEILING_PORT/api/user/me"
fi

# The WxLogin instances ("targets"): one per database, and with a baseline one more per database
# (named db@ref). Each has its own database, key folder and 64 logged-in users.
RUN=r$RANDOM$RANDOM
TARGETS=()
declare -A T_PID T_PORT T_DIR
launch() { # label publish-folder log-folder connection-string keys-folder settings...: starts WxLogin, waits for /health
  local label=$1 web=$2 dir=$3 connection=$4 keys=$5 port; shift 5
  mkdir -p "$dir"
  port=$(free_port)
  # Started in its publish folder, as IIS and a systemd WorkingDirectory do: that folder is the content
  # root, so the published appsettings.json (Production's log levels) applies. Started from elsewhere,
  # it would not be read, and the framework would log every request at Information.
  # shellcheck disable=SC2086
  (cd "$web" && exec env ASPNETCORE_ENVIRONMENT=Production \
      ASPNETCORE_URLS=http://127.0.0.1:$port \
      WeChat__Mode=Live \
      WeChat__AppId=wx0123456789abcdef \
      WeChat__AppSecret=0123456789abcdef0123456789abcdef \
      WeChat__ApiBaseUrl=http://127.0.0.1:$STUB_PORT \
      ConnectionStrings__Default="$connection" \
      Database__AutoMigrate=true \
      DataProtection__KeysPath="$keys" \
      Auth__RejectedCodesPerMinute=1000000 \
      "$@" ${WXLOGIN_ENV:-} \
      dotnet "$web/WxLogin.Web.dll" >"$dir/web.log" 2>&1) &
  PIDS+=($!)
  T_PID[$label]=$!; T_PORT[$label]=$port; T_DIR[$label]=$dir
  wait_http "http://127.0.0.1:$port/health" "$!" || { echo "$label did not start; its log, stack frames left out:" >&2; grep -v "^ *at " "$dir/web.log" | tail -10 >&2; exit 1; }
}
start_target() { # label publish-folder db
  local label=$1 web=$2 db=$3 n=${#TARGETS[@]} connection
  local dir="$WORK/t$n"
  mkdir -p "$dir/keys"
  if [ "$db" = postgresql ]; then
    timeout 30 "${AS_PG[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "wxlogin$n"
    connection="Host=127.0.0.1;Port=$PG_PORT;Database=wxlogin$n;Username=postgres${WXLOGIN_PG_OPTIONS:+;$WXLOGIN_PG_OPTIONS}"
    launch "$label" "$web" "$dir" "$connection" "$dir/keys" Database__Provider=PostgreSql
  else
    launch "$label" "$web" "$dir" "Data Source=$dir/wxlogin.db" "$dir/keys"
  fi
  TARGETS+=("$label")
  local port=${T_PORT[$label]} answer token
  : >"$dir/tokens"
  for i in $(seq 1 64); do
    for attempt in 1 2 3; do # a loaded machine can make one login miss its timeouts
      answer=$(curl -s --max-time 30 -X POST "http://127.0.0.1:$port/api/user/login" -H 'Content-Type: application/json' \
        -d "{\"code\":\"$RUN-$n-seed-$i-$attempt\"}" || true)
      token=$(sed -nE 's/.*"token":"([^"]+)".*/\1/p' <<<"$answer")
      [ -n "$token" ] && break
      echo "seeding $label: login $i answered: ${answer:-nothing}" >&2
    done
    [ -n "$token" ] || { echo "seeding tokens of $label failed; its log:" >&2; tail -20 "$dir/web.log" >&2; exit 1; }
    echo "$token" >>"$dir/tokens"
  done
}
alive() { # pid target: exits with the end of the target's log if that process is gone
  kill -0 "$1" 2>/dev/null && return 0
  local log=$WORK/ceiling.log
  [ "$2" = ceiling ] || log=${T_DIR[$2]}/web.log
  echo "$2 (pid $1) is gone; the end of its log:" >&2
  tail -15 "$log" >&2
  exit 1
}

check_logs() { # labels...: the fail: and crit: lines of their server logs, counted
  local label
  for label in "$@"; do
    if grep -qE '^(fail|crit):' "${T_DIR[$label]}/web.log"; then
      echo "server log of $label has errors:" >&2
      grep -A1 -E '^(fail|crit):' "${T_DIR[$label]}/web.log" | grep -v '^--' | sort | uniq -c | sort -rn | head -6 >&2
    fi
    if [ -n "${BENCH_SHOW_LOG:-}" ]; then grep -A2 -E '^(info|warn):' "${T_DIR[$label]}/web.log" | head -40 >&2; fi
  done
}

# shared-file: two WxLogin processes ("A" and "B", a pair) on one SQLite file and one key folder, with a
# baseline a second pair from its publish on a file of its own. Every EF Core write (profile, phone,
# userinfo, delete) and login run at once on both processes; the pairs take turns.
if [ "$MODE" = shared-file ]; then
  SHARED_USERS=${SHARED_USERS:-300}
  DELETE_POOL=${DELETE_POOL:-6000}
  KINDS="profile phone userinfo delete login"
  PAIRS=()
  declare -A P_DIR OTHER=([A]=B [B]=A)
  start_pair() { # label publish-folder
    local pair=$1 web=$2 dir=$WORK/pair${#PAIRS[@]} side
    PAIRS+=("$pair"); P_DIR[$pair]=$dir
    mkdir -p "$dir/keys"
    # One after the other: A creates the schema and the key ring, which B then finds.
    for side in A B; do
      launch "$pair/$side" "$web" "$dir/$side" "Data Source=$dir/wxlogin.db" "$dir/keys"
    done
  }
  seed() { # label code-prefix count file: that many new users log in through that process
    timeout 150 wrk -t1 -c16 -d120s --timeout 10s -s "$HERE/lua/seed.lua" "http://127.0.0.1:${T_PORT[$1]}" -- "$2" "$3" "$4" >/dev/null || true
    [ "$(wc -l <"$4")" -ge "$3" ] && return 0
    echo "seeding through $1: $(wc -l <"$4") of $3 logins answered 200 within 120 s; its log:" >&2
    tail -20 "${T_DIR[$1]}/web.log" >&2
    return 1
  }
  # "<token>\t<body>" lines for write.lua. The stand-in WeChat derives everything from the code
  # (bench/WeChatStub): openid "o" + hex of sha256(code) bytes 0..13, session_key its bytes 16..31.
  # So the bench encrypts as WeChat does (AES-128-CBC, PKCS#7, a random iv) with each user's session_key.
  make_bodies() { # users-file code-prefix codes-sent output-prefix
    timeout 120 python3 - "$@" <<'PY'
import base64, hashlib, json, os, subprocess, sys, time
users, prefix, sent, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
keys = {}
for i in range(1, sent + 1):
    digest = hashlib.sha256(f"{prefix}-1-{i}".encode()).digest()  # seed.lua's codes
    keys["o" + digest[:14].hex().upper()] = digest[16:32]
def encrypted(key, data):
    iv, b64 = os.urandom(16), lambda b: base64.b64encode(b).decode()
    plain = json.dumps(data, ensure_ascii=False).encode()
    try:
        from cryptography.hazmat.primitives import padding
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        padder = padding.PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        cipher = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    except ImportError:
        cipher = subprocess.run(["openssl", "enc", "-aes-128-cbc", "-K", key.hex(), "-iv", iv.hex()],
                                input=plain, capture_output=True, check=True).stdout
    return json.dumps({"encryptedData": b64(cipher), "iv": b64(iv)})
watermark = {"appid": "wx0123456789abcdef", "timestamp": int(time.time())}
files = {kind: open(f"{out}.{kind}", "w") for kind in ("profile", "phone", "userinfo")}
for n, line in enumerate(open(users)):
    open_id, token = line.rstrip("\n").split("\t")
    key = keys[open_id]
    files["profile"].write(f'{token}\t{json.dumps({"nickname": f"bench {n}"})}\n')
    files["phone"].write(f"{token}\t" + encrypted(key, {"phoneNumber": "+86 13800138000", "purePhoneNumber": "13800138000",
                                                       "countryCode": "86", "watermark": watermark}) + "\n")
    files["userinfo"].write(f"{token}\t" + encrypted(key, {"openId": open_id, "nickName": "测试",
                                                          "avatarUrl": "https://example.com/a.png", "watermark": watermark}) + "\n")
PY
  }
  expect() { # label status method path token [body]: one request with curl, or stop
    local status
    status=$(curl -s -o "$WORK/answer" -w '%{http_code}' --max-time 30 -X "$3" "http://127.0.0.1:${T_PORT[$1]}$4" \
      -H "Authorization: Bearer $5" -H 'Content-Type: application/json' ${6:+--data-binary "$6"} || true)
    [ "$status" = "$2" ] && return 0
    echo "$1: $3 $4 answered $status, not $2: $(head -c 400 "$WORK/answer")" >&2
    exit 1
  }
  seed_pair() { # pair-label: users and delete tokens for both processes, then one request of each kind
    local pair=$1 dir=${P_DIR[$1]} side other pids=() pid line
    local n=${dir##*pair}
    for side in A B; do
      other=${OTHER[$side]}
      # A's users log in through B and B's through A: each process must decrypt session keys the other protected.
      seed "$pair/$other" "$RUN-p$n-$side-user" "$SHARED_USERS" "$dir/$side.users" & pids+=($!)
      seed "$pair/$side" "$RUN-p$n-$side-pool" $((DELETE_POOL * ROUNDS + 1)) "$dir/$side.seeded" & pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || exit 1; done
    for side in A B; do
      cut -f2 "$dir/$side.seeded" >"$dir/$side.pool"
      make_bodies "$dir/$side.users" "$RUN-p$n-$side-user" $((SHARED_USERS * 2 + 64)) "$dir/$side"
      for kind in profile:PUT:/api/user/profile phone:POST:/api/user/phone userinfo:POST:/api/user/userinfo; do
        line=$(head -1 "$dir/$side.${kind%%:*}")
        expect "$pair/$side" 200 "$(cut -d: -f2 <<<"$kind")" "${kind#*:*:}" "${line%%$'\t'*}" "${line#*$'\t'}"
      done
      expect "$pair/$side" 204 DELETE /api/user/me "$(head -1 "$dir/$side.pool")"
      expect "$pair/${OTHER[$side]}" 401 GET /api/user/me "$(head -1 "$dir/$side.pool")"
      echo "2 0" >"$dir/$side.cursor" # delete.lua's next line, and requests that found the pool empty
    done
  }
  load() { # pair-label seconds tag: every kind on both processes at once, wrk's lines to $WORK/load/<tag>-<side>-<kind>
    local pair=$1 seconds=$2 tag=$3 dir=${P_DIR[$1]} pids=() side kind url pid
    for side in A B; do
      url=http://127.0.0.1:${T_PORT[$pair/$side]}
      alive "${T_PID[$pair/$side]}" "$pair/$side"
      for kind in $KINDS; do
        case $kind in
          profile) set -- 4 write.lua PUT /api/user/profile "$dir/$side.profile" ;;
          phone) set -- 4 write.lua POST /api/user/phone "$dir/$side.phone" ;;
          userinfo) set -- 4 write.lua POST /api/user/userinfo "$dir/$side.userinfo" ;;
          delete) set -- 4 delete.lua "$dir/$side.pool" "$dir/$side.cursor" ;;
          login) set -- 8 login.lua "$tag-$side" ;;
        esac
        THREADS=1 wrk_run "$seconds" "$1" "$2" "$url" "${@:3}" >"$WORK/load/$tag-$side-$kind" 2>&1 &
        pids+=($!)
      done
    done
    for pid in "${pids[@]}"; do wait "$pid" || true; done
    for side in A B; do alive "${T_PID[$pair/$side]}" "$pair/$side"; done
  }

  mkdir -p "$WORK/load"
  [ -z "$BASELINE_REF" ] || start_pair "sqlite@$BASELINE_REF" "$WORK/base-web"
  start_pair sqlite "$WORK/web"
  for pair in "${PAIRS[@]}"; do
    echo "seeding $pair: $SHARED_USERS users and $((DELETE_POOL * ROUNDS)) tokens to delete per process" >&2
    seed_pair "$pair"
  done
  echo "shared-file: pairs ${PAIRS[*]}; rounds: $ROUNDS; ${DURATION}s each after ${WARMUP}s warm-up (twice that in the first round)" >&2
  for round in $(seq 1 "$ROUNDS"); do
    order=("${PAIRS[@]}")
    if [ $((round % 2)) -eq 0 ]; then
      order=(); for ((k = ${#PAIRS[@]} - 1; k >= 0; k--)); do order+=("${PAIRS[k]}"); done
    fi
    for pair in "${order[@]}"; do
      tag=$RUN-p${P_DIR[$pair]##*pair}-r$round
      load "$pair" $((round == 1 ? WARMUP * 2 : WARMUP)) "$tag-warm"
      load "$pair" "$DURATION" "$tag-run"
      for side in A B; do
        for kind in $KINDS; do
          printf 'shared-file %-14s %s %-8s %s round=%d\n' "$pair" "$side" "$kind" \
            "$(grep -m1 '^rps=' "$WORK/load/$tag-run-$side-$kind" || echo 'no-result')" "$round"
        done
        read -r next empty <"${P_DIR[$pair]}/$side.cursor"
        if [ "$empty" -gt 0 ]; then # stop: the figures of delete would include these 401s
          echo "shared-file $pair $side: the delete pool ran out, $empty DELETEs went without a token (401, counted in non2xx); raise DELETE_POOL" | tee /dev/stderr
          exit 3
        fi
      done
    done
  done | tee "$WORK/results"

  # Per pair and round: the worst p99 of the EF Core writes on either process, and of login. With a
  # baseline, per kind: rps of A and B together and the worse p99 of the two, means over the rounds.
  awk '
    function get(f,   i) { for (i = 5; i <= NF; i++) if (index($i, f "=") == 1) return substr($i, length(f) + 2); return "" }
    function mean(a, pair, kind,   r, s) { for (r = 1; r <= rounds[pair]; r++) s += a[pair, r, kind]; return s / rounds[pair] }
    function ratio(x, y) { return y > 0 ? sprintf("x%.2f", x / y) : "n/a" }
    $1 == "shared-file" && get("rps") != "" {
      pair = $2; side = $3; kind = $4; r = get("round"); k = pair SUBSEP r; p = get("p99_ms") + 0; x = get("rps") + 0
      if (!(k in seen)) { seen[k] = 1; order[++no] = k; rounds[pair]++ }
      if (!(pair in listed)) { listed[pair] = 1; pairs[++np] = pair }
      non2xx[k] += get("non2xx")
      rps[k, kind] += x; if (p > p99[k, kind]) p99[k, kind] = p
      if (kind == "login") next
      rps[k, "ef"] += x; if (p > p99[k, "ef"]) { p99[k, "ef"] = p; worst[k] = side " " kind }
    }
    END {
      for (i = 1; i <= no; i++) {
        k = order[i]; split(k, o, SUBSEP)
        printf "shared-file %-14s summary  ef_p99_max_ms=%.2f (%s) login_p99_max_ms=%.2f ef_rps=%.0f login_rps=%.0f non2xx=%d round=%d\n",
          o[1], p99[k, "ef"], worst[k], p99[k, "login"], rps[k, "ef"], rps[k, "login"], non2xx[k], o[2]
      }
      split("profile phone userinfo delete login ef", kinds, " ")
      for (j = 1; j <= np; j++) {
        base = pairs[j]; at = index(base, "@"); now = substr(base, 1, at - 1)
        if (at == 0 || !(now in listed)) continue
        for (q = 1; q <= 6; q++)
          printf "compare  shared-file %-8s %s vs %s: rps %s, p99 %s (means of %d rounds)\n", kinds[q], now, base,
            ratio(mean(rps, now, kinds[q]), mean(rps, base, kinds[q])), ratio(mean(p99, now, kinds[q]), mean(p99, base, kinds[q])), rounds[now]
      }
    }' "$WORK/results"
  for pair in "${PAIRS[@]}"; do
    for side in A B; do
      read -r next empty <"${P_DIR[$pair]}/$side.cursor"
      echo "delete pool of $pair/$side: $((next - 2)) of $((DELETE_POOL * ROUNDS)) tokens used" >&2
    done
    check_logs "$pair/A" "$pair/B"
  done
  exit 0
fi

for db in $DBS; do
  [ -z "$BASELINE_REF" ] || start_target "$db@$BASELINE_REF" "$WORK/base-web" "$db"
  start_target "$db" "$WORK/web" "$db"
done
# The ceiling and every instance get load for twice the warm-up first, so the first scenario does not
# measure the JIT's tier-up (slow when the machine is busy) on one side only.
echo "warming up the ceiling" >&2
wrk_run $((WARMUP * 2)) "$CONNECTIONS" static.lua "http://127.0.0.1:$CEILING_PORT" /api/user/me >/dev/null || true
for target in "${TARGETS[@]}"; do
  echo "warming up $target" >&2
  wrk_run $((WARMUP * 2)) "$CONNECTIONS" mixed.lua "http://127.0.0.1:${T_PORT[$target]}" "${T_DIR[$target]}/tokens" "$RUN-warm" >/dev/null || true
done
for target in "${TARGETS[@]}"; do # soak, lock and the ceiling's tokens: the working tree's first database
  case $target in *@*) ;; *) FIRST=$target; break ;; esac
done
WEB_PID=${T_PID[$FIRST]}; WEB_PORT=${T_PORT[$FIRST]}; TOKENS=${T_DIR[$FIRST]}/tokens

# One measured run after an unmeasured warm-up; adds the CPU time per request of the server
# (cpu_us: the app; db_cpu_us: the PostgreSQL cluster) and of wrk itself (wrk_cpu_us).
measure() { # scenario target server-pid connections script url args...
  local name=$1 target=$2 pid=$3 connections=$4 script=$5 url=$6; shift 6
  local warm_args=("$@") run_args=("$@")
  if [ "$script" = login.lua ]; then # codes of the warm-up never come back in the measured run
    warm_args=("$1-warm"); run_args=("$1-run")
  fi
  alive "$pid" "$target"
  wrk_run "$WARMUP" "$connections" "$script" "$url" "${warm_args[@]}" >/dev/null || true
  local before db_before result requests
  before=$(cpu_ticks "$pid"); db_before=$(pg_ticks)
  (wrk_run "$DURATION" "$connections" "$script" "$url" "${run_args[@]}" >"$WORK/result" || true; times >"$WORK/times")
  alive "$pid" "$target"
  result=$(cat "$WORK/result")
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$result")
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { echo "$name $target: wrk printed no result" >&2; return 0; }
  awk -v name="$name" -v target="$target" -v result="$result" -v n="$requests" -v tck="$CLK_TCK" \
      -v app=$(($(cpu_ticks "$pid") - before)) -v db=$(($(pg_ticks) - db_before)) -v db_on="${PG_DIR:+1}" \
      -v wrk="$(sed -n 2p "$WORK/times")" 'BEGIN {
    split(wrk, w, /[ ms]+/)  # "0m1.230s 0m0.450s": the children of the subshell (timeout, wrk)
    line = sprintf("%-14s %-18s %s cpu_us=%.0f", name, target, result, app * 1e6 / tck / n)
    if (db_on && target ~ /^postgresql/) line = line sprintf(" db_cpu_us=%.0f", db * 1e6 / tck / n)
    printf "%s wrk_cpu_us=%.1f\n", line, ((w[1] + w[3]) * 60 + w[2] + w[4]) * 1e6 / n
  }'
}

if [ "$MODE" = soak ]; then
  echo "soak: ${SOAK_SECONDS}s, RSS and threads of WxLogin ($FIRST) every 10 s" >&2
  timeout $((SOAK_SECONDS + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --timeout 5s \
    -s "$HERE/lua/mixed.lua" "http://127.0.0.1:$WEB_PORT" -- "$TOKENS" "$RUN-soak" >"$WORK/soak.out" &
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
  [ "$FIRST" = sqlite ] || { echo "lock holds SQLite's write lock: run it with WXLOGIN_DB=sqlite" >&2; exit 2; }
  threads() { awk '/^Threads/ {print $2}' "/proc/$WEB_PID/status"; }
  echo "lock: another process holds BEGIN EXCLUSIVE on the database for 10 s" >&2
  wrk_run "$WARMUP" "$CONNECTIONS" me.lua "http://127.0.0.1:$WEB_PORT" "$TOKENS" >/dev/null
  printf 'me-no-lock     %s\n' "$(wrk_run 9 "$CONNECTIONS" me.lua "http://127.0.0.1:$WEB_PORT" "$TOKENS")"
  before=$(threads)
  timeout 30 python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN EXCLUSIVE"); open(sys.argv[2], "w").close()
time.sleep(10); c.execute("ROLLBACK")' "${T_DIR[$FIRST]}/wxlogin.db" "$WORK/locked" &
  LOCK_PID=$!
  PIDS+=($LOCK_PID)
  for _ in $(seq 1 100); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
  timeout 40 wrk -t1 -c4 -d9s --timeout 8s -s "$HERE/lua/login.lua" "http://127.0.0.1:$WEB_PORT" -- "$RUN-lock" \
    | sed -n 's/^RESULT /login-during-lock /p' >"$WORK/lock-login" &
  LOGIN_PID=$!
  PIDS+=($LOGIN_PID)
  (sleep 5; threads >"$WORK/threads-during") &
  printf 'me-during-lock %s\n' "$(wrk_run 9 "$CONNECTIONS" me.lua "http://127.0.0.1:$WEB_PORT" "$TOKENS")"
  wait "$LOGIN_PID" "$LOCK_PID" || true
  cat "$WORK/lock-login"
  printf 'threads before=%s during=%s after=%s\n' "$before" "$(cat "$WORK/threads-during")" "$(threads)"
  grep -c 'storage_unavailable\|write lock' "${T_DIR[$FIRST]}/web.log" | sed 's/^/log lines about the lock: /'
  exit 0
fi

CEILING_URL=http://127.0.0.1:$CEILING_PORT
CEILING_TOKEN=$(head -1 "$TOKENS")
echo "scenarios: $SCENARIOS; targets: ${TARGETS[*]}; rounds: $ROUNDS; ${DURATION}s each after ${WARMUP}s warm-up" >&2
for round in $(seq 1 "$ROUNDS"); do
  # Every other round visits the targets in reverse, so neither side always runs first.
  order=("${TARGETS[@]}")
  if [ $((round % 2)) -eq 0 ]; then
    order=(); for ((k = ${#TARGETS[@]} - 1; k >= 0; k--)); do order+=("${TARGETS[k]}"); done
  fi
  for name in $SCENARIOS; do
    case $name in
      ceiling) measure ceiling ceiling "$CEILING_PID" "$CONNECTIONS" static.lua "$CEILING_URL" /api/user/me "Bearer $CEILING_TOKEN"; continue ;;
      ceiling-rotate) measure ceiling-rotate ceiling "$CEILING_PID" "$CONNECTIONS" me.lua "$CEILING_URL" "$TOKENS"; continue ;;
      ceiling-format) measure ceiling-format ceiling "$CEILING_PID" "$CONNECTIONS" me.lua "$CEILING_URL" "$TOKENS" format; continue ;;
      me-static | me | notoken | badtoken | login | flash) ;;
      *) echo "unknown scenario: $name (ceiling ceiling-rotate ceiling-format me-static me notoken badtoken login flash)" >&2; exit 2 ;;
    esac
    for target in "${order[@]}"; do
      url=http://127.0.0.1:${T_PORT[$target]}; pid=${T_PID[$target]}; tokens=${T_DIR[$target]}/tokens
      token=$(head -1 "$tokens")
      case $name in
        me-static) measure "$name" "$target" "$pid" "$CONNECTIONS" static.lua "$url" /api/user/me "Bearer $token" ;;
        me) measure "$name" "$target" "$pid" "$CONNECTIONS" me.lua "$url" "$tokens" ;;
        notoken) measure "$name" "$target" "$pid" "$CONNECTIONS" static.lua "$url" /api/user/me ;;
        # Well-formed but unknown: another first character of a real token.
        badtoken) measure "$name" "$target" "$pid" "$CONNECTIONS" static.lua "$url" /api/user/me \
          "Bearer $(if [ "${token:0:1}" = A ]; then echo B; else echo A; fi)${token:1}" ;;
        login) measure "$name" "$target" "$pid" "$CONNECTIONS" login.lua "$url" "$RUN-$round-login" ;;
        flash) measure "$name" "$target" "$pid" "$FLASH_CONNECTIONS" login.lua "$url" "slow$FLASH_DELAY_MS-$RUN-$round-flash" ;;
      esac
    done
  done
done | tee "$WORK/results"

# Summary: means over the rounds, then the ratios that compare within this run.
awk -v flash_bound=$((FLASH_CONNECTIONS * 1000 / FLASH_DELAY_MS)) '
  function get(f,   i) { for (i = 3; i <= NF; i++) if (index($i, f "=") == 1) return substr($i, length(f) + 2); return "" }
  { k = $1 " " $2; if (!(k in n)) keys[++nk] = k; n[k]++
    rps[k] += get("rps"); p99[k] += get("p99_ms"); cpu[k] += get("cpu_us")
    if (!($2 in seen)) { seen[$2] = 1; targets[++nt] = $2 } }
  function m(a, k) { return a[k] / n[k] }
  END {
    for (j = 1; j <= nt; j++) {
      t = targets[j]
      if (t == "ceiling") continue
      if (("me-static " t) in n && ("ceiling ceiling") in n)
        printf "ratio    %-18s me-static/ceiling=%.2f (both static requests)\n", t, m(rps, "me-static " t) / m(rps, "ceiling ceiling")
      if (("me " t) in n && ("ceiling-rotate ceiling") in n)
        printf "ratio    %-18s me/ceiling-rotate=%.2f (both rotating tokens)\n", t, m(rps, "me " t) / m(rps, "ceiling-rotate ceiling")
      if (("me " t) in n && ("ceiling ceiling") in n)
        printf "ratio    %-18s me/ceiling=%.2f\n", t, m(rps, "me " t) / m(rps, "ceiling ceiling")
      if (("me " t) in n && ("ceiling ceiling") in n)
        printf "ratio    %-18s cpu_us ceiling/me=%.2f (server CPU per request, whatever wrk costs)\n", t, m(cpu, "ceiling ceiling") / m(cpu, "me " t)
      if (("me-static " t) in n && ("notoken " t) in n)
        printf "checktoken %-16s cpu_us me-static - notoken = %.0f (the check, the row, the answer)\n", t, m(cpu, "me-static " t) - m(cpu, "notoken " t)
      if (("badtoken " t) in n && ("notoken " t) in n)
        printf "checktoken %-16s cpu_us badtoken - notoken = %.0f (digest and lookup of an unknown token)\n", t, m(cpu, "badtoken " t) - m(cpu, "notoken " t)
      if (("flash " t) in n)
        printf "flash    %-18s logins/s / bound %d = %.2f\n", t, flash_bound, m(rps, "flash " t) / flash_bound
    }
    for (i = 1; i <= nk; i++) {
      split(keys[i], kt, " "); at = index(kt[2], "@")
      if (at == 0) continue
      now = kt[1] " " substr(kt[2], 1, at - 1)
      if (now in n)
        printf "compare  %-14s %s vs %s: rps x%.2f, p99 x%.2f, cpu_us x%.2f (means of %d rounds)\n", kt[1], substr(kt[2], 1, at - 1), kt[2],
          m(rps, now) / m(rps, keys[i]), m(p99, now) / m(p99, keys[i]), m(cpu, now) / m(cpu, keys[i]), n[now]
    }
  }' "$WORK/results"

check_logs "${TARGETS[@]}"
