#!/usr/bin/env bash
# style.format — every C file is laid out as .clang-format says.
# Fix with: clang-format -i $(git ls-files '*.c' '*.h')
set -euo pipefail
cd "${DW_SOURCE_DIR:?}"
if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed (deploy/dualwatch.sh deps --test installs it): skipped"
    exit 77
fi
mapfile -t files < <(find common services proto tests -name '*.c' -o -name '*.h' | sort)
bad=0
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f"
        bad=1
    fi
done
[[ $bad == 0 ]] && echo "${#files[@]} files formatted"
exit "$bad"
