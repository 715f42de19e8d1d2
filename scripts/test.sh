#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, runs every test through ctest,
# then builds and runs the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Set PIGMENT_SKIP_SANITIZERS=1 for a quicker local loop.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -G Ninja -DPIGMENT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

if [[ "${PIGMENT_SKIP_SANITIZERS:-0}" != 1 ]]; then
    cmake -S . -B build-asan -G Ninja -DPIGMENT_WERROR=ON -DPIGMENT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    cmake --build build-asan -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi
