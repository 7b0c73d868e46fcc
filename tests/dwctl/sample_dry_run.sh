#!/bin/sh
# dwctl.sample_dry_run: every message of deploy/sample/sample.yaml builds and
# encodes against the schema (16 allocations + 210 payments = 226).
#   sample_dry_run.sh DWCTL SOURCE_DIR
set -u
dwctl=$1
src=$2
want="dry run: built 226, local errors 0"
got=$("$dwctl" send --dry-run "$src/deploy/sample/sample.yaml" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || [ "$got" != "$want" ]; then
    printf 'exit %s, output:\n%s\nwant exit 0 and: %s\n' "$rc" "$got" "$want"
    exit 1
fi
