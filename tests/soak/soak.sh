#!/usr/bin/env bash
# Soak: RUNS (default 1000) consecutive runs of the real binary against the loopback fakes
# (Pigment + local files, Pigment + DFS), one randomly drawn fault per run, the five
# guarantees checked after each (see tests/soak/soak_driver.cpp). Seeded and reproducible:
# the seed is printed; SEED=S tests/soak/soak.sh N replays the same draws, and
# build/tests/soak_driver --seed S --only I replays run I alone.
#   tests/soak/soak.sh [RUNS]            env: SEED, PE_SOAK_BUILD_DIR (default ./build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-1000}
build=${PE_SOAK_BUILD_DIR:-$root/build}
if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" --target pigment-export soak_driver -j "$(nproc)"
args=(--runs "$runs")
[[ -n ${SEED:-} ]] && args+=(--seed "$SEED")
exec "$build/tests/soak_driver" "${args[@]}"
