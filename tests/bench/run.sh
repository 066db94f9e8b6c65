#!/bin/sh
# make bench: starts private stacks and prints nestegg's speed figures:
# the pages (bench.py), the price pipeline (pipeline.py), the live
# panel (live.py), imports (imports.py), performance over time
# (performance.py) and a Galera cluster against the single server
# (cluster.py).  Each exits non-zero when a target is missed.
# BENCH=pages, BENCH=pipeline, BENCH=live, BENCH=import,
# BENCH=performance or BENCH=cluster runs one;
# PIPELINE_ARGS=--no-million skips the million portfolios.
dir=$(dirname "$0")
rc=0
want() {
	[ "${BENCH:-all}" = all ] || [ "${BENCH:-all}" = "$1" ]
}
if want pages; then
	python3 "$dir/bench.py" "$@" || rc=1
fi
if want pipeline; then
	# shellcheck disable=SC2086
	python3 "$dir/pipeline.py" ${PIPELINE_ARGS:-} || rc=1
fi
if want live; then
	python3 "$dir/live.py" || rc=1
fi
if want import; then
	python3 "$dir/imports.py" || rc=1
fi
if want performance; then
	python3 "$dir/performance.py" || rc=1
fi
if want cluster; then
	python3 "$dir/cluster.py" || rc=1
fi
exit $rc
