#!/bin/bash
# run.sh - make fuzz: every libFuzzer target, to ten million executions.
#
# Each target is tests/fuzz/fuzz_<name>.c, built with clang's libFuzzer,
# AddressSanitizer and UBSan into build/fuzz/.  For each one:
#   1. every input kept in tests/fuzz/crashes/<name>-* (what an earlier run
#      found) is replayed: a fixed crash stays fixed;
#   2. a corpus is seeded from tests/fixtures/feeds/<name>*,
#      tests/fixtures/<name>/ (and its presets/ samples) and
#      tests/fuzz/seeds/<name>/ (the import
#      target's inputs get a first byte of 0: "find the format"), and
#      from tests/fuzz/corpus/<name>/, what earlier runs reached, kept
#      as they are: a run starts where the last kept one stopped;
#   3. the target runs FUZZ_RUNS executions (10,000,000), or FUZZ_SECONDS
#      seconds when that is set, on inputs of at most FUZZ_MAX_LEN bytes
#      (by default the target's own limit, see max_len: 512 bytes for
#      line formats, 1 KiB for JSON and XML, 2 KiB for whole exports;
#      longer inputs reach no more code and only make each run slower);
#      a crash is written to tests/fuzz/crashes/, to be kept.
# Targets run FUZZ_JOBS at a time (the cores), the slowest first.  The
# last lines are a table: executions, seconds, executions a second and
# code edges covered of each target.  Fails when a target crashed or ran fewer executions than
# asked.  With FUZZ_SAVE=1 each target's corpus is then merged into
# tests/fuzz/corpus/<name>/ (libFuzzer's -merge=1: the fewest inputs
# that reach every edge the run reached), to be committed.
#
#   tests/fuzz/run.sh [TARGET...]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=build/fuzz
RUNS=${FUZZ_RUNS:-10000000}
SECONDS_EACH=${FUZZ_SECONDS:-}
JOBS=${FUZZ_JOBS:-$(nproc)}
# The slowest first, so that the others fill the cores beside it.
TARGETS=${*:-import amfi csv ecb yahoo stooq coingecko http url alphavantage money}
LIB="lib/arena.c lib/buf.c lib/text.c lib/http.c lib/csv.c lib/money.c
lib/ledger.c lib/importfmt.c lib/importpre.c $(ls lib/feeds/*.c)"
if [ -n "$SECONDS_EACH" ]; then
	LIMIT=-max_total_time=$SECONDS_EACH
else
	LIMIT=-runs=$RUNS
fi

command -v clang >/dev/null || { echo "fuzz: needs clang (scripts/deps.sh)"; exit 1; }
mkdir -p "$OUT" tests/fuzz/crashes

# max_len T: the input limit of T, in bytes.
max_len() {
	if [ -n "${FUZZ_MAX_LEN:-}" ]; then
		echo "$FUZZ_MAX_LEN"
		return
	fi
	case $1 in
	import) echo 2048 ;;
	yahoo | coingecko | alphavantage | ecb) echo 1024 ;;
	*) echo 512 ;;
	esac
}

# build T: compiles target T.
build() {
	# shellcheck disable=SC2086
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Ilib -Icgi-bin \
	    -isystem /usr/include/mariadb \
	    -fsanitize=fuzzer,address,undefined \
	    -o "$OUT/fuzz_$1" "tests/fuzz/fuzz_$1.c" $LIB -ljson-c -lexpat -lm
}

# replay T: runs every kept crash input of T once.
replay() {
	local old
	old=$(ls tests/fuzz/crashes/"$1"-* 2>/dev/null)
	[ -n "$old" ] || return 0
	# shellcheck disable=SC2086
	if ! "$OUT/fuzz_$1" $old > "$OUT/$1-replay.log" 2>&1; then
		tail -40 "$OUT/$1-replay.log"
		echo "fuzz: $1: a kept crash input fails again ($OUT/$1-replay.log)"
		return 1
	fi
	echo "  REPLAY  $1: $(echo "$old" | wc -w) kept inputs pass"
}

# seed T: fills T's corpus from the fixtures and seeds.
seed() {
	local dir=$OUT/corpus_$1 f
	mkdir -p "$dir"
	for f in tests/fixtures/feeds/"$1"* tests/fixtures/"$1"/* \
	    tests/fixtures/"$1"/presets/*.csv tests/fuzz/seeds/"$1"/*; do
		[ -f "$f" ] || continue
		if [ "$1" = import ]; then
			{ printf '\000'; cat "$f"; } > "$dir/$(basename "$f")"
		else
			cp "$f" "$dir/"
		fi
	done
	for f in tests/fuzz/corpus/"$1"/*; do
		[ -f "$f" ] && cp "$f" "$dir/"
	done
	return 0
}

# save T: merges T's corpus into tests/fuzz/corpus/T/.
save() {
	local keep=tests/fuzz/corpus/$1
	rm -rf "$keep.new"
	mkdir -p "$keep.new"
	if ! "$OUT/fuzz_$1" -merge=1 -max_len="$(max_len "$1")" "$keep.new" \
	    "$OUT/corpus_$1" > "$OUT/$1-merge.log" 2>&1; then
		tail -20 "$OUT/$1-merge.log"
		rm -rf "$keep.new"
		return 1
	fi
	rm -rf "$keep"
	mv "$keep.new" "$keep"
	echo "  SAVE    $1: $(ls "$keep" | wc -l) inputs in $keep"
}

# run T: fuzzes T; its summary line goes to $OUT/T.result.
run() {
	local t0 t1 n cov
	t0=$(date +%s)
	"$OUT/fuzz_$1" "$LIMIT" -max_len="$(max_len "$1")" -print_final_stats=1 \
	    -artifact_prefix="tests/fuzz/crashes/$1-" "$OUT/corpus_$1" \
	    > "$OUT/$1.log" 2>&1
	local rc=$?
	t1=$(date +%s)
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$1.log")
	if [ "$rc" -ne 0 ] || [ -z "$n" ]; then
		tail -40 "$OUT/$1.log"
		echo "fuzz: $1 crashed; the input is kept in tests/fuzz/crashes/"
		echo "$1 crashed" > "$OUT/$1.result"
		return 1
	fi
	cov=$(grep -o 'cov: [0-9]*' "$OUT/$1.log" | tail -1 | cut -d' ' -f2)
	printf '%-14s %12d %8d %10d %6s %6d\n' "$1" "$n" $((t1 - t0)) \
	    $((n / (t1 - t0 > 0 ? t1 - t0 : 1))) "${cov:-?}" "$(max_len "$1")" \
	    > "$OUT/$1.result"
	echo "  DONE    $1: $n executions in $((t1 - t0)) s"
}

failed=0
for t in $TARGETS; do
	[ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target $t"; exit 1; }
	echo "  CLANG   fuzz_$t"
	build "$t" || exit 1
	replay "$t" || failed=1
	seed "$t"
	rm -f "$OUT/$t.result"
done
[ "$failed" -eq 0 ] || exit 1

echo "  FUZZ    $TARGETS ($LIMIT, $JOBS at a time)"
for t in $TARGETS; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	run "$t" &
done
wait

printf '%-14s %12s %8s %10s %6s %6s\n' target executions seconds "exec/s" \
    edges max_len
for t in $TARGETS; do
	if [ -f "$OUT/$t.result" ]; then
		cat "$OUT/$t.result"
	else
		echo "$t gave no result"
	fi
	if ! grep -q '^[a-z]* *[0-9]' "$OUT/$t.result" 2>/dev/null; then
		failed=1
	elif [ -z "$SECONDS_EACH" ] && \
	    [ "$(awk '{print $2}' "$OUT/$t.result")" -lt "$RUNS" ]; then
		echo "fuzz: $t ran fewer than $RUNS executions"
		failed=1
	fi
done
if [ "$failed" -ne 0 ]; then
	echo "fuzz: FAILED"
	exit 1
fi
if [ "${FUZZ_SAVE:-}" = 1 ]; then
	for t in $TARGETS; do
		save "$t" || exit 1
	done
fi
echo "fuzz: every target passed"
