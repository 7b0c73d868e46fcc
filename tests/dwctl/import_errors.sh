#!/bin/sh
# dwctl.import_errors: the error report of a file of bad rows, line for line
# against data/payments_bad.errors.expected (written by hand: one line per
# error, the row as a spreadsheet numbers it, the column and cell at fault,
# what was expected, the code); the report is UTF-8 with a byte order mark
# and CRLF; the one good row is built. Then the refusals that stop an import
# before its first row. A dry run: no cluster needed.
#   import_errors.sh DWCTL SOURCE_DIR
set -u
dwctl=$1
src=$2
data=$src/tests/dwctl/data
map=$src/deploy/import
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dwctl-import-errors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

cp "$data/payments_bad.csv" "$tmp/bad.csv"
"$dwctl" import --type treasury.payment --mapping "$map/treasury_payment.yaml" --dry-run "$tmp/bad.csv" \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { echo "bad rows: exit $rc, want 1"; fail=1; }
grep -qx "dry run: read 12 rows, built 1, local errors 11" "$tmp/out" || { echo "bad rows: wrong summary"; fail=1; }
grep -qF "11 rows or forms not imported: see $tmp/bad.csv.errors.csv" "$tmp/err" || { echo "no hint"; fail=1; }
report=$tmp/bad.csv.errors.csv
[ "$(head -c 3 "$report" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] || { echo "no byte order mark"; fail=1; }
lines=$(wc -l < "$report")
crlf=$(grep -c "$(printf '\r')\$" "$report")
[ "$lines" -eq 13 ] && [ "$crlf" -eq 13 ] || { echo "report: $lines lines, $crlf with CRLF, want 13 and 13"; fail=1; }
tail -c +4 "$report" | tr -d '\r' > "$tmp/report"
if ! diff -u "$data/payments_bad.errors.expected" "$tmp/report"; then
    echo "the error report differs from payments_bad.errors.expected"
    fail=1
fi
[ ! -e "$tmp/bad.csv.dwstate" ] || { echo "a dry run wrote a state file"; fail=1; }

# The good sample: no errors, an empty report (its header only), exit 0.
cp "$data/payments.csv" "$tmp/good.csv"
"$dwctl" import --type treasury.payment --mapping "$map/treasury_payment.yaml" --dry-run \
    --errors "$tmp/good-errors.csv" "$tmp/good.csv" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || { echo "good rows: exit $rc, want 0"; cat "$tmp/err"; fail=1; }
grep -qx "dry run: read 8 rows, built 7, local errors 0" "$tmp/out" || { echo "good rows: wrong summary"; fail=1; }
[ "$(wc -l < "$tmp/good-errors.csv")" -eq 1 ] || { echo "good rows: the report is not empty"; fail=1; }

# Refused before the first row.
expect() { # expect CODE MESSAGE ARGS...
    want=$1 msg=$2
    shift 2
    "$dwctl" import "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    [ "$rc" -eq "$want" ] || { echo "dwctl import $*: exit $rc, want $want"; fail=1; }
    grep -qF -e "$msg" "$tmp/err" || { echo "dwctl import $*: no \"$msg\""; cat "$tmp/err"; fail=1; }
}
expect 64 "the mapping $map/treasury_payment.yaml is for treasury.payment, not budget.allocation" \
    --type budget.allocation --mapping "$map/treasury_payment.yaml" --dry-run "$tmp/good.csv"
expect 2 "the file has no column \"指标ID\" ($map/budget_allocation.yaml:" \
    --type budget.allocation --mapping "$map/budget_allocation.yaml" --dry-run "$tmp/good.csv"
expect 64 "--type is needed" --mapping "$map/treasury_payment.yaml" "$tmp/good.csv"
expect 64 "--encoding is utf-8, gbk" --type treasury.payment --mapping "$map/treasury_payment.yaml" \
    --encoding latin1 "$tmp/good.csv"
expect 64 "one csv file at a time" --type treasury.payment --mapping "$map/treasury_payment.yaml" a.csv b.csv
printf 'type: treasury.payment\nid: x\n' > "$tmp/map.yaml"
expect 2 "$tmp/map.yaml:1: fields is missing" --type treasury.payment --mapping "$tmp/map.yaml" "$tmp/good.csv"
# The GBK file read as UTF-8: the byte at fault, and the hint.
tail -c +4 "$data/payments.csv" | iconv -f UTF-8 -t GBK > "$tmp/gbk.csv" 2>/dev/null || true
if [ -s "$tmp/gbk.csv" ]; then
    expect 2 "is not valid UTF-8 (is the file GBK? try --encoding gbk)" --type treasury.payment \
        --mapping "$map/treasury_payment.yaml" --encoding utf-8 --dry-run "$tmp/gbk.csv"
fi
exit "$fail"
