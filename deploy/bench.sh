#!/usr/bin/env bash
# deploy/bench.sh — measure dualwatch on this machine: a private instance in a
# temporary directory, `dwctl bench` against it, the figures on stdout.
#
#   deploy/bench.sh                              the four standard runs below
#   deploy/bench.sh alerts | reanalysis          one of them alone
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
#   alerts      dwctl bench --count 200000 --rate 10000 --window 1000
#                           --projects 1500 --tight-budgets
#               the paced run again, but each of the 1,500 projects' budgets
#               is half of what the run pays it, so each goes over budget
#               once, partway through, and dw-analyze raises one 超预算开支
#               (over_budget) alert for it. After the drain, per alert: from
#               inbox.received_at of the payment that took the project over
#               budget (dw-intake's insert) to outbox.published_at of the
#               alert's raised event (dw-notify's transaction): alerts
#               measured, p50 / p90 / p99 / max in ms, and the same to
#               dw-analyze's commit (alert_history). A run of its own, not the
#               paced one: judging 1,500 projects as they are paid costs
#               dw-analyze and its backend about 40 µs of CPU a payment more,
#               and its ack figures, which are printed, are those of this
#               heavier run
#   reanalysis  the previous fiscal year written directly into the database
#               with SQL, untimed: 1,500 projects (budget lines, monitoring
#               forms), 1,000,000 payments and about 3,000 reversals (see
#               reanalysis_data), then VACUUM ANALYZE; then `dwctl reanalyze
#               --year Y` (positions rebuilt from payments and reversals,
#               every project judged again, the alerts raised) and `dwctl
#               reanalyze --year Y --no-rebuild` (judged again: nothing
#               changes), each line as dwctl prints it (projects, alert
#               changes, rebuild ms, ms in dw-analyze, ms from request to
#               done), the wall time of the command and its CPU figures; then
#               the open alerts of that year by rule and level
#
# the first three with the instance's --pipeline-conninfo and --config, and
# --mark-cmd (this script again, which takes the CPU figures at each phase
# boundary). It stops everything and removes the directory on exit, Ctrl-C
# included. The whole takes about five minutes. Arguments replace the
# standard runs by one run:
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
#   BENCH_BUILD_DIR             the build to measure     [<repo>/build]
#   BENCH_KEEP                  1: keep the directory (logs, cluster) for inspection [0]
#   BENCH_COUNT                 payments of the throughput run [1000000]
#   BENCH_PACED_COUNT           payments of the paced run [200000]
#   BENCH_PACED_RATE            offered payments/s of the paced run [10000]
#   BENCH_ALERT_PROJECTS        projects of the alerts run, each over budget once [1500]
#                               (its payments and rate are the paced run's)
#   BENCH_REANALYSIS_PROJECTS   projects (budget lines) of the re-analysed year [1500]
#   BENCH_REANALYSIS_PAYMENTS   payments of the re-analysed year [1000000]
set -euo pipefail
umask 022

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
DW_ROOT="$(cd "$(dirname "$SELF")/.." && pwd -P)"
BENCH_BUILD_DIR="$(realpath -m -- "${BENCH_BUILD_DIR:-$DW_ROOT/build}")"
BENCH_KEEP="${BENCH_KEEP:-0}"
BENCH_COUNT="${BENCH_COUNT:-1000000}"
BENCH_PACED_COUNT="${BENCH_PACED_COUNT:-200000}"
BENCH_PACED_RATE="${BENCH_PACED_RATE:-10000}"
BENCH_ALERT_PROJECTS="${BENCH_ALERT_PROJECTS:-1500}"
BENCH_REANALYSIS_PROJECTS="${BENCH_REANALYSIS_PROJECTS:-1500}"
BENCH_REANALYSIS_PAYMENTS="${BENCH_REANALYSIS_PAYMENTS:-1000000}"
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

# log_count PATTERN: lines of the services' logs that match (a basic regex).
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
    # The process may be gone by now (a psql's backend): no message then.
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
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

# run_alerts: the alert latency run (the header says why it is a run of its own).
run_alerts() {
    run_bench alerts --count "$BENCH_PACED_COUNT" --rate "$BENCH_PACED_RATE" --window 1000 \
        --projects "$BENCH_ALERT_PROJECTS" --tight-budgets
}

# ---------------------------------------------------------------- re-analysis

# pg_run [PSQL ARGS...]: psql on the instance, quiet, stopping at the first error.
pg_run() {
    psql "$CONNINFO" -X -q -v ON_ERROR_STOP=1 "$@"
}

# reanalysis_data YEAR PROJECTS PAYMENTS: a fiscal year written directly into
# the tables dw-validate fills, as if a year of treasury payments had gone
# through the pipeline: what `dwctl reanalyze` reads (budget lines, payments,
# reversals; departments, units and projects for the reference data). Not
# through dw-intake: a million messages would take minutes, and the phase
# measures the re-analysis, not the intake. One transaction, untimed.
#
#   projects   dept codes 101..104 in turn, kinds and units as dwctl bench
#              makes them (P<Y>-<dept>-R-nnnn); 5 % carry-over lines (上年结转),
#              10 % special (专项); budgets sized from what the year pays each:
#              3 % over budget (paid 103-118 % of it), 12 % behind (45-75 %
#              executed), the rest 90-99 % executed, in 10,000.00-yuan steps
#   payments   half on the 300 largest projects, half on any; 1 in 2,000 on
#              five project codes with no budget line (flagged no_budget);
#              dates by a monthly curve with a December rush (per mille of the
#              payments: 30 40 60 65 70 100 60 60 90 65 100 260), a weekend day
#              moved to a weekday of its week; amounts 85 % 100 to
#              20,000 yuan, 13 % to 150,000, 2 % to 1,500,000; 30 % authorised;
#              1 % with an economic code outside the line's (flagged
#              economic_code_outside); flagged over_budget from the payment
#              that takes the project's paid total (by date) above its budget
#   reversals  3 in 1,000 payments, the whole amount or half, 1 to 20 days
#              later (within the year)
#
# Keys stay clear of the pipeline's: src bench-reanalysis, vouchers
# ZF<Y>-R-n and CX<Y>-R-n, and negative inbox_seq (no row of inbox: nothing
# reads payments or reversals back by it). Amounts and choices come from an
# integer hash of the row number (hashint8), so every run writes the same
# year: no floating point, no random().
reanalysis_data() {
    pg_run -v year="$1" -v projects="$2" -v payments="$3" <<'SQL'
SET client_min_messages = warning;
BEGIN;
CREATE FUNCTION pg_temp.rnd(n bigint, salt int, m bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT (hashint8(n * 1009 + salt)::bigint & 2147483647) % m $$;

CREATE TEMP TABLE r_dept (k int, dept_code text, dept_name text, section_code text, function_code text,
                          unit_names text[], project_names text[]) ON COMMIT DROP;
INSERT INTO r_dept VALUES
    (0, '101', '市教育局', 'biz_edu', '2050202', '{市教育局本级,市教育装备中心}',
     '{义务教育薄弱环节改善与能力提升项目,校舍安全保障工程,中小学教师培训专项}'),
    (1, '102', '市卫生健康委员会', 'biz_social', '2100499', '{市卫生健康委员会本级,市急救中心}',
     '{院前急救体系能力提升项目,基本公共卫生服务补助资金,医疗设备更新项目}'),
    (2, '103', '市人力资源和社会保障局', 'biz_social', '2080705', '{市人力资源和社会保障局本级,市职业技能鉴定指导中心}',
     '{职业技能提升行动项目,就业补助资金,高层次人才引进专项}'),
    (3, '104', '市交通运输局', 'biz_econ', '2140106', '{市交通运输局本级,市公路事业发展中心}',
     '{农村公路提档升级工程,公路养护专项,客运站改造项目}');
CREATE TEMP TABLE r_kind (k int, kind text, economic_code text) ON COMMIT DROP;
INSERT INTO r_kind VALUES (0, 'project', '31005'), (1, 'overall', '30201'), (2, 'transfer', '39999');

-- The budgeted projects (i >= 1) and five without a budget line (i = -1 .. -5).
CREATE TEMP TABLE r_project ON COMMIT DROP AS
SELECT i, d.dept_code, d.dept_name, d.section_code, d.function_code, k.kind, k.economic_code,
       d.dept_code || lpad((1 + u)::text, 3, '0') AS unit_code, d.unit_names[1 + u] AS unit_name,
       format('P%s-%s-R-%s', :year, d.dept_code, tag) AS project_code,
       format('ZB%s-%s-R-%s', :year, d.dept_code, tag) AS line_id,
       d.project_names[1 + (abs(i) - 1) / 4 % 3] || '（' || tag || '）' AS project_name,
       CASE WHEN pg_temp.rnd(i, 21, 100) < 5 THEN 'carry_over'
            WHEN pg_temp.rnd(i, 21, 100) < 15 THEN 'special_central' ELSE 'annual' END AS source,
       pg_temp.rnd(i, 22, 100) AS fate
FROM (SELECT i, (i - 1) / 4 % 2 AS u, lpad(i::text, 4, '0') AS tag FROM generate_series(1, :projects) i
      UNION ALL SELECT -i, 0, 'NB' || i FROM generate_series(1, 5) i) x
JOIN r_dept d ON d.k = (abs(i) - 1) % 4 JOIN r_kind k ON k.k = (abs(i) - 1) / 4 % 3;

CREATE TEMP TABLE r_pay ON COMMIT DROP AS
WITH base AS (
    SELECT n,
           CASE WHEN pg_temp.rnd(n, 1, 2000) = 0 THEN -1 - pg_temp.rnd(n, 2, 5)
                WHEN pg_temp.rnd(n, 3, 2) = 0 THEN 1 + pg_temp.rnd(n, 4, least(300, :projects))
                ELSE 1 + pg_temp.rnd(n, 5, :projects) END AS i,
           CASE WHEN r < 30 THEN 1 WHEN r < 70 THEN 2 WHEN r < 130 THEN 3 WHEN r < 195 THEN 4 WHEN r < 265 THEN 5
                WHEN r < 365 THEN 6 WHEN r < 425 THEN 7 WHEN r < 485 THEN 8 WHEN r < 575 THEN 9
                WHEN r < 640 THEN 10 WHEN r < 740 THEN 11 ELSE 12 END AS month,
           pg_temp.rnd(n, 8, 1000) AS tier
    FROM (SELECT n, pg_temp.rnd(n, 6, 1000) AS r FROM generate_series(1, :payments) n) g),
dated AS (
    SELECT *, make_date(:year, month, 1) + pg_temp.rnd(n, 7, extract(day FROM
              make_date(:year, month, 1) + interval '1 month - 1 day')::int)::int AS d0
    FROM base),
weekday AS (
    SELECT *, CASE WHEN extract(isodow FROM d0) < 6 THEN d0
                   ELSE d0 - (extract(isodow FROM d0)::int - 1) + pg_temp.rnd(n, 18, 5)::int END AS d1
    FROM dated)
SELECT n, i, CASE WHEN d1 < make_date(:year, 1, 1) THEN d1 + 7 WHEN d1 > make_date(:year, 12, 31) THEN d1 - 7
                  ELSE d1 END AS pay_date,
       CASE WHEN tier < 850 THEN 100 + pg_temp.rnd(n, 9, 19900)
            WHEN tier < 980 THEN 20000 + pg_temp.rnd(n, 9, 130000)
            ELSE 150000 + pg_temp.rnd(n, 9, 1350000) END * 100 + pg_temp.rnd(n, 10, 100) AS amount_fen,
       pg_temp.rnd(n, 11, 10) < 3 AS authorised,
       1 + pg_temp.rnd(n, 12, 12) AS payee,
       pg_temp.rnd(i, 26, 100) < 5 AND pg_temp.rnd(n, 13, 20) = 0 AS odd_econ
FROM weekday;

-- Budgets from what the year pays each project, in whole 10,000.00-yuan steps.
CREATE TEMP TABLE r_budget ON COMMIT DROP AS
SELECT p.*, CASE
        WHEN p.fate < 3 THEN greatest(1, t.paid * (85 + pg_temp.rnd(p.i, 23, 13)) / 100 / 1000000) * 1000000
        WHEN p.fate < 15 THEN (t.paid * 100 / (45 + pg_temp.rnd(p.i, 24, 31)) / 1000000 + 1) * 1000000
        ELSE (t.paid * 100 / (90 + pg_temp.rnd(p.i, 25, 10)) / 1000000 + 1) * 1000000 END AS budget_fen
FROM r_project p LEFT JOIN (SELECT i, sum(amount_fen)::bigint AS paid FROM r_pay GROUP BY i) s USING (i)
CROSS JOIN LATERAL (SELECT coalesce(s.paid, 0) AS paid) t
WHERE p.i > 0;

INSERT INTO departments (dept_code, dept_name, inbox_seq)
SELECT dept_code, dept_name, -1 FROM r_dept ON CONFLICT (dept_code) DO NOTHING;
INSERT INTO units (unit_code, dept_code, unit_name, inbox_seq)
SELECT DISTINCT unit_code, dept_code, unit_name, -1 FROM r_project ON CONFLICT (unit_code) DO NOTHING;
INSERT INTO projects (fiscal_year, project_code, dept_code, project_name, kind, section_code, inbox_seq)
SELECT :year, project_code, dept_code, project_name, kind, section_code, -i FROM r_budget;
INSERT INTO budget_lines (line_id, fiscal_year, dept_code, unit_code, project_code, project_name, kind, fund_type,
                          source, function_code, economic_code, section_code, initial_fen, adjusted_fen,
                          transferred_fen, current_fen, inbox_seq, approved_date)
SELECT line_id, :year, dept_code, unit_code, project_code, project_name, kind, 'general', source, function_code,
       economic_code, section_code, budget_fen, 0, 0, budget_fen, -i,
       CASE WHEN source = 'carry_over' THEN make_date(:year - 1, 12, 20) ELSE make_date(:year, 1, 15) END
FROM r_budget;

INSERT INTO payments (voucher_no, fiscal_year, payment_date, dept_code, unit_code, project_code, function_code,
                      economic_code, amount_fen, method, payee, contract_no, flags, inbox_seq, src, id, line_id)
SELECT format('ZF%s-R-%s', :year, lpad(n::text, 7, '0')), :year, pay_date, p.dept_code, p.unit_code, p.project_code,
       p.function_code, CASE WHEN odd_econ THEN '30299' ELSE p.economic_code END, amount_fen,
       CASE WHEN authorised THEN 'authorised' ELSE 'direct' END,
       (ARRAY['市建工集团有限公司', '市城乡建设工程有限公司', '省教育装备有限公司', '市鑫达办公用品有限公司', '市文印中心',
              '中国电信股份有限公司本市分公司', '省医疗器械有限公司', '市信息产业集团有限公司', '市交通建设集团有限公司',
              '省路桥工程有限公司', '市公路勘察设计院', '市邮政分公司'])[payee],
       CASE WHEN amount_fen >= 5000000 THEN format('HT-%s-R-%s', :year, p.i) END,
       array_remove(ARRAY[CASE WHEN b.i IS NULL THEN 'no_budget' END,
                          CASE WHEN b.i IS NOT NULL AND running > b.budget_fen THEN 'over_budget' END,
                          CASE WHEN odd_econ AND b.i IS NOT NULL THEN 'economic_code_outside' END], NULL),
       -n, 'bench-reanalysis', format('R-%s', lpad(n::text, 7, '0')), b.line_id
FROM (SELECT *, sum(amount_fen) OVER (PARTITION BY i ORDER BY pay_date, n) AS running FROM r_pay) x
JOIN r_project p USING (i) LEFT JOIN r_budget b USING (i);

INSERT INTO reversals (voucher_no, original_voucher_no, fiscal_year, reversal_date, amount_fen, reason, dept_code,
                       unit_code, project_code, line_id, inbox_seq, src, id)
SELECT format('CX%s-R-%s', :year, lpad(x.n::text, 7, '0')), y.voucher_no, :year,
       least(y.payment_date + 1 + pg_temp.rnd(x.n, 15, 20)::int, make_date(:year, 12, 31)),
       CASE WHEN pg_temp.rnd(x.n, 16, 2) = 0 THEN y.amount_fen ELSE greatest(1, y.amount_fen / 2) END,
       (ARRAY['收款账户信息有误，资金退回', '重复支付，予以冲销', '支付金额有误，冲销后重新支付'])[1 + pg_temp.rnd(x.n, 17, 3)],
       y.dept_code, y.unit_code, y.project_code, y.line_id, -(:payments + x.n), 'bench-reanalysis',
       format('RV-%s', lpad(x.n::text, 7, '0'))
FROM r_pay x JOIN payments y ON y.voucher_no = format('ZF%s-R-%s', :year, lpad(x.n::text, 7, '0'))
WHERE pg_temp.rnd(x.n, 14, 1000) < 3;

-- The monitoring forms (绩效运行监控表) of the four rounds, each on the fifth
-- day before it is due: 1-N月 executed, and the year's payments as the
-- projection. One project in twenty leaves out the November round (overdue).
INSERT INTO monitor_reports (fiscal_year, project_code, period_month, revision, dept_code, executed_fen,
                             projected_fen, submitted_date, inbox_seq, src, id)
SELECT :year, b.project_code, f.period_month, 1, b.dept_code,
       coalesce(CASE f.period_month WHEN 6 THEN t.jun WHEN 9 THEN t.sep WHEN 10 THEN t.oct ELSE t.nov END, 0),
       coalesce(t.paid, 0),
       f.due - 5, -(2 * :payments + b.i * 100 + f.period_month), 'bench-reanalysis',
       format('M-%s-%s', b.i, f.period_month)
FROM r_budget b
CROSS JOIN (VALUES (6, make_date(:year, 7, 10)), (9, make_date(:year, 10, 10)), (10, make_date(:year, 11, 10)),
                   (11, make_date(:year, 12, 10))) f (period_month, due)
LEFT JOIN (SELECT i, sum(amount_fen)::bigint AS paid,
                  sum(amount_fen) FILTER (WHERE pay_date < make_date(:year, 7, 1))::bigint AS jun,
                  sum(amount_fen) FILTER (WHERE pay_date < make_date(:year, 10, 1))::bigint AS sep,
                  sum(amount_fen) FILTER (WHERE pay_date < make_date(:year, 11, 1))::bigint AS oct,
                  sum(amount_fen) FILTER (WHERE pay_date < make_date(:year, 12, 1))::bigint AS nov
           FROM r_pay GROUP BY i) t ON t.i = b.i
WHERE f.period_month < 11 OR pg_temp.rnd(b.i, 27, 20) > 0;
COMMIT;
VACUUM ANALYZE budget_lines, projects, payments, reversals, monitor_reports, project_days, alerts, alert_history;
SQL
}

# reanalysis_summary YEAR: one line on what the year holds.
reanalysis_summary() {
    pg_run -At -v year="$1" <<'SQL'
SELECT format('%s budget lines (%s over budget at year end), %s payments (%s in December), %s reversals; %s 元 paid, %s 元 reversed',
              (SELECT count(*) FROM budget_lines WHERE fiscal_year = :year),
              (SELECT count(*) FROM budget_lines b WHERE fiscal_year = :year AND current_fen <
                  (SELECT coalesce(sum(amount_fen), 0) FROM payments p WHERE p.fiscal_year = :year
                   AND p.project_code = b.project_code)
                  - (SELECT coalesce(sum(amount_fen), 0) FROM reversals r WHERE r.fiscal_year = :year
                   AND r.project_code = b.project_code)),
              count(*), count(*) FILTER (WHERE extract(month FROM payment_date) = 12),
              (SELECT count(*) FROM reversals WHERE fiscal_year = :year),
              to_char(div(sum(amount_fen), 100), 'FM999,999,999,999,990'),
              to_char((SELECT div(coalesce(sum(amount_fen), 0), 100) FROM reversals WHERE fiscal_year = :year),
                      'FM999,999,999,999,990'))
FROM payments WHERE fiscal_year = :year;
SQL
}

# reanalyze NAME YEAR [--no-rebuild]: one dwctl reanalyze, its line, its CPU figures.
reanalyze() {
    local run=$1 year=$2 payments=$BENCH_REANALYSIS_PAYMENTS line t0 t1
    shift 2
    cpu_snapshot "$CPU_DIR/$run.before"
    t0=$(date +%s%N)
    line="$("$DWCTL" reanalyze --year "$year" --conninfo "$CONNINFO" "$@" 2>>"$BENCH_HOME/dwctl-reanalyze.log")" ||
        die "dwctl reanalyze --year $year $* failed" "$(tail -n 3 "$BENCH_HOME/dwctl-reanalyze.log" 2>/dev/null)"
    t1=$(date +%s%N)
    cpu_snapshot "$CPU_DIR/$run.after"
    printf '%-18s %s\n' "$run" "$line"
    # dw-analyze's own figure stops before its commit, and done_at is now() of
    # its transaction (when it began): the wall time here has both.
    printf '%-18s %s ms (dwctl reanalyze, request to answer: dw-analyze picks the request up at its next tick)\n' \
        "$run wall" $(((t1 - t0) / 1000000))
    cpu_report "cpu $run" "$CPU_DIR/$run.before" "$CPU_DIR/$run.after" "$payments"
}

# run_reanalysis: the re-analysis phase (the header says what it does).
run_reanalysis() {
    local year t0
    year=$(($(TZ=Asia/Shanghai date +%Y) - 1))
    say "re-analysis: writing fiscal year $year ($BENCH_REANALYSIS_PROJECTS projects, $BENCH_REANALYSIS_PAYMENTS payments) with SQL, untimed"
    printf '%-18s %s\n' "bench run" "reanalysis"
    printf '%-18s %s\n' "machine load" "$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min, at the start)"
    t0=$SECONDS
    reanalysis_data "$year" "$BENCH_REANALYSIS_PROJECTS" "$BENCH_REANALYSIS_PAYMENTS" ||
        die "could not write the re-analysis data" "the psql error is above"
    printf '%-18s %s\n' "fiscal year" "$year (a past year: judged at its last day)"
    printf '%-18s %s\n' "data" "$(reanalysis_summary "$year")"
    printf '%-18s %s\n' "written in" "$((SECONDS - t0)) s (SQL, then VACUUM ANALYZE; not timed)"
    reanalyze "rebuilt" "$year"
    reanalyze "judged again" "$year" --no-rebuild
    printf '%-18s\n' "open alerts"
    pg_run -At -F ' ' -v year="$year" <<'SQL' | awk '{ printf "  %-24s %-7s %7d\n", $1, $2, $3 }'
SELECT rule_id, level, count(*) FROM alerts WHERE fiscal_year = :year AND status = 'open' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
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
    if [[ $# -eq 1 && $1 == reanalysis ]]; then
        run_reanalysis
    elif [[ $# -eq 1 && $1 == alerts ]]; then
        run_alerts || rc=$?
    elif (($# > 0)); then
        run_bench custom --count "$BENCH_COUNT" --window 1000 --copy-baseline --pause-pid "$(validate_pid)" "$@" ||
            rc=$?
    else
        run_bench paced --count "$BENCH_PACED_COUNT" --rate "$BENCH_PACED_RATE" --window 1000 || rc=$?
        if ((rc == 0)); then
            printf '\n'
            run_bench throughput --count "$BENCH_COUNT" --window 1000 --copy-baseline \
                --pause-pid "$(validate_pid)" || rc=$?
        fi
        if ((rc == 0)); then
            printf '\n'
            run_alerts || rc=$?
        fi
        if ((rc == 0)); then
            printf '\n'
            run_reanalysis
        fi
    fi
    printf '\n'
    printf '%-18s %s\n' "log warnings" "$(log_count ' WARN ')"
    printf '%-18s %s\n' "log errors" "$(log_count ' ERROR ')"
    return "$rc"
}

main "$@"
