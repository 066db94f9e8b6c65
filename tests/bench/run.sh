#!/bin/sh
# make bench: starts private stacks and prints nestegg's speed figures:
# the pages (bench.py) and the price pipeline (pipeline.py).  Each exits
# non-zero when a target is missed.  BENCH=pages or BENCH=pipeline runs
# one of them; PIPELINE_ARGS=--no-million skips the million portfolios.
dir=$(dirname "$0")
rc=0
if [ "${BENCH:-all}" != pipeline ]; then
	python3 "$dir/bench.py" "$@" || rc=1
fi
if [ "${BENCH:-all}" != pages ]; then
	# shellcheck disable=SC2086
	python3 "$dir/pipeline.py" ${PIPELINE_ARGS:-} || rc=1
fi
exit $rc
