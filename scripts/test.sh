#!/usr/bin/env bash
# Installs what is missing, then: the format check, a -Werror build, clang-tidy on src/, every test
# through ctest (unit, integration, conformance, soak, fuzz, deploy, docs); the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer; and the tests that exercise threads under
# ThreadSanitizer. PIGMENT_SKIP_SANITIZERS=1 skips the two sanitizer builds for a quicker local loop.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -G Ninja -DPIGMENT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target check-format
cmake --build build -j "$jobs"
./scripts/clang-tidy.sh build
ctest --test-dir build --output-on-failure -j "$jobs"

if [[ "${PIGMENT_SKIP_SANITIZERS:-0}" != 1 ]]; then
    cmake -S . -B build-asan -G Ninja -DPIGMENT_WERROR=ON -DPIGMENT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    cmake --build build-asan -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j "$jobs"

    # The threads: pipeline, chunk pool and token cache in-process; upload workers, the hasher, the
    # DFS lease keeper, progress and manifest workers in the binary the integration tests run.
    cmake -S . -B build-tsan -G Ninja -DPIGMENT_WERROR=ON -DPIGMENT_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build-tsan -j "$jobs" --target pigment-export unit_tests integration_tests
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp
    build-tsan/tests/unit_tests "[transfer],[cache],[chain]"
    (cd build-tsan/tests && ./integration_tests "[manifest]~[large],[dfs]~[large],[export]~[large]~[slow],[signal]~[large]")
fi
