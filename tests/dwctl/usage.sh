#!/bin/sh
# dwctl.usage: help on stdout with exit 0; a bad command or argument prints
# the usage on stderr and exits 64.
#   usage.sh DWCTL
set -u
dwctl=$1
fail=0

expect() { # expect CODE ARGS...: runs dwctl ARGS and checks the exit status
    want=$1
    shift
    "$dwctl" "$@" > /dev/null 2>&1
    rc=$?
    [ "$rc" -eq "$want" ] || { echo "dwctl $*: exit $rc, want $want"; fail=1; }
}

expect 0 help
expect 0 help send
expect 0 help watch
expect 0 --help
expect 0 send --help
expect 0 watch --help
expect 64
expect 64 frobnicate
expect 64 send
expect 64 send --window 0 x.yaml
expect 64 send --window lots x.yaml
expect 64 send --timeout-ms -5 x.yaml
expect 64 send --bogus x.yaml
expect 64 send --raw-hex 8
expect 64 send --raw-hex zz
expect 64 send --raw-hex 80 x.yaml
expect 64 watch --count 0
expect 64 watch extra
expect 64 watch --timeout-ms soon
expect 0 config-keys
expect 64 config-keys extra

# every key the shipped file documents is one dwctl config-keys lists
"$dwctl" config-keys | grep -q "^analyze.figures_interval_ms" || { echo "config-keys: analyze.figures_interval_ms missing"; fail=1; }
"$dwctl" config-keys | grep -q "^calendar.holidays" || { echo "config-keys: calendar.holidays missing"; fail=1; }

"$dwctl" help send | grep -q "usage: dwctl send" || { echo "help send: no usage"; fail=1; }
"$dwctl" send 2>&1 >/dev/null | grep -q "usage: dwctl send" || { echo "send without files: no usage on stderr"; fail=1; }
exit "$fail"
