#!/bin/sh
# dwctl.bad_field: a message that cannot be built or encoded is reported with
# the file:line of the YAML node at fault and its code, the others still
# build, and the exit status is 2. Line numbers are those of bad_field.yaml.
#   bad_field.sh DWCTL TEST_DIR
set -u
dwctl=$1
cd "$2" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dwctl-bad.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

"$dwctl" send --dry-run bad_field.yaml > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || { echo "exit $rc, want 2"; fail=1; }
grep -qx "dry run: built 1, local errors 8" "$tmp/out" || { echo "no summary 'built 1, local errors 8'"; fail=1; }
for want in \
    "bad_field.yaml:24: local error T-ENUM: bad_enum:" \
    "bad_field.yaml:41: local error T-UNKNOWN: unknown_field:" \
    "bad_field.yaml:45: local error T-MISSING: missing_field:" \
    "bad_field.yaml:68: local error T-TYPE: wrong_type:" \
    "bad_field.yaml:77: local error T-DATE: bad_date:" \
    "bad_field.yaml:93: local error T-CODE: bad_code:" \
    "bad_field.yaml:114: local error TD-NESTED: bad_enum:" \
    "bad_field.yaml:119: local error T-TYPO: unknown_type:"; do
    grep -qF "$want" "$tmp/err" || { echo "missing: $want"; fail=1; }
done
grep -qF "(field body.indicators[1].level2)" "$tmp/err" || { echo "no dotted path of the nested field"; fail=1; }

# Not YAML at all: one local error with the line, nothing built.
printf -- '- type: treasury.payment\n  id: [T-1\n  src: treasury\n' > "$tmp/broken.yaml"
"$dwctl" send --dry-run "$tmp/broken.yaml" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || { echo "broken yaml: exit $rc, want 2"; fail=1; }
grep -qx "dry run: built 0, local errors 1" "$tmp/out" || { echo "broken yaml: wrong summary"; fail=1; }
grep -qF "broken.yaml:3: local error: not valid yaml:" "$tmp/err" || { echo "broken yaml: no file:line"; fail=1; }

# A file that is not there.
"$dwctl" send --dry-run "$tmp/absent.yaml" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || { echo "absent file: exit $rc, want 2"; fail=1; }

if [ "$fail" -ne 0 ]; then
    echo "--- stderr:"
    cat "$tmp/err"
fi
exit "$fail"
