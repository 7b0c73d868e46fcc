#!/bin/sh
# dwctl.work_usage: tasks, show, act, reevaluate, open-case and summary refuse
# bad arguments with exit 64, a message saying what is wrong and the usage on
# stderr, before they go near a database or dw-intake (the endpoint given is
# one nobody listens on: a send would be exit 2, not 64). Help goes to stdout.
#   work_usage.sh DWCTL
set -u
dwctl=$1
fail=0
ep=tcp://127.0.0.1:9
who="--actor 张明 --section biz_edu"

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
    case "$err" in
    *"usage: dwctl $1"*) ;;
    *) [ "$want" -ne 64 ] || { echo "dwctl $*: no usage on stderr"; fail=1; } ;;
    esac
}

# tasks
expect 64 "--section CODE: the section" tasks --conninfo dbname=x
expect 64 "no database: give --conninfo" tasks --section biz_edu
expect 64 "--as-of: \"2026-02-30\" is not a date" tasks --section biz_edu --conninfo dbname=x --as-of 2026-02-30
expect 64 "--format: text or csv" tasks --section biz_edu --format xml
expect 64 "tasks takes options only" tasks --section biz_edu extra
expect 2 "bad configuration" tasks --section biz_edu --config /nonexistent/dualwatch.yaml

# show
expect 64 "DOC_KIND DOC_ID: the document to show" show deviation_case
expect 64 "\"case\" is not a kind of document" show case DC-1 --conninfo dbname=x
expect 64 "no database: give --conninfo" show deviation_case DC-1

# act
expect 64 "DOC_KIND DOC_ID ACTION" act deviation_case DC-17 $who --endpoint $ep
expect 64 "--actor NAME: who acts" act deviation_case DC-17 propose --section biz_edu --endpoint $ep
expect 64 "--section CODE" act deviation_case DC-17 propose --actor 张明 --endpoint $ep
expect 64 "\"memo\" is not a kind of document" act memo M-1 pass $who --endpoint $ep
expect 64 "\"aprove\" is not an action of 偏离处置 (deviation_case); its actions: propose, decide, return, recall, close, release" \
    act deviation_case DC-17 aprove $who --endpoint $ep
expect 64 "\"cleared\" is not an action of 偏离处置" act deviation_case DC-17 cleared $who --endpoint $ep
expect 64 "a document is opened with dwctl reevaluate" act deviation_case DC-17 open $who --endpoint $ep
expect 64 "--decision: reduce_budget" act deviation_case DC-17 propose $who --decision cut --endpoint $ep
expect 64 "--to-state goes with return" act deviation_case DC-17 decide $who --to-state business_review --endpoint $ep
expect 64 "has no state \"draft\"" act deviation_case DC-17 return $who --opinion x --to-state draft --endpoint $ep
expect 64 "--scope is not an option of act" act deviation_case DC-17 propose $who --scope x --endpoint $ep
expect 64 "the document id: bad_code" act deviation_case "DC 17" propose $who --endpoint $ep
expect 64 "--section: bad_code" act deviation_case DC-17 propose --actor 张明 --section 教科文股 --endpoint $ep
expect 64 "--id (the message id): bad_length" act deviation_case DC-17 propose $who \
    --id x12345678901234567890123456789012345678901234567890123456789012345 --endpoint $ep
expect 64 "--ts: \"soon\" is not a whole number" act deviation_case DC-17 propose $who --ts soon --endpoint $ep
expect 64 "--timeout-ms: \"0\" is not a whole number" act deviation_case DC-17 propose $who --timeout-ms 0

# reevaluate, open-case, summary
plan="--scope 范围 --schedule 安排 --method 方法 --indicators 指标"
expect 64 "--year YYYY: the fiscal year" reevaluate --dept 101 $who $plan --endpoint $ep
expect 64 "--dept CODE" reevaluate --year 2026 $who $plan --endpoint $ep
expect 64 "--indicators TEXT" reevaluate --year 2026 --dept 101 $who --scope 范围 --schedule 安排 --method 方法
expect 64 "--year: \"26\" is not a whole number from 2000 to 2100" reevaluate --year 26 --dept 101 $who $plan
expect 64 "reevaluate takes options only" reevaluate --year 2026 --dept 101 $who $plan extra
expect 64 "--project CODE: the project" open-case --year 2026 --dept 101 $who --endpoint $ep
expect 64 "--opinion is not an option of open-case" open-case --year 2026 --dept 101 --project P-1 $who --opinion x
expect 64 "--actor NAME: who acts" summary --year 2026 --section comprehensive --endpoint $ep
expect 64 "--dept is not an option of summary" summary --year 2026 $who --dept 101 --endpoint $ep

for cmd in tasks show act reevaluate open-case summary; do
    "$dwctl" help $cmd | grep -q "usage: dwctl $cmd" || { echo "help $cmd: no usage"; fail=1; }
    "$dwctl" $cmd --help | grep -q "usage: dwctl $cmd" || { echo "$cmd --help: no usage on stdout"; fail=1; }
    "$dwctl" help | grep -q "^  $cmd " || { echo "help: $cmd not listed"; fail=1; }
done
"$dwctl" help act | grep -q "rejects with stage route" || { echo "help act: nothing about dw-route refusing later"; fail=1; }
exit "$fail"
