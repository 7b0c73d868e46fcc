#!/usr/bin/env bash
# integration.cluster — the private PostgreSQL cluster of deploy/dualwatch.sh.
#
# Two instances with their own DW_HOME and port: db-init, db-start, migrate
# (the tables of the migrations exist; a second migrate applies nothing; a
# failing migration leaves nothing behind), the cluster's settings, both
# clusters up at once and independent, db-stop; every step idempotent. As root
# the clusters run as the OS user dualwatch. Needs PostgreSQL, not the C code.
#
# Environment: DW_SOURCE_DIR (the repository; default: from this file's path),
# DW_BUILD_DIR (passed through; unused here).
set -euo pipefail

SRC="${DW_SOURCE_DIR:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)}"
DW="$SRC/deploy/dualwatch.sh"
[[ -x $DW ]] || {
    echo "FAIL: $DW not found or not executable (DW_SOURCE_DIR=$SRC)" >&2
    exit 1
}

# Only what this test sets may reach the script.
unset DW_HOME DW_PGPORT DW_PGSOCKDIR DW_PGDATABASE DW_PGUSER DW_OS_USER DW_CONFIG DW_MIGRATIONS_DIR DW_PGBINDIR

STEP=0
ok() {
    STEP=$((STEP + 1))
    printf 'ok %d - %s\n' "$STEP" "$*"
}
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# --- a free port: nothing listens on it and no socket directory claims it.
USED_PORTS=" "
port_free() {
    local p=$1
    [[ $USED_PORTS != *" $p "* ]] || return 1
    [[ ! -e /tmp/dwpg.$(id -u).$p ]] || return 1
    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}
# Below the kernel's ephemeral range: a port in it can be taken by any outgoing
# connection (another test's) between this check and the server's bind.
pick_port() {
    local p i lo=32768
    read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    ((lo > 21000)) || lo=60000
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % (lo - 20000)))
        if port_free "$p"; then
            USED_PORTS+="$p "
            printf '%s' "$p"
            return 0
        fi
    done
    return 1
}

TMP="$(mktemp -d /tmp/dw-test.XXXXXX)"
chmod 0755 "$TMP"
H1="$TMP/one"
H2="$TMP/two"
P1="$(pick_port)" || fail "no free port found"
P2="$(pick_port)" || fail "no free port found"

# Instance one: the defaults for database and role. Instance two: other names,
# so that nothing in the script is hard-coded to the defaults.
dw1() { DW_HOME="$H1" DW_PGPORT="$P1" "$DW" "$@"; }
dw2() { DW_HOME="$H2" DW_PGPORT="$P2" DW_PGDATABASE=dw_second DW_PGUSER=dw_second_owner "$DW" "$@"; }
sql1() { dw1 psql -X -qtA -v ON_ERROR_STOP=1 -c "$1"; }
sql2() { dw2 psql -X -qtA -v ON_ERROR_STOP=1 -c "$1"; }

cleanup() {
    local rc=$? h pid
    set +e
    for h in "$H1" "$H2"; do
        if [[ -f $h/pg/postmaster.pid ]]; then
            if [[ $h == "$H1" ]]; then dw1 db-stop >/dev/null 2>&1; else dw2 db-stop >/dev/null 2>&1; fi
            pid="$(head -n 1 "$h/pg/postmaster.pid" 2>/dev/null)"
            if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
                echo "cleanup: the cluster in $h did not stop: killing pid $pid" >&2
                kill -KILL "$pid" 2>/dev/null
            fi
        fi
    done
    if ((rc != 0)); then
        for h in "$H1" "$H2"; do
            if [[ -f $h/run/postgresql.log ]]; then
                echo "--- $h/run/postgresql.log" >&2
                tail -n 30 "$h/run/postgresql.log" >&2
            fi
        done
    fi
    rm -rf "$TMP" "/tmp/dwpg.$(id -u).$P1" "/tmp/dwpg.$(id -u).$P2"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# instances: $H1 (port $P1), $H2 (port $P2); as $(id -un)"

# --- a clear refusal for a socket path the kernel cannot hold
out="$(DW_PGSOCKDIR="/tmp/$(printf 'd%.0s' {1..100})" dw1 db-init 2>&1)" && fail "a 115-byte socket path was accepted"
[[ $out == *"shorter than 107 bytes"* ]] || fail "no clear message for a long socket path: $out"
[[ ! -e $H1 ]] || fail "a refused db-init created $H1"
ok "a socket path of 107 bytes or more is refused before anything is created"

if [[ $(id -u) -eq 0 ]] && ! runuser -u nobody -- test -x /root 2>/dev/null; then
    out="$(DW_HOME="/root/dw-test-unreachable.$$" DW_PGPORT="$P1" "$DW" db-init 2>&1)" &&
        fail "a DW_HOME under /root was accepted"
    [[ $out == *"not reachable"*"/root"* && $out == *hint:* ]] || fail "no clear message for DW_HOME under /root: $out"
    [[ ! -e /root/dw-test-unreachable.$$ ]] || fail "a refused db-init created /root/dw-test-unreachable.$$"
    ok "as root, a DW_HOME the OS user cannot reach (under /root) is refused with a hint"
fi

# --- instance one: init (twice), start (twice)
dw1 db-init || fail "db-init"
[[ -f $H1/pg/PG_VERSION ]] || fail "db-init made no cluster in $H1/pg"
out="$(dw1 db-init)" || fail "second db-init"
[[ $out == *"already initialised"* ]] || fail "second db-init did not say the cluster exists: $out"
ok "db-init creates the cluster once"

if [[ $(id -u) -eq 0 ]]; then
    [[ $(stat -c %U "$H1/pg") == dualwatch ]] || fail "as root, $H1/pg should belong to dualwatch, not $(stat -c %U "$H1/pg")"
    [[ $(stat -c %U "/tmp/dwpg.$(id -u).$P1") == dualwatch ]] || fail "as root, /tmp/dwpg.$(id -u).$P1 should belong to dualwatch"
    ok "as root, the cluster directory and socket directory belong to the OS user dualwatch"
fi

dw1 db-start || fail "db-start"
out="$(dw1 db-start)" || fail "second db-start"
[[ $out == *"already running"* ]] || fail "second db-start did not say the cluster runs: $out"
[[ -S /tmp/dwpg.$(id -u).$P1/.s.PGSQL.$P1 ]] || fail "no socket /tmp/dwpg.$(id -u).$P1/.s.PGSQL.$P1"
ok "db-start starts the cluster once, socket in /tmp/dwpg.$(id -u).$P1"

if [[ $(id -u) -eq 0 ]]; then
    pid="$(head -n 1 "$H1/pg/postmaster.pid")"
    [[ $(stat -c %U "/proc/$pid") == dualwatch ]] || fail "as root, the postmaster should run as dualwatch"
    ok "as root, the postmaster runs as dualwatch"
fi

# --- migrate (twice)
mapfile -t migrations < <(cd "$SRC/deploy/migrations" && ls [0-9][0-9][0-9]_*.sql)
((${#migrations[@]} > 0)) || fail "no migrations in $SRC/deploy/migrations"
out="$(dw1 migrate)" || fail "migrate"
printf '%s\n' "$out"
for m in "${migrations[@]}"; do
    [[ $out == *"applying $m"* ]] || fail "migrate did not apply $m"
done
[[ "$(sql1 'SELECT current_database()')" == dualwatch ]] || fail "database dualwatch missing"
for t in schema_migrations inbox rejects budget_lines payments alerts tasks stage_events stage_cursors outbox outbox_epoch; do
    [[ "$(sql1 "SELECT to_regclass('public.$t') IS NOT NULL")" == t ]] || fail "table $t missing after migrate"
done
n="$(sql1 'SELECT count(*) FROM schema_migrations')"
[[ $n == "${#migrations[@]}" ]] || fail "schema_migrations has $n rows for ${#migrations[@]} migrations"
ok "migrate applies ${#migrations[@]} migration(s); the tables of 001_foundation exist"

# --- settings
[[ "$(sql1 'SHOW port')" == "$P1" ]] || fail "port is not $P1"
[[ "$(sql1 'SHOW unix_socket_directories')" == "/tmp/dwpg.$(id -u).$P1" ]] || fail "unix_socket_directories"
[[ "$(sql1 'SHOW listen_addresses')" == 127.0.0.1 ]] || fail "listen_addresses is not 127.0.0.1"
[[ "$(sql1 'SHOW timezone')" == Asia/Shanghai ]] || fail "timezone is not Asia/Shanghai"
[[ "$(sql1 'SHOW fsync')" == on ]] || fail "fsync is not on"
[[ "$(sql1 'SHOW synchronous_commit')" == on ]] || fail "synchronous_commit is not on"
[[ "$(sql1 'SHOW server_encoding')" == UTF8 ]] || fail "server_encoding is not UTF8"
[[ "$(sql1 'SELECT current_user')" == dualwatch ]] || fail "the role is not dualwatch"
ok "settings: port, socket, 127.0.0.1, Asia/Shanghai, fsync, synchronous_commit, UTF8"

epoch="$(sql1 'SELECT epoch FROM outbox_epoch')"
out="$(dw1 migrate)" || fail "second migrate"
[[ $out != *applying* ]] || fail "second migrate applied something: $out"
[[ "$(sql1 'SELECT count(*) FROM schema_migrations')" == "$n" ]] || fail "second migrate changed schema_migrations"
[[ "$(sql1 'SELECT epoch FROM outbox_epoch')" == "$epoch" ]] || fail "second migrate touched outbox_epoch"
ok "a second migrate applies nothing"

# --- a failing migration is rolled back whole and not recorded
mkdir "$TMP/migrations"
cp "$SRC"/deploy/migrations/*.sql "$TMP/migrations/"
printf 'CREATE TABLE broken_probe (x int);\nSELECT 1 / 0;\n' >"$TMP/migrations/990_broken.sql"
DW_MIGRATIONS_DIR="$TMP/migrations" dw1 migrate >"$TMP/migrate.out" 2>&1 && fail "a failing migration succeeded"
grep -q 'division by zero' "$TMP/migrate.out" || fail "the failing migration's error was not shown: $(cat "$TMP/migrate.out")"
[[ "$(sql1 "SELECT to_regclass('public.broken_probe') IS NULL")" == t ]] || fail "a failed migration left a table behind"
[[ "$(sql1 "SELECT count(*) FROM schema_migrations WHERE version = '990'")" == 0 ]] || fail "a failed migration was recorded"
ok "a failing migration leaves nothing behind and is not recorded"

# --- instance two, at the same time, with other names
dw2 db-init >/dev/null || fail "db-init (two)"
dw2 db-start >/dev/null || fail "db-start (two)"
dw2 migrate >/dev/null || fail "migrate (two)"
[[ "$(sql2 'SHOW port')" == "$P2" ]] || fail "instance two is not on port $P2"
[[ "$(sql2 'SELECT current_database() || $$/$$ || current_user')" == dw_second/dw_second_owner ]] ||
    fail "instance two does not use its own database and role"
[[ "$(sql1 'SHOW port')" == "$P1" ]] || fail "instance one stopped answering while two runs"
sql1 "INSERT INTO rejects (stage, code, message) VALUES ('test', 'probe', 'cluster_test')" >/dev/null
[[ "$(sql1 'SELECT count(*) FROM rejects')" == 1 && "$(sql2 'SELECT count(*) FROM rejects')" == 0 ]] ||
    fail "the two instances are not independent"
ok "a second instance (port $P2, database dw_second) runs beside the first, independent of it"

out="$(dw1 status)" || fail "status"
[[ $out == *"cluster    running"*"port $P1"* && $out == *"rejects 1"* ]] || fail "status does not show the running cluster: $out"
ok "status shows the cluster and the row counts"

# --- stop (twice)
dw2 db-stop >/dev/null || fail "db-stop (two)"
dw1 db-stop || fail "db-stop"
out="$(dw1 db-stop)" || fail "second db-stop"
[[ $out == *"not running"* ]] || fail "second db-stop did not say the cluster is stopped: $out"
[[ ! -e $H1/pg/postmaster.pid && ! -e $H2/pg/postmaster.pid ]] || fail "a postmaster.pid is left after db-stop"
[[ ! -e /tmp/dwpg.$(id -u).$P1 ]] || fail "the socket directory /tmp/dwpg.$(id -u).$P1 is left after db-stop"
out="$(dw1 status)" || fail "status"
[[ $out == *"cluster    stopped"* ]] || fail "status does not show the stopped cluster: $out"
ok "db-stop stops each cluster once"

# --- the cluster starts again with its data
dw1 db-start >/dev/null || fail "db-start after db-stop"
[[ "$(sql1 'SELECT count(*) FROM rejects')" == 1 ]] || fail "data lost across a restart"
dw1 db-stop >/dev/null || fail "db-stop after restart"
ok "a restarted cluster keeps its data"

echo "# all $STEP checks passed"
