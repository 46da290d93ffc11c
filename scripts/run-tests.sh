#!/bin/sh
# npm test: typecheck, then unit + property tests (parallel), then integration tests (one file at a time,
# so live timing is not disturbed by other tests). Both groups always run; the exit code is non-zero if
# either failed. Extra arguments go to both vitest runs (a file filter, -t ...).
set -u
tsc -p tsconfig.json || exit 1
vitest run --project unit "$@"; unit=$?
vitest run --project integration "$@"; integration=$?
[ "$unit" -eq 0 ] && [ "$integration" -eq 0 ]
