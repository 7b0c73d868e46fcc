#!/usr/bin/env bash
# deploy/bench.sh — measure dualwatch on this machine: a private instance in a
# temporary directory, `dwctl bench` against it, the figures on stdout.
#
#   deploy/bench.sh [DWCTL BENCH OPTIONS...]
#
# Creates a fresh DW_HOME under /tmp, picks free ports, writes a configuration
# (deploy/dualwatch.yaml's defaults and sections; its own ports and ipc names;
# log level info), starts the cluster and the five services with
# deploy/dualwatch.sh start, runs
#
#   dwctl bench --count 50000 --window 1000 --pipeline-conninfo <the instance>
#
# and stops everything and removes the directory on exit, Ctrl-C included.
# Arguments go to dwctl bench after these defaults, so they override them:
#
#   deploy/bench.sh --window 1 --count 2000      # latency-bound
#
# Every run starts from an empty database. The figures are one per line
# (`dwctl help bench` says what each means); the script's own lines start
# with "bench:" and go to stderr.
#
# settings (environment)
#   BENCH_BUILD_DIR   the build to measure     [<repo>/build]
#   BENCH_KEEP        1: keep the directory (logs, cluster) for inspection [0]
set -euo pipefail
umask 022

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
DW_ROOT="$(cd "$(dirname "$SELF")/.." && pwd -P)"
BENCH_BUILD_DIR="$(realpath -m -- "${BENCH_BUILD_DIR:-$DW_ROOT/build}")"
BENCH_KEEP="${BENCH_KEEP:-0}"
DWCTL="$BENCH_BUILD_DIR/services/dwctl/dwctl"

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: error: %s\n' "$1" >&2
    if [[ $# -gt 1 && -n $2 ]]; then
        printf 'hint: %s\n' "$2" >&2
    fi
    exit 1
}

[[ -x $DWCTL ]] || die "dwctl not found at $DWCTL" \
    "build first (deploy/dualwatch.sh build), or set BENCH_BUILD_DIR to the build directory"

# ---------------------------------------------------------------- free ports

# The local TCP ports in use now (any state), from the kernel's tables.
declare -A USED_PORTS=()
load_used_ports() {
    local f line port
    for f in /proc/net/tcp /proc/net/tcp6; do
        [[ -r $f ]] || continue
        while read -r _ line _; do
            port="${line##*:}"
            if [[ $port =~ ^[0-9A-Fa-f]{4}$ ]]; then
                USED_PORTS[$((16#$port))]=1
            fi
        done <"$f"
    done
}

# free_port: a port nobody uses now, and not handed out before by this script.
free_port() {
    local port i
    for ((i = 0; i < 1000; i++)); do
        port=$((20000 + RANDOM % 40000))
        if [[ -z ${USED_PORTS[$port]:-} ]]; then
            USED_PORTS[$port]=1
            printf '%s' "$port"
            return 0
        fi
    done
    die "no free TCP port found between 20000 and 59999"
}

# ---------------------------------------------------------------- the instance

BENCH_HOME=""
DWCTL_PID=""
STARTED=0
CLEANED=0

# dualwatch CMD...: deploy/dualwatch.sh with this instance's settings; its
# chatter goes to the instance's log, shown when it fails.
dualwatch() {
    if ! DW_HOME="$BENCH_HOME" DW_PGPORT="$PG_PORT" DW_PGSOCKDIR="$BENCH_HOME/sock" DW_CONFIG="$BENCH_HOME/dualwatch.yaml" \
        DW_BUILD_DIR="$BENCH_BUILD_DIR" "$DW_ROOT/deploy/dualwatch.sh" "$@" >>"$BENCH_HOME/dualwatch.log" 2>&1; then
        tail -n 20 "$BENCH_HOME/dualwatch.log" >&2 || true
        return 1
    fi
}

cleanup() {
    ((CLEANED)) && return 0
    CLEANED=1
    trap '' INT TERM
    if ((STARTED)); then
        dualwatch stop || say "stop reported a failure (log: $BENCH_HOME/dualwatch.log)"
    fi
    if [[ -n $BENCH_HOME && -d $BENCH_HOME ]]; then
        if [[ $BENCH_KEEP == 1 ]]; then
            say "kept $BENCH_HOME (service logs in $BENCH_HOME/run)"
        elif [[ $BENCH_HOME == /tmp/dw-bench.* ]]; then
            rm -rf -- "$BENCH_HOME"
        fi
    fi
}

on_exit() {
    local rc=$?
    cleanup
    exit "$rc"
}

write_config() {
    local shipped="$DW_ROOT/deploy/dualwatch.yaml"
    [[ -r $shipped ]] || die "$shipped not found" "run the script from a dualwatch checkout"
    {
        cat <<EOF
# Written by deploy/bench.sh for one run; every key not here has its default
# (deploy/dualwatch.yaml lists them), so the run measures the shipped settings.
instance: dw-bench-$$
log:
  level: info
database:
  conninfo: "$CONNINFO"
  connect_retry_s: 20
intake:
  endpoint: "tcp://127.0.0.1:$INTAKE_PORT"
pipeline:
  intake_events: "ipc://@dw-bench-$$/intake"
  validate_events: "ipc://@dw-bench-$$/validate"
  analyze_events: "ipc://@dw-bench-$$/analyze"
  route_events: "ipc://@dw-bench-$$/route"
notify:
  pub_endpoint: "tcp://127.0.0.1:$PUB_PORT"
  replay_endpoint: "tcp://127.0.0.1:$REPLAY_PORT"

EOF
        # The bureau's sections, as shipped: every dept code the bench uses has one.
        sed -n '/^sections:/,$p' "$shipped"
    } >"$BENCH_HOME/dualwatch.yaml"
}

# log_count PATTERN: lines of the services' logs that match.
log_count() {
    cat "$BENCH_HOME"/run/*.log 2>/dev/null | grep -c -- "$1" || true
}

main() {
    trap on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    BENCH_HOME="$(mktemp -d /tmp/dw-bench.XXXXXX)"
    chmod 0755 "$BENCH_HOME" # the cluster runs as an unprivileged user when we are root
    load_used_ports
    PG_PORT="$(free_port)"
    INTAKE_PORT="$(free_port)"
    PUB_PORT="$(free_port)"
    REPLAY_PORT="$(free_port)"
    CONNINFO="host=$BENCH_HOME/sock port=$PG_PORT dbname=dualwatch user=dualwatch"
    write_config

    say "starting an instance in $BENCH_HOME (PostgreSQL port $PG_PORT, dw-intake port $INTAKE_PORT)"
    STARTED=1
    dualwatch start || die "deploy/dualwatch.sh start failed" "its output is above; service logs in $BENCH_HOME/run"

    printf '%-14s %s\n' "machine" "$(nproc) cores, $(uname -m), $(uname -r)"
    printf '%-14s %s\n' "build" "$BENCH_BUILD_DIR"
    local rc
    # In the background, so that a TERM to this script reaches dwctl at once
    # (it stops sending and waits for its acks). A Ctrl-C reaches it through
    # the terminal's process group; it is left to dwctl, which sums up.
    "$DWCTL" bench --endpoint "tcp://127.0.0.1:$INTAKE_PORT" --count 50000 --window 1000 \
        --pipeline-conninfo "$CONNINFO" "$@" &
    DWCTL_PID=$!
    trap 'kill -TERM "$DWCTL_PID" 2>/dev/null || true' TERM
    trap ':' INT
    while :; do
        rc=0
        wait "$DWCTL_PID" || rc=$?
        kill -0 "$DWCTL_PID" 2>/dev/null || break # else the wait was cut short by a signal
    done
    trap 'exit 130' INT
    trap 'exit 143' TERM
    printf '%-14s %s\n' "log warnings" "$(log_count ' WARN ')"
    printf '%-14s %s\n' "log errors" "$(log_count ' ERROR ')"
    if ((rc != 0)); then
        say "dwctl bench exited with status $rc (BENCH_KEEP=1 keeps the service logs for a look)"
    fi
    return "$rc"
}

main "$@"
