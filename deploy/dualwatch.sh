#!/usr/bin/env bash
# deploy/dualwatch.sh — build, run and test a dualwatch instance on this machine.
#
# One instance = a private PostgreSQL cluster (run by an unprivileged OS user:
# PostgreSQL refuses to run as root) plus the five services, all kept under
# DW_HOME. Every setting is an environment variable with a default, so that
# tests can run their own instances side by side (own DW_HOME, DW_PGPORT,
# DW_CONFIG). `deploy/dualwatch.sh help` lists the commands and settings.
#
# Quick start (README.md):  ./deploy/dualwatch.sh run   and   ./deploy/dualwatch.sh test
set -euo pipefail
umask 022

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
DW_ROOT="$(cd "$(dirname "$SELF")/.." && pwd -P)"
PROG="deploy/dualwatch.sh"

# Started first, stopped last: each stage's consumers are up before it.
SERVICES=(notify route analyze validate intake)

# Debian packages: to build and run, and what the tests need beyond that.
DW_PACKAGES=(build-essential cmake pkg-config libzmq3-dev libpq-dev libmsgpack-dev libyaml-dev
    postgresql postgresql-client ca-certificates)
DW_TEST_PACKAGES=(procps clang-format)

# ---------------------------------------------------------------- messages

say() { printf 'dualwatch: %s\n' "$*"; }
warn() { printf 'dualwatch: warning: %s\n' "$*" >&2; }
# die MESSAGE [HINT]: what failed, then how to fix it.
die() {
    printf 'dualwatch: error: %s\n' "$1" >&2
    if [[ $# -gt 1 && -n $2 ]]; then
        printf 'hint: %s\n' "$2" >&2
    fi
    exit 1
}
# show_tail FILE [N]: the last lines of a log, to stderr, framed.
show_tail() {
    local file=$1 n=${2:-20}
    if [[ -r $file ]]; then
        printf -- '--- last %s lines of %s\n' "$n" "$file" >&2
        tail -n "$n" "$file" >&2 || true
        printf -- '---\n' >&2
    fi
}

usage_line() {
    printf 'usage: %s deps [--test] | build [--asan] | db-init | db-start | db-stop | migrate | start | stop [--services] | status | psql [-c SQL] | run | test | bench [ARGS] | help\n' "$PROG"
}

usage_full() {
    usage_line
    cat <<EOF

commands
  deps [--test]     install missing Debian packages (apt-get; sudo when not root)
  build [--asan]    cmake configure + build into DW_BUILD_DIR (--asan: DW_BUILD_DIR-asan, ASan+UBSan)
  db-init           create the PostgreSQL cluster in DW_HOME/pg if there is none; write its settings
  db-start          start the cluster (idempotent)
  db-stop           stop the cluster (fast shutdown; idempotent)
  migrate           create the database if missing; apply deploy/migrations/NNN_*.sql not yet applied
  start             db-init, db-start, migrate, then the five services in the background
  stop [--services] stop the services (and the cluster unless --services)
  status            the cluster, each service, row counts
  psql [ARGS...]    psql on the instance's database (e.g. psql -c 'SELECT ...')
  run               quick start: deps, build, start, stream the sample data, print alerts and tasks; Ctrl-C stops
  test              deps --test, build, build --asan, ctest on both builds
  bench [ARGS...]   deps, build, then deploy/bench.sh: a private instance on free ports, N payments through
                    dw-intake and the pipeline, rates and ack latency percentiles (ARGS go to dwctl bench)

settings (environment, with defaults)
  DW_HOME            instance directory (pg/, run/)        [$(default_home)]
  DW_PGPORT          cluster port                          [5488]
  DW_PGSOCKDIR       cluster unix-socket directory         [/tmp/dwpg.<uid>.\$DW_PGPORT]
  DW_PGDATABASE      database                              [dualwatch]
  DW_PGUSER          database role                         [dualwatch]
  DW_OS_USER         OS user that runs PostgreSQL          [dualwatch when root, else you]
  DW_CONFIG          service configuration                 [<repo>/deploy/dualwatch.yaml]
  DW_BUILD_DIR       build directory                       [<repo>/build]
  DW_MIGRATIONS_DIR  SQL migrations                        [<repo>/deploy/migrations]
  DW_PGBINDIR        PostgreSQL server binaries            [pg_config --bindir, else newest /usr/lib/postgresql/*/bin]
  DW_SAMPLE          data that 'run' sends                 [<repo>/deploy/sample/sample.yaml]
  DW_INTAKE_ENDPOINT where 'run' sends                     [tcp://127.0.0.1:7401]
  DW_PUB_ENDPOINT    where 'run' watches                   [tcp://127.0.0.1:7405]
  DW_REPLAY_ENDPOINT where 'run' catches up from            [tcp://127.0.0.1:7406]
EOF
}

# ---------------------------------------------------------------- settings

IS_ROOT=0
if [[ $(id -u) -eq 0 ]]; then
    IS_ROOT=1
fi

default_home() {
    if ((IS_ROOT)); then
        printf '/var/lib/dualwatch'
    else
        printf '%s/dualwatch' "${XDG_STATE_HOME:-${HOME:-}/.local/state}"
    fi
}

DW_PGPORT="${DW_PGPORT:-5488}"
DW_HOME="${DW_HOME:-$(default_home)}"
# Per user and port: another user's instance (or its leftover directory) on the
# same port never stands in the way.
DW_PGSOCKDIR="${DW_PGSOCKDIR:-/tmp/dwpg.$(id -u).$DW_PGPORT}"
DW_PGDATABASE="${DW_PGDATABASE:-dualwatch}"
DW_PGUSER="${DW_PGUSER:-dualwatch}"
DW_CONFIG="${DW_CONFIG:-$DW_ROOT/deploy/dualwatch.yaml}"
DW_BUILD_DIR="${DW_BUILD_DIR:-$DW_ROOT/build}"
DW_MIGRATIONS_DIR="${DW_MIGRATIONS_DIR:-$DW_ROOT/deploy/migrations}"
DW_SAMPLE="${DW_SAMPLE:-$DW_ROOT/deploy/sample/sample.yaml}"
DW_INTAKE_ENDPOINT="${DW_INTAKE_ENDPOINT:-tcp://127.0.0.1:7401}"
DW_PUB_ENDPOINT="${DW_PUB_ENDPOINT:-tcp://127.0.0.1:7405}"
DW_REPLAY_ENDPOINT="${DW_REPLAY_ENDPOINT:-tcp://127.0.0.1:7406}"
DW_PGBINDIR="${DW_PGBINDIR:-}"
ME="$(id -un)"
if ((IS_ROOT)); then
    DW_OS_USER="${DW_OS_USER:-dualwatch}"
else
    DW_OS_USER="${DW_OS_USER:-$ME}"
fi

# Paths are made absolute once (relative to where the script was called from).
DW_BUILD_DIR="$(realpath -m -- "$DW_BUILD_DIR")"
DW_CONFIG="$(realpath -m -- "$DW_CONFIG")"
DW_MIGRATIONS_DIR="$(realpath -m -- "$DW_MIGRATIONS_DIR")"
DW_SAMPLE="$(realpath -m -- "$DW_SAMPLE")"

# Explicit settings win over any libpq environment the caller may carry.
unset PGHOSTADDR PGSERVICE PGSERVICEFILE

# What this invocation started (so that `run` stops only that).
STARTED_CLUSTER=0
STARTED_SERVICES=()
SETTINGS_CHECKED=0

# settings_check: validate the instance settings; called by every command
# that touches the instance (not by deps/build/test).
settings_check() {
    ((SETTINGS_CHECKED)) && return 0
    [[ -n $DW_HOME ]] || die "DW_HOME is empty and no default could be derived (HOME is not set)" \
        "set DW_HOME to the instance directory, e.g. DW_HOME=\$PWD/dw-home"
    DW_HOME="$(realpath -m -- "$DW_HOME")"
    DW_PGSOCKDIR="$(realpath -m -- "$DW_PGSOCKDIR")"
    PG_DIR="$DW_HOME/pg"
    RUN_DIR="$DW_HOME/run"
    PG_LOG="$RUN_DIR/postgresql.log"

    if [[ ! $DW_PGPORT =~ ^[1-9][0-9]{3,4}$ ]] || ((DW_PGPORT < 1024 || DW_PGPORT > 65535)); then
        die "DW_PGPORT must be a port number between 1024 and 65535, not \"$DW_PGPORT\""
    fi
    local v
    for v in DW_PGDATABASE DW_PGUSER; do
        [[ ${!v} =~ ^[a-z_][a-z0-9_]{0,62}$ ]] ||
            die "$v must be a plain lower-case SQL identifier (a-z, 0-9, _), not \"${!v}\""
    done
    [[ $DW_PGSOCKDIR =~ ^[A-Za-z0-9_./+-]+$ ]] ||
        die "DW_PGSOCKDIR may only hold letters, digits and _ . / + -, not \"$DW_PGSOCKDIR\"" \
            "it ends up in postgresql.conf and in a libpq conninfo"
    # The kernel limits a unix-socket path to 107 bytes (sun_path is 108 with
    # its NUL); PostgreSQL refuses a longer one at start-up.
    local sock="$DW_PGSOCKDIR/.s.PGSQL.$DW_PGPORT" n
    n="$(byte_length "$sock")"
    ((n < 107)) || die "socket path \"$sock\" is $n bytes; a unix socket path must be shorter than 107 bytes" \
        "set DW_PGSOCKDIR to a short directory, e.g. DW_PGSOCKDIR=/tmp/dwpg.$(id -u).$DW_PGPORT"
    if ((IS_ROOT)); then
        [[ $DW_OS_USER != root ]] || die "PostgreSQL cannot run as root (DW_OS_USER=root)" \
            "leave DW_OS_USER unset (default: dualwatch) or name an unprivileged user"
    elif [[ $DW_OS_USER != "$ME" ]]; then
        die "DW_OS_USER=$DW_OS_USER differs from you ($ME); only root can run the cluster as another user" \
            "unset DW_OS_USER: without root, the cluster runs as you"
    fi
    SETTINGS_CHECKED=1
}

# ---------------------------------------------------------------- helpers

byte_length() {
    local LC_ALL=C
    printf '%s' "${#1}"
}

# as_pg CMD...: run CMD as the OS user that owns the cluster (from /, so that
# an unreadable working directory such as /root does not get in the way).
as_pg() {
    if ((IS_ROOT)); then
        (cd / && runuser -u "$DW_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# find_pg_bindir: sets PG_BINDIR (initdb, pg_ctl, psql); returns 1 if none.
find_pg_bindir() {
    [[ -n ${PG_BINDIR:-} ]] && return 0
    local d best=""
    if [[ -n $DW_PGBINDIR ]]; then
        [[ -x $DW_PGBINDIR/initdb && -x $DW_PGBINDIR/pg_ctl ]] || return 1
        PG_BINDIR="$DW_PGBINDIR"
        return 0
    fi
    # An existing cluster needs the server of its own major version.
    if [[ -n ${PG_DIR:-} && -f $PG_DIR/PG_VERSION ]]; then
        d="/usr/lib/postgresql/$(cat "$PG_DIR/PG_VERSION")/bin"
        if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
            PG_BINDIR="$d"
            return 0
        fi
    fi
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then
            PG_BINDIR="$d"
            return 0
        fi
    fi
    for d in /usr/lib/postgresql/*/bin; do
        if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
            best="$(printf '%s\n%s\n' "$best" "$d" | sed '/^$/d' | sort -V | tail -n 1)"
        fi
    done
    [[ -n $best ]] || return 1
    PG_BINDIR="$best"
}

need_pg_bindir() {
    find_pg_bindir || die "PostgreSQL server programs (initdb, pg_ctl) not found${DW_PGBINDIR:+ in DW_PGBINDIR=$DW_PGBINDIR}" \
        "install them: $PROG deps (package postgresql), or set DW_PGBINDIR"
    PSQL="$PG_BINDIR/psql"
    if [[ ! -x $PSQL ]]; then
        PSQL="$(command -v psql || true)"
        [[ -n $PSQL ]] || die "psql not found" "install it: $PROG deps (package postgresql-client)"
    fi
}

# dw_psql DB ARGS...: psql on the instance, as the instance's role.
dw_psql() {
    local db=$1
    shift
    PGAPPNAME=dualwatch.sh "$PSQL" -X -h "$DW_PGSOCKDIR" -p "$DW_PGPORT" -U "$DW_PGUSER" -d "$db" "$@"
}

cluster_exists() { [[ -f $PG_DIR/PG_VERSION ]]; }

cluster_running() {
    cluster_exists || return 1
    if ((IS_ROOT)) && ! getent passwd "$DW_OS_USER" >/dev/null; then
        return 1
    fi
    as_pg "$PG_BINDIR/pg_ctl" status -D "$PG_DIR" >/dev/null 2>&1
}

# postmaster_field N: line N of postmaster.pid (1 pid, 4 port, 5 socket dir).
postmaster_field() {
    sed -n "${1}p" "$PG_DIR/postmaster.pid" 2>/dev/null || true
}

ensure_os_user() {
    ((IS_ROOT)) || return 0
    getent passwd "$DW_OS_USER" >/dev/null && return 0
    command -v useradd >/dev/null || die "useradd not found: cannot create the OS user $DW_OS_USER" \
        "create an unprivileged user yourself and set DW_OS_USER to it"
    local i out=""
    # Tests may start several instances at once: tolerate a concurrent useradd.
    for ((i = 0; i < 10; i++)); do
        if out="$(useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$DW_OS_USER" 2>&1)"; then
            say "created OS user $DW_OS_USER (runs PostgreSQL)"
            return 0
        fi
        getent passwd "$DW_OS_USER" >/dev/null && return 0
        sleep 0.5
    done
    die "could not create the OS user $DW_OS_USER: $out" \
        "create it: useradd --system --no-create-home --shell /usr/sbin/nologin $DW_OS_USER"
}

# check_reachable DIR WHAT: as root, the OS user must be able to traverse DIR
# (or, if it does not exist yet, its nearest existing ancestor).
check_reachable() {
    ((IS_ROOT)) || return 0
    local dir=$1 what=$2 probe=$1
    while [[ ! -e $probe ]]; do
        probe="$(dirname "$probe")"
    done
    as_pg test -x "$probe" && return 0
    # Name the first directory on the way that the user cannot traverse.
    local p="" comp culprit="$probe" rest="${probe#/}"
    while [[ -n $rest ]]; do
        comp="${rest%%/*}"
        [[ $rest == */* ]] && rest="${rest#*/}" || rest=""
        p="$p/$comp"
        if ! as_pg test -x "$p"; then
            culprit="$p"
            break
        fi
    done
    die "$what $dir is not reachable by the OS user $DW_OS_USER that runs PostgreSQL: it cannot traverse $culprit ($(stat -c '%A %U' "$culprit"))" \
        "PostgreSQL refuses to run as root, so it runs as $DW_OS_USER; choose a directory it can reach, e.g. DW_HOME=/var/lib/dualwatch (directories such as /root are 0700)"
}

# prepare_dirs: DW_HOME, run/, pg/ (owned by the OS user, 0700), the socket
# directory (owned by the OS user, 0755) and the server log.
prepare_dirs() {
    ensure_os_user
    check_reachable "$DW_HOME" "DW_HOME"
    check_reachable "$DW_PGSOCKDIR" "DW_PGSOCKDIR"
    mkdir -p "$DW_HOME" "$RUN_DIR" || die "could not create $RUN_DIR" "check the permissions of $(dirname "$DW_HOME")"
    local d owner
    for d in "$PG_DIR" "$DW_PGSOCKDIR"; do
        if [[ ! -d $d ]]; then
            mkdir -p "$d" || die "could not create $d" "check the permissions of $(dirname "$d")"
            if ((IS_ROOT)); then
                chown "$DW_OS_USER:" "$d"
            fi
        fi
        owner="$(stat -c %U "$d")"
        if [[ $owner != "$DW_OS_USER" ]]; then
            if ((IS_ROOT)) && [[ $d == "$DW_PGSOCKDIR" || ! -e $d/PG_VERSION ]]; then
                chown "$DW_OS_USER:" "$d"
            elif [[ $d == "$PG_DIR" ]]; then
                die "the cluster directory $d belongs to $owner, not to $DW_OS_USER" \
                    "$( ((IS_ROOT)) && printf 'chown -R %s: %s' "$DW_OS_USER" "$d" || printf 'use your own DW_HOME')"
            elif compgen -G "$d/.s.PGSQL.*" >/dev/null; then
                die "the socket directory $d belongs to $owner, whose cluster is running there" \
                    "set DW_PGPORT (or DW_PGSOCKDIR) to another value"
            else
                die "the socket directory $d belongs to $owner, not to $DW_OS_USER (a leftover: no cluster runs there)" \
                    "remove it (as $owner or root: rmdir $d), or set DW_PGSOCKDIR to another directory"
            fi
        fi
    done
    chmod 0700 "$PG_DIR"
    chmod 0755 "$DW_PGSOCKDIR"
    as_pg test -w "$PG_DIR" -a -w "$DW_PGSOCKDIR" ||
        die "the OS user $DW_OS_USER cannot write to $PG_DIR or $DW_PGSOCKDIR" "check their owner and mode"
    # pg_ctl, as the OS user, appends the server log here.
    touch "$PG_LOG"
    if ((IS_ROOT)); then
        chown "$DW_OS_USER:" "$PG_LOG"
    fi
    chmod 0640 "$PG_LOG"
}

# write_pg_conf: the instance's settings, in pg/dualwatch.conf, included at
# the end of postgresql.conf. Rewritten on db-init and db-start.
write_pg_conf() {
    local conf
    conf="$(
        cat <<EOF
# Written by deploy/dualwatch.sh on db-init and db-start: change the script's
# DW_* settings rather than this file.
port = $DW_PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DW_PGSOCKDIR'
timezone = 'Asia/Shanghai'
log_timezone = 'Asia/Shanghai'
fsync = on
synchronous_commit = on
full_page_writes = on
wal_init_zero = off
max_wal_size = 4GB
min_wal_size = 1GB
logging_collector = off
log_destination = 'stderr'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    )"
    if [[ ! -f $PG_DIR/dualwatch.conf || "$(cat "$PG_DIR/dualwatch.conf")" != "$conf" ]]; then
        printf '%s\n' "$conf" | as_pg tee "$PG_DIR/dualwatch.conf" >/dev/null ||
            die "could not write $PG_DIR/dualwatch.conf"
        if cluster_running; then
            warn "cluster settings changed while it runs (port $(postmaster_field 4)): restart it to apply ($PROG db-stop; $PROG db-start)"
        fi
    fi
    if ! grep -q "^include = 'dualwatch.conf'" "$PG_DIR/postgresql.conf"; then
        printf "\n# dualwatch: the instance's settings (deploy/dualwatch.sh)\ninclude = 'dualwatch.conf'\n" |
            as_pg tee -a "$PG_DIR/postgresql.conf" >/dev/null || die "could not write $PG_DIR/postgresql.conf"
    fi
}

# ---------------------------------------------------------------- processes

# pid_is PID NAME: PID is a live (not zombie) process whose command line holds NAME.
pid_is() {
    local pid=$1 name=$2 stat cmd
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ ${stat:0:1} != Z ]] || return 1
    cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
    [[ $cmd == *"$name"* ]]
}

# service_pid NAME: prints the pid of a running service; 1 if it is not running.
service_pid() {
    local f="$RUN_DIR/$1.pid" pid
    [[ -f $f ]] || return 1
    pid="$(cat "$f" 2>/dev/null)" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    pid_is "$pid" "dw-$1" || return 1
    printf '%s' "$pid"
}

service_bin() { printf '%s/services/%s/dw-%s' "$DW_BUILD_DIR" "$1" "$1"; }

# start_service NAME: returns 1 (after saying why) if it died at once.
start_service() {
    local name=$1 bin log="$RUN_DIR/$1.log" pid
    bin="$(service_bin "$name")"
    if pid="$(service_pid "$name")"; then
        say "dw-$name already running (pid $pid)"
        return 0
    fi
    printf '=== %s %s starting: %s --config %s\n' "$(date '+%F %T')" "$PROG" "$bin" "$DW_CONFIG" >>"$log"
    # A session of its own: a Ctrl-C in the terminal reaches this script
    # only, which then stops the services in order.
    setsid "$bin" --config "$DW_CONFIG" </dev/null >>"$log" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$RUN_DIR/$name.pid"
    sleep 0.5
    if ! pid_is "$pid" "dw-$name"; then
        rm -f "$RUN_DIR/$name.pid"
        show_tail "$log"
        printf 'dualwatch: error: dw-%s exited right after it started\nhint: its log is above (%s); the configuration is %s\n' \
            "$name" "$log" "$DW_CONFIG" >&2
        return 1
    fi
    STARTED_SERVICES+=("$name")
    say "dw-$name started (pid $pid, log $log)"
}

# stop_service NAME: SIGTERM, up to 10 s, then SIGKILL.
stop_service() {
    local name=$1 pid i
    if ! pid="$(service_pid "$name")"; then
        rm -f "$RUN_DIR/$name.pid"
        say "dw-$name is not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        pid_is "$pid" "dw-$name" || break
        sleep 0.1
    done
    if pid_is "$pid" "dw-$name"; then
        warn "dw-$name (pid $pid) did not stop within 10 s of SIGTERM: sending SIGKILL (see $RUN_DIR/$name.log)"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            pid_is "$pid" "dw-$name" || break
            sleep 0.1
        done
    fi
    rm -f "$RUN_DIR/$name.pid"
    say "dw-$name stopped"
}

stop_services() {
    local i
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
        stop_service "${SERVICES[i]}"
    done
}

# ---------------------------------------------------------------- commands

cmd_deps() {
    local want=("${DW_PACKAGES[@]}") missing=() p st
    case "${1:-}" in
    --test) want+=("${DW_TEST_PACKAGES[@]}") ;;
    "") ;;
    *) usage_line >&2 && exit 2 ;;
    esac
    command -v dpkg-query >/dev/null || die "dpkg-query not found: this script installs Debian packages" \
        "on another system, install the equivalents of: ${want[*]}"
    for p in "${want[@]}"; do
        # shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
        st="$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)"
        [[ ${st:1:1} == i ]] || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        say "dependencies: all installed"
        return 0
    fi
    local sudo=()
    if ((!IS_ROOT)); then
        command -v sudo >/dev/null || die "missing packages (${missing[*]}) and sudo is not installed" \
            "as root: apt-get install --no-install-recommends ${missing[*]}"
        sudo=(sudo)
    fi
    say "installing: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update ||
        die "apt-get update failed" "check the network and /etc/apt/sources.list*"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
        die "apt-get install failed for: ${missing[*]}" "the apt error is above"
    say "dependencies installed"
}

cmd_build() {
    local dir="$DW_BUILD_DIR" sanitize=OFF
    case "${1:-}" in
    --asan) dir="${DW_BUILD_DIR}-asan" sanitize=ON ;;
    "") ;;
    *) usage_line >&2 && exit 2 ;;
    esac
    command -v cmake >/dev/null || die "cmake not found" "install the dependencies: $PROG deps"
    say "configuring $dir (DW_SANITIZE=$sanitize)"
    cmake -S "$DW_ROOT" -B "$dir" -DDW_SANITIZE="$sanitize" ||
        die "cmake could not configure $dir" "the error is above; a missing library? $PROG deps"
    say "building in $dir with $(nproc) jobs"
    cmake --build "$dir" -j"$(nproc)" || die "the build in $dir failed" "the compiler's error is above"
    say "built: $dir"
}

cmd_db_init() {
    settings_check
    need_pg_bindir
    prepare_dirs
    if cluster_exists; then
        say "cluster already initialised in $PG_DIR (PostgreSQL $(cat "$PG_DIR/PG_VERSION"))"
    else
        [[ -z "$(ls -A "$PG_DIR")" ]] || die "$PG_DIR is not empty but holds no cluster (no PG_VERSION)" \
            "move it away, or set DW_HOME to another directory"
        local locale=C
        if grep -qiE '^c\.utf-?8$' <<<"$(locale -a 2>/dev/null || true)"; then
            locale=C.UTF-8
        fi
        say "initialising a cluster in $PG_DIR (OS user $DW_OS_USER, role $DW_PGUSER, locale $locale, collation C)"
        # Collation C: text sorts by code point, as C.UTF-8 does, but compares
        # with memcmp instead of strcoll (every text key of every index).
        if ! as_pg "$PG_BINDIR/initdb" -D "$PG_DIR" -U "$DW_PGUSER" --encoding=UTF8 --locale="$locale" --lc-collate=C \
            --auth-local=trust --auth-host=scram-sha-256 --data-checksums >"$RUN_DIR/initdb.log" 2>&1; then
            show_tail "$RUN_DIR/initdb.log"
            die "initdb failed for $PG_DIR" "its output is above (and in $RUN_DIR/initdb.log)"
        fi
    fi
    write_pg_conf
}

cmd_db_start() {
    settings_check
    need_pg_bindir
    prepare_dirs
    cluster_exists || die "there is no cluster in $PG_DIR" "create it: $PROG db-init"
    write_pg_conf
    if cluster_running; then
        say "cluster already running (pid $(postmaster_field 1), port $(postmaster_field 4), socket $(postmaster_field 5))"
        return 0
    fi
    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t 60 -s start; then
        show_tail "$PG_LOG"
        die "could not start the cluster in $PG_DIR on port $DW_PGPORT" \
            "the server log is above ($PG_LOG); is port $DW_PGPORT taken by another server? then set DW_PGPORT"
    fi
    STARTED_CLUSTER=1
    say "cluster started (port $DW_PGPORT, socket $DW_PGSOCKDIR, log $PG_LOG)"
}

cmd_db_stop() {
    settings_check
    need_pg_bindir
    if ! cluster_exists; then
        say "no cluster in $PG_DIR: nothing to stop"
        return 0
    fi
    if ! cluster_running; then
        say "cluster is not running"
        return 0
    fi
    as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DIR" -m fast -w -t 60 -s stop ||
        die "could not stop the cluster in $PG_DIR" "see $PG_LOG; pg_ctl -D $PG_DIR stop -m immediate forces it"
    # The socket directory is made again at start; left behind it would only
    # be in the way of someone else's instance on this port.
    rmdir "$DW_PGSOCKDIR" 2>/dev/null || true
    say "cluster stopped"
}

cmd_migrate() {
    settings_check
    need_pg_bindir
    cluster_running || die "the cluster in $PG_DIR is not running" "start it: $PROG db-start"
    local found
    found="$(dw_psql postgres -qtA -v ON_ERROR_STOP=1 \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DW_PGDATABASE'")" ||
        die "could not query the cluster on $DW_PGSOCKDIR port $DW_PGPORT as role $DW_PGUSER" \
            "the psql error is above; was the cluster created with another DW_PGUSER?"
    if [[ $found != 1 ]]; then
        dw_psql postgres -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DW_PGDATABASE\"" ||
            die "could not create the database $DW_PGDATABASE" "the psql error is above"
        say "created database $DW_PGDATABASE"
    fi
    PGHOST="$DW_PGSOCKDIR" PGPORT="$DW_PGPORT" PGUSER="$DW_PGUSER" PGDATABASE="$DW_PGDATABASE" PSQL="$PSQL" \
        bash "$DW_ROOT/deploy/lib/migrate.sh" "$DW_MIGRATIONS_DIR"
}

cmd_start() {
    settings_check
    [[ -f $DW_CONFIG ]] || die "the configuration $DW_CONFIG does not exist" \
        "set DW_CONFIG to the services' YAML file (default: deploy/dualwatch.yaml)"
    local s bin
    for s in "${SERVICES[@]}"; do
        bin="$(service_bin "$s")"
        [[ -x $bin ]] || die "service program $bin not found" "build first: $PROG build (or set DW_BUILD_DIR)"
    done
    cmd_db_init
    cmd_db_start
    cmd_migrate
    export DW_DATABASE_CONNINFO="host=$DW_PGSOCKDIR port=$DW_PGPORT dbname=$DW_PGDATABASE user=$DW_PGUSER"
    for s in "${SERVICES[@]}"; do
        if ! start_service "$s"; then
            local i
            for ((i = ${#STARTED_SERVICES[@]} - 1; i >= 0; i--)); do
                stop_service "${STARTED_SERVICES[i]}"
            done
            STARTED_SERVICES=()
            die "dw-$s did not start; the services started before it were stopped again (the cluster keeps running)" \
                "fix the cause in $RUN_DIR/$s.log, then $PROG start"
        fi
    done
    say "running: ${SERVICES[*]/#/dw-} (logs in $RUN_DIR; $PROG status; $PROG stop)"
}

cmd_stop() {
    local services_only=0
    case "${1:-}" in
    --services) services_only=1 ;;
    "") ;;
    *) usage_line >&2 && exit 2 ;;
    esac
    settings_check
    stop_services
    if ((!services_only)); then
        cmd_db_stop
    fi
}

cmd_status() {
    settings_check
    local up=0 s pid
    printf 'instance   %s\n' "$DW_HOME"
    if ! find_pg_bindir; then
        printf 'cluster    PostgreSQL not installed (%s deps)\n' "$PROG"
    elif ! cluster_exists; then
        printf 'cluster    not initialised (%s db-init)\n' "$PROG"
    elif cluster_running; then
        up=1
        printf 'cluster    running: pid %s, port %s, socket %s, data %s\n' \
            "$(postmaster_field 1)" "$(postmaster_field 4)" "$(postmaster_field 5)" "$PG_DIR"
    else
        printf 'cluster    stopped (port %s, socket %s, data %s)\n' "$DW_PGPORT" "$DW_PGSOCKDIR" "$PG_DIR"
    fi
    for s in "${SERVICES[@]}"; do
        if pid="$(service_pid "$s")"; then
            printf '%-10s running: pid %s, log %s\n' "$s" "$pid" "$RUN_DIR/$s.log"
        else
            printf '%-10s stopped\n' "$s"
        fi
    done
    if ((up)); then
        need_pg_bindir
        local rows
        if rows="$(dw_psql "$DW_PGDATABASE" -qtA -F ' ' -v ON_ERROR_STOP=1 2>/dev/null <<'SQL'
SELECT t, CASE WHEN to_regclass('public.' || t) IS NULL THEN '-'
               ELSE (xpath('/row/c/text()',
                     query_to_xml(format('SELECT count(*) AS c FROM public.%I', t), false, true, '')))[1]::text
          END
FROM unnest(ARRAY['inbox', 'rejects', 'payments', 'alerts', 'tasks', 'outbox']) AS t;
SQL
        )"; then
            printf 'rows       %s\n' "$(tr '\n' ',' <<<"$rows" | sed 's/,$//; s/,/, /g')"
        else
            printf 'rows       database %s not created yet (%s migrate)\n' "$DW_PGDATABASE" "$PROG"
        fi
    fi
}

cmd_psql() {
    settings_check
    need_pg_bindir
    cluster_running || die "the cluster in $PG_DIR is not running" "start it: $PROG db-start"
    PGAPPNAME=dualwatch.sh exec "$PSQL" -h "$DW_PGSOCKDIR" -p "$DW_PGPORT" -U "$DW_PGUSER" -d "$DW_PGDATABASE" "$@"
}

# --- run: the quick start

WATCH_PID=""
RUN_CLEANED=0

# run_cleanup: stop what this invocation started, in order: the watcher, the
# services (reverse order), the cluster.
run_cleanup() {
    ((RUN_CLEANED)) && return 0
    RUN_CLEANED=1
    trap '' INT TERM
    if [[ -n $WATCH_PID ]]; then
        kill -TERM "$WATCH_PID" 2>/dev/null || true
        wait "$WATCH_PID" 2>/dev/null || true
        WATCH_PID=""
    fi
    local i
    for ((i = ${#STARTED_SERVICES[@]} - 1; i >= 0; i--)); do
        stop_service "${STARTED_SERVICES[i]}" || true
    done
    if ((STARTED_CLUSTER)); then
        (cmd_db_stop) || warn "the cluster did not stop cleanly (see $PG_LOG)"
    fi
}

run_interrupted() {
    printf '\n'
    say "stopping what this run started"
    run_cleanup
    trap - EXIT
    exit 0
}

run_exit() {
    local rc=$?
    run_cleanup
    exit "$rc"
}

cmd_run() {
    cmd_deps
    cmd_build
    settings_check
    local dwctl="$DW_BUILD_DIR/services/dwctl/dwctl"
    [[ -x $dwctl ]] || die "dwctl not found at $dwctl" "build it: $PROG build"
    [[ -f $DW_SAMPLE ]] || die "the sample data $DW_SAMPLE does not exist" "set DW_SAMPLE to a file for dwctl send"
    trap run_interrupted INT TERM
    trap run_exit EXIT
    cmd_start
    say "watching alerts and tasks published on $DW_PUB_ENDPOINT"
    "$dwctl" watch --endpoint "$DW_PUB_ENDPOINT" --replay-endpoint "$DW_REPLAY_ENDPOINT" --topic alert. --topic task. \
        --from-start &
    WATCH_PID=$!
    sleep 1 # let the subscription reach the publisher before anything is published
    pid_is "$WATCH_PID" dwctl || die "dwctl watch exited at once" "its error is above"
    say "sending $DW_SAMPLE to $DW_INTAKE_ENDPOINT"
    "$dwctl" send --endpoint "$DW_INTAKE_ENDPOINT" "$DW_SAMPLE" ||
        die "dwctl send failed: not all of the sample data was acknowledged" \
            "its error is above; the services' logs are in $RUN_DIR"
    say "sample data sent and acknowledged; alerts and tasks print as they are published. Ctrl-C stops everything"
    local rc=0
    wait "$WATCH_PID" || rc=$?
    WATCH_PID=""
    die "dwctl watch exited (status $rc)" "its error is above; the services' logs are in $RUN_DIR"
}

# --- test

CTEST_PID=""

# run_ctest DIR: ctest in a session of its own, so that a test which signals
# its whole process group takes down only ctest (and is reported), never this
# script; Ctrl-C here stops that session.
run_ctest() {
    local rc=0
    setsid ctest --test-dir "$1" --output-on-failure -j2 --timeout 300 --no-tests=error </dev/null &
    CTEST_PID=$!
    wait "$CTEST_PID" || rc=$?
    CTEST_PID=""
    return "$rc"
}

test_interrupted() {
    if [[ -n $CTEST_PID ]]; then
        kill -TERM -- "-$CTEST_PID" 2>/dev/null || true
    fi
    printf '\n'
    die "tests interrupted"
}

ctest_verdict() {
    if (($1 == 0)); then
        printf 'passed'
    elif (($1 > 128)); then
        printf 'FAILED (ctest was killed by signal %s: did a test signal its process group?)' "$(($1 - 128))"
    else
        printf 'FAILED (ctest status %s)' "$1"
    fi
}

# The fuzz build: clang with libFuzzer's runtime (libclang-rt-14-dev on bookworm).
DW_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

# fuzz_test: a third build, with clang and DW_FUZZ=ON, in which only
# fuzz.msg_60s runs (60 seconds of libFuzzer on the message decoders). When
# clang or its runtime cannot be installed, FUZZ_SKIPPED says why and the
# status is 0; otherwise the status is ctest's.
FUZZ_SKIPPED=""
fuzz_test() {
    local dir="${DW_BUILD_DIR}-fuzz" p st missing=() sudo=() rc=0
    for p in "${DW_FUZZ_PACKAGES[@]}"; do
        # shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
        st="$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)"
        [[ ${st:1:1} == i ]] || missing+=("$p")
    done
    if ((${#missing[@]} > 0)); then
        if ((!IS_ROOT)); then
            command -v sudo >/dev/null || {
                FUZZ_SKIPPED="${missing[*]} not installed, and no sudo to install them"
                return 0
            }
            sudo=(sudo)
        fi
        say "installing for the fuzz build: ${missing[*]}"
        if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null ||
            ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
                "${missing[@]}"; then
            FUZZ_SKIPPED="${missing[*]} could not be installed (the apt error is above)"
            return 0
        fi
    fi
    command -v clang >/dev/null || {
        FUZZ_SKIPPED="clang is not on PATH"
        return 0
    }
    say "configuring $dir (clang, DW_FUZZ=ON)"
    if ! CC=clang cmake -S "$DW_ROOT" -B "$dir" -DDW_FUZZ=ON >/dev/null ||
        ! cmake --build "$dir" -j"$(nproc)" --target fuzz_msg_libfuzzer; then
        warn "the fuzz build in $dir failed (the error is above)"
        return 1
    fi
    say "testing $dir: 60 s of libFuzzer on the message decoders"
    setsid ctest --test-dir "$dir" --output-on-failure -R '^fuzz\.msg_60s$' --no-tests=error </dev/null &
    CTEST_PID=$!
    wait "$CTEST_PID" || rc=$?
    CTEST_PID=""
    return "$rc"
}

cmd_test() {
    cmd_deps --test
    cmd_build
    cmd_build --asan
    local asan_dir="${DW_BUILD_DIR}-asan" rc=0 rc_asan=0 t0=$SECONDS t1
    trap test_interrupted INT TERM
    say "testing $DW_BUILD_DIR"
    run_ctest "$DW_BUILD_DIR" || rc=$?
    t1=$SECONDS
    say "testing $asan_dir (AddressSanitizer + UndefinedBehaviorSanitizer)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_ctest "$asan_dir" || rc_asan=$?
    local rc_fuzz=0 t2=$SECONDS
    fuzz_test || rc_fuzz=$?
    trap - INT TERM
    printf '\nsummary\n'
    printf '  %-40s %s (%ss)\n' "$DW_BUILD_DIR" "$(ctest_verdict "$rc")" "$((t1 - t0))"
    printf '  %-40s %s (%ss)\n' "$asan_dir" "$(ctest_verdict "$rc_asan")" "$((t2 - t1))"
    if [[ -n $FUZZ_SKIPPED ]]; then
        printf '  %-40s skipped: %s\n' "${DW_BUILD_DIR}-fuzz" "$FUZZ_SKIPPED"
    else
        printf '  %-40s %s (%ss)\n' "${DW_BUILD_DIR}-fuzz" "$(ctest_verdict "$rc_fuzz")" "$((SECONDS - t2))"
    fi
    ((rc == 0 && rc_asan == 0 && rc_fuzz == 0)) || die "tests failed" \
        "the failures are above; rerun one with: ctest --test-dir DIR -R NAME --output-on-failure"
    say "all tests passed"
}

# bench: the performance figures, on a private instance of their own (deploy/bench.sh).
cmd_bench() {
    cmd_deps
    cmd_build
    BENCH_BUILD_DIR="$DW_BUILD_DIR" exec "$DW_ROOT/deploy/bench.sh" "$@"
}

# ---------------------------------------------------------------- main

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
    deps) cmd_deps "$@" ;;
    build) cmd_build "$@" ;;
    db-init) cmd_db_init ;;
    db-start) cmd_db_start ;;
    db-stop) cmd_db_stop ;;
    migrate) cmd_migrate ;;
    start) cmd_start ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status ;;
    psql) cmd_psql "$@" ;;
    run) cmd_run ;;
    test) cmd_test ;;
    bench) cmd_bench "$@" ;;
    help | -h | --help) usage_full ;;
    *)
        usage_line >&2
        exit 2
        ;;
    esac
}

main "$@"
