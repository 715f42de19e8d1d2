#!/usr/bin/env bash
# Runs clang-tidy (the repository's .clang-tidy) on every source under src/, in parallel, against
# the compile commands of BUILD (default ./build). Any finding fails: fix it, or silence one line
# with NOLINT(check) and a comment saying why.
#   scripts/clang-tidy.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -f $build/compile_commands.json ]] || { echo "clang-tidy: no $build/compile_commands.json; configure first" >&2; exit 2; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! find src -name '*.cpp' -print0 | sort -z |
        xargs -0 -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet >"$log" 2>/dev/null; then
    grep -E "(warning|error):" -A3 "$log" >&2 || cat "$log" >&2
    echo "clang-tidy: findings above" >&2
    exit 1
fi
echo "clang-tidy: $(find src -name '*.cpp' | wc -l) files, no finding"
