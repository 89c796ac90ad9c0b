#!/usr/bin/env bash
# Runs each `make <gate>` given as argument, even after one fails, then prints the wall time and result
# of each gate. Exits non-zero if any gate failed.
set -uo pipefail
make=${MAKE:-make}
summary=()
failed=0
for gate in "$@"; do
    echo
    echo "=============== make $gate ==============="
    start=$(date +%s)
    if "$make" --no-print-directory "$gate"; then
        result=passed
    else
        result=FAILED
        failed=1
    fi
    summary+=("$(printf '%-16s %-7s %5ss' "$gate" "$result" "$(( $(date +%s) - start ))")")
done
echo
echo "=============== summary ==============="
printf '%s\n' "${summary[@]}"
exit "$failed"
