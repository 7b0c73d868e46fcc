#!/usr/bin/env bash
# deploy/bench.sh — measure dualwatch on this machine: a private instance in a
# temporary directory, `dwctl bench` against it, the figures on stdout.
#
#   deploy/bench.sh                              the two standard runs below
#   deploy/bench.sh [DWCTL BENCH OPTIONS...]     one run: the throughput run's
#                                                options, then these
#
# Creates a fresh DW_HOME under /tmp, picks free ports, writes a configuration
# (deploy/dualwatch.yaml's defaults and sections; its own ports and ipc names;
# log level info), starts the cluster (fsync and synchronous_commit on, as
# shipped) and the five services with deploy/dualwatch.sh start, and runs, on
# that one instance, one after the other:
#
#   paced       dwctl bench --count 200000 --rate 10000 --window 1000
#               ack latency at 10,000 payments/s offered
#   throughput  dwctl bench --count 1000000 --window 1000 --copy-baseline
#                           --pause-pid <dw-validate>
#               payments/s end to end (first send to dw-validate done), ack
#               latency at full speed, and a plain COPY of the same rows into
#               the same tables in the same run, with the ratio (dw-validate
#               is paused while the baseline's rows exist: they take the inbox
#               seqs the pipeline would take next)
#
# each with the instance's --pipeline-conninfo and --config, and --mark-cmd
# (this script again, which takes the CPU figures at each phase boundary). It stops
# everything and removes the directory on exit, Ctrl-C included. A 1,000,000
# run takes a few minutes. Arguments replace the standard pair by one run:
#
#   deploy/bench.sh --count 2000 --window 1 --no-copy-baseline   # latency floor
#
# Every instance starts from an empty database. The figures are one per line
# (`dwctl help bench` says what each means); after each run come the CPU
# seconds of every process of the instance (services, PostgreSQL backends by
# application, PostgreSQL's own workers, dwctl) while the pipeline ran and
# while the baseline ran, and how busy the whole machine was: other work on
# the same cores shows there. The script's own lines start with "bench:" and
# go to stderr.
#
# settings (environment)
#   BENCH_BUILD_DIR    the build to measure     [<repo>/build]
#   BENCH_KEEP         1: keep the directory (logs, cluster) for inspection [0]
#   BENCH_COUNT        payments of the throughput run [1000000]
#   BENCH_PACED_COUNT  payments of the paced run [200000]
#   BENCH_PACED_RATE   offered payments/s of the paced run [10000]
set -euo pipefail
umask 022

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
DW_ROOT="$(cd "$(dirname "$SELF")/.." && pwd -P)"
BENCH_BUILD_DIR="$(realpath -m -- "${BENCH_BUILD_DIR:-$DW_ROOT/build}")"
BENCH_KEEP="${BENCH_KEEP:-0}"
BENCH_COUNT="${BENCH_COUNT:-1000000}"
BENCH_PACED_COUNT="${BENCH_PACED_COUNT:-200000}"
BENCH_PACED_RATE="${BENCH_PACED_RATE:-10000}"
DWCTL="$BENCH_BUILD_DIR/services/dwctl/dwctl"

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: error: %s\n' "$1" >&2
    if [[ $# -gt 1 && -n $2 ]]; then
        printf 'hint: %s\n' "$2" >&2
    fi
    exit 1
}


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
# Below the kernel's ephemeral range: a port in it can be taken by any
# outgoing connection before the service binds it (seen here: a ZeroMQ
# reconnect connected to itself on the port its intake was to listen on).
free_port() {
    local port i lo=32768
    read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    ((lo > 21000)) || lo=60000
    for ((i = 0; i < 1000; i++)); do
        port=$((20000 + RANDOM % (lo - 20000)))
        if [[ -z ${USED_PORTS[$port]:-} ]]; then
            USED_PORTS[$port]=1
            printf '%s' "$port"
            return 0
        fi
    done
    die "no free TCP port found between 20000 and $((lo - 1))"
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

# validate_pid: dw-validate's pid, which dwctl bench pauses for the COPY
# baseline (--pause-pid: the baseline's inbox rows take the seqs the pipeline
# would take next, which dw-validate must not read).
validate_pid() {
    local pid
    read -r pid <"$BENCH_HOME/run/validate.pid" || die "no pid file for dw-validate in $BENCH_HOME/run"
    printf '%s' "$pid"
}

cleanup() {
    ((CLEANED)) && return 0
    CLEANED=1
    trap '' INT TERM
    if ((STARTED)); then
        # A dwctl bench killed during its baseline leaves dw-validate paused.
        kill -CONT "$(validate_pid 2>/dev/null)" 2>/dev/null || true
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

# ---------------------------------------------------------------- CPU figures

# Where the time goes decides what to fix, and on a shared 2-core machine the
# other work running at the same time matters too: so each phase gets the CPU
# seconds of every process of the instance, and the machine's busy share.

CPU_DIR=""
CLK_TCK="$(getconf CLK_TCK)"
NCPU="$(nproc)"

# proc_ticks PID [CHILDREN]: user + system ticks of a live process (all its
# threads) into TICKS; with CHILDREN, those of its exited children instead.
proc_ticks() {
    local stat f
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
    # shellcheck disable=SC2206 # split on purpose: the fields after "(comm) "
    f=(${stat##*) })
    if [[ -n ${2:-} ]]; then
        TICKS=$((f[13] + f[14]))
    else
        TICKS=$((f[11] + f[12]))
    fi
}

# cpu_snapshot FILE: "pid name ticks" lines for the instance's processes, and
# the machine's busy and total ticks. The /proc reads come first and fork
# nothing, so the snapshot is of one moment even on a loaded machine; the
# names of PostgreSQL's processes (pg_stat_activity) come after.
cpu_snapshot() {
    local out=$1 f pid name pm kids=() user nice sys idle iowait irq softirq steal
    {
        read -r _ user nice sys idle iowait irq softirq steal _ </proc/stat
        printf '0 machine-busy %s\n' $((user + nice + sys + irq + softirq + steal))
        printf '0 machine-all %s\n' $((user + nice + sys + idle + iowait + irq + softirq + steal))
        for f in "$BENCH_HOME"/run/*.pid; do
            read -r pid <"$f" 2>/dev/null || continue
            name="${f##*/}"
            proc_ticks "$pid" && printf '%s dw-%s %s\n' "$pid" "${name%.pid}" "$TICKS"
        done
        if [[ -n $DWCTL_PID ]] && proc_ticks "$DWCTL_PID"; then
            printf '%s dwctl %s\n' "$DWCTL_PID" "$TICKS"
        fi
        pm=""
        read -r pm <"$BENCH_HOME/pg/postmaster.pid" 2>/dev/null || true
        if [[ -n $pm ]]; then
            # Exited children (autovacuum workers, psql sessions, dwctl's
            # backend once it is gone) are summed into their parent.
            proc_ticks "$pm" children && printf '%s pg:exited-workers %s\n' "$pm" "$TICKS"
            read -r -a kids <"/proc/$pm/task/$pm/children" 2>/dev/null || true
            for pid in "${kids[@]}"; do
                proc_ticks "$pid" && printf '%s pg? %s\n' "$pid" "$TICKS"
            done
        fi
    } >"$out.raw"
    # A client backend by its application (dw-intake, dwctl-bench...), any
    # other by its kind; a process gone since is named from an earlier look.
    psql "$CONNINFO" -XAtF ' ' -c "SELECT pid, 'pg:' || CASE WHEN backend_type = 'client backend'
        THEN coalesce(nullif(application_name, ''), 'client') ELSE replace(backend_type, ' ', '-') END
        FROM pg_stat_activity" >"$out.names" 2>/dev/null || true
    cat "$CPU_DIR"/*.names | awk 'NR == FNR { name[$1] = $2; next }
         $2 == "pg?" { $2 = ($1 in name) ? name[$1] : "pg:other" } { print }' - "$out.raw" >"$out"
}

# cpu_report TITLE FROM TO PAYMENTS: what each process (summed by name) used
# between two snapshots, largest first: seconds, share of one core, and
# microseconds a payment.
cpu_report() {
    local title=$1 from=$2 to=$3 payments=$4
    [[ -s $from && -s $to ]] || return 0
    awk -v title="$title" -v tck="$CLK_TCK" -v ncpu="$NCPU" -v n="$payments" '
        NR == FNR { before[$1 " " $2] = $3; next }
        {
            d = $3 - (($1 " " $2) in before ? before[$1 " " $2] : 0)
            if ($2 == "machine-busy") busy = d
            else if ($2 == "machine-all") all = d
            else { used[$2] += d; ours += d }
        }
        END {
            wall = all / ncpu / tck
            if (wall <= 0) exit
            printf "%-18s %.1f s wall; the machine %.0f %% busy (%d cores): this instance %.0f %% of one core (%.0f us a payment), other work %.0f %%\n",
                title, wall, 100 * busy / all, ncpu, 100 * ours / tck / wall, (n > 0 ? 1e6 * ours / tck / n : 0),
                100 * (busy - ours) / tck / wall
            m = 0
            for (k in used) if (used[k] > 0) names[++m] = k
            for (i = 1; i <= m; i++)
                for (j = i + 1; j <= m; j++)
                    if (used[names[j]] > used[names[i]]) { t = names[i]; names[i] = names[j]; names[j] = t }
            for (i = 1; i <= m; i++)
                printf "  %-24s %7.1f s %5.0f %% %7.1f us a payment\n", names[i], used[names[i]] / tck,
                    100 * used[names[i]] / tck / wall, (n > 0 ? 1e6 * used[names[i]] / tck / n : 0)
        }' "$from" "$to"
}

# count_of ARGS...: the payments a dwctl bench with these options sends (the
# last --count wins, as in dwctl).
count_of() {
    local n=10000
    while (($# > 0)); do
        case $1 in
        --count) n=${2:-$n} && shift ;;
        --count=*) n=${1#--count=} ;;
        esac
        shift
    done
    printf '%s' "$n"
}

# run_bench NAME ARGS...: one dwctl bench against the instance, its figures,
# then its CPU figures. dwctl runs this script again with --cpu-snapshot at
# each boundary of its phases (--mark-cmd), and waits for it, so that the
# snapshots are exact and outside what it times. Returns dwctl's exit status.
run_bench() {
    local run=$1 rc payments mark
    shift
    say "run $run: dwctl bench $*"
    printf '%-18s %s\n' "bench run" "$run"
    printf '%-18s %s\n' "machine load" "$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min, at the start)"
    # In the background, so that a TERM to this script reaches dwctl at once
    # (it stops sending and waits for its acks). A Ctrl-C reaches it through
    # the terminal's process group; it is left to dwctl, which sums up.
    printf -v mark '%q --cpu-snapshot %q %q %q' "$SELF" "$BENCH_HOME" "$PG_PORT" "$CPU_DIR/$run"
    "$DWCTL" bench --endpoint "tcp://127.0.0.1:$INTAKE_PORT" --pipeline-conninfo "$CONNINFO" \
        --config "$BENCH_HOME/dualwatch.yaml" --mark-cmd "$mark" "$@" &
    DWCTL_PID=$!
    printf '%s\n' "$DWCTL_PID" >"$BENCH_HOME/dwctl.pid"
    trap 'kill -TERM "$DWCTL_PID" 2>/dev/null || true' TERM
    trap ':' INT
    while :; do
        rc=0
        wait "$DWCTL_PID" || rc=$?
        kill -0 "$DWCTL_PID" 2>/dev/null || break # else the wait was cut short by a signal
    done
    DWCTL_PID=""
    trap 'exit 130' INT
    trap 'exit 143' TERM
    payments="$(count_of "$@")"
    cpu_report "cpu pipeline" "$CPU_DIR/$run.exchange" "$CPU_DIR/$run.drained" "$payments"
    cpu_report "cpu baseline" "$CPU_DIR/$run.baseline" "$CPU_DIR/$run.copied" "$payments"
    if ((rc != 0)); then
        say "dwctl bench exited with status $rc (BENCH_KEEP=1 keeps the service logs for a look)"
    fi
    return "$rc"
}

# dwctl's --mark-cmd (run_bench): bench.sh --cpu-snapshot HOME PGPORT PREFIX PHASE
if [[ ${1:-} == --cpu-snapshot && $# -eq 5 ]]; then
    BENCH_HOME=$2
    CONNINFO="host=$BENCH_HOME/sock port=$3 dbname=dualwatch user=dualwatch"
    CPU_DIR=${4%/*}
    read -r DWCTL_PID <"$BENCH_HOME/dwctl.pid" || DWCTL_PID=""
    cpu_snapshot "$4.$5"
    exit 0
fi

main() {
    [[ -x $DWCTL ]] || die "dwctl not found at $DWCTL" \
        "build first (deploy/dualwatch.sh build), or set BENCH_BUILD_DIR to the build directory"
    trap on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    BENCH_HOME="$(mktemp -d /tmp/dw-bench.XXXXXX)"
    chmod 0755 "$BENCH_HOME" # the cluster runs as an unprivileged user when we are root
    CPU_DIR="$BENCH_HOME/cpu"
    mkdir "$CPU_DIR"
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

    printf '%-18s %s\n' "machine" "$NCPU cores, $(uname -m), $(uname -r)"
    printf '%-18s %s\n' "build" "$BENCH_BUILD_DIR"
    local rc=0
    if (($# > 0)); then
        run_bench custom --count "$BENCH_COUNT" --window 1000 --copy-baseline --pause-pid "$(validate_pid)" "$@" ||
            rc=$?
    else
        run_bench paced --count "$BENCH_PACED_COUNT" --rate "$BENCH_PACED_RATE" --window 1000 || rc=$?
        if ((rc == 0)); then
            printf '\n'
            run_bench throughput --count "$BENCH_COUNT" --window 1000 --copy-baseline \
                --pause-pid "$(validate_pid)" || rc=$?
        fi
    fi
    printf '\n'
    printf '%-18s %s\n' "log warnings" "$(log_count ' WARN ')"
    printf '%-18s %s\n' "log errors" "$(log_count ' ERROR ')"
    return "$rc"
}

main "$@"
