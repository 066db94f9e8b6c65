#!/bin/bash
# run.sh - runs nestegg's tests and prints "N passed, N failed" last.
#
#   tests/run.sh            unit, then integration (real MariaDB, workers, nginx)
#   tests/run.sh unit       unit tests only
#
# NESTEGG_BUILD names the build directory (build, or build/asan).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NESTEGG_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export NESTEGG_BUILD=$BUILD
what=${1:-all}
passed=0
failed=0

# Unit tests: cmocka binaries, TAP output.
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	ok=$(grep -c '^ok ' <<<"$out")
	bad=$(grep -c '^not ok ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1			# crashed before reporting
	fi
	printf 'unit %-22s %3d passed, %d failed\n' "$(basename "$t")" "$ok" "$bad"
	[ "$bad" -gt 0 ] && grep -v '^ok ' <<<"$out"
	passed=$((passed + ok))
	failed=$((failed + bad))
done

if [ "$what" = all ]; then
	out=$(python3 "$ROOT/tests/integration/run.py" 2>&1 | tee /dev/stderr)
	line=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^integration: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
	else
		p=0
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
fi

if [ "$what" = all ]; then
	out=$(cd "$ROOT/tests/e2e" && node --test --test-reporter=tap 2>&1)
	p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' <<<"$out")
	f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' <<<"$out")
	[ -n "$p" ] || { p=0; f=1; }
	[ "$f" -gt 0 ] && echo "$out"
	echo "e2e: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
