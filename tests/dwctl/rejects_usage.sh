#!/bin/sh
# dwctl.rejects_usage: `dwctl rejects` refuses bad arguments with exit 64 and
# its usage on stderr before it goes near a database; help goes to stdout.
#   rejects_usage.sh DWCTL
set -u
dwctl=$1
fail=0

expect() { # expect CODE MESSAGE ARGS...: runs dwctl ARGS, checks the exit status and a line of stderr
    want=$1 msg=$2
    shift 2
    err=$(env -u DW_DATABASE_CONNINFO "$dwctl" "$@" 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -eq "$want" ] || { echo "dwctl $*: exit $rc, want $want"; fail=1; }
    case "$err" in
    *"$msg"*) ;;
    *) echo "dwctl $*: no \"$msg\" in: $err"; fail=1 ;;
    esac
}

expect 64 "no database: give --conninfo or set DW_DATABASE_CONNINFO" rejects
expect 64 "--show: \"x\" is not a whole number" rejects --conninfo dbname=x --show x
expect 64 "--resubmit needs --file FIXED.yaml" rejects --conninfo dbname=x --resubmit 3
expect 64 "--file goes with --resubmit ID" rejects --conninfo dbname=x --file fixed.yaml
expect 64 "--show or --resubmit, not both" rejects --conninfo dbname=x --show 1 --resubmit 1 --file f.yaml
expect 64 "--since is a date, YYYY-MM-DD" rejects --conninfo dbname=x --since 2026/03/01
expect 64 "--src, --code and --since filter the list" rejects --conninfo dbname=x --show 1 --src treasury
expect 64 "--limit: \"0\" is not a whole number from 1 to 100000" rejects --conninfo dbname=x --limit 0
expect 64 "rejects takes options only" rejects --conninfo dbname=x extra
"$dwctl" help rejects | grep -q "usage: dwctl rejects" || { echo "help rejects: no usage"; fail=1; }
"$dwctl" help import | grep -q "usage: dwctl import" || { echo "help import: no usage"; fail=1; }
"$dwctl" help | grep -q "  import   " || { echo "help: import not listed"; fail=1; }
"$dwctl" help | grep -q "  rejects  " || { echo "help: rejects not listed"; fail=1; }
"$dwctl" rejects --help > /dev/null || { echo "rejects --help: not 0"; fail=1; }
exit "$fail"
