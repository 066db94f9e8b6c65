#!/bin/sh
# make bench: starts a private stack and prints nestegg's speed figures.
exec python3 "$(dirname "$0")/bench.py" "$@"
