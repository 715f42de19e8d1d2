#!/usr/bin/env bash
# Installs what is missing, then: the format check, a -Werror build, clang-tidy on src/, every test
# through ctest (unit, integration, conformance, soak, fuzz, deploy, docs); the unit, integration
# and soak tests again with the code under test built with AddressSanitizer +
# UndefinedBehaviorSanitizer; and the tests that exercise threads with it built with
# ThreadSanitizer. PIGMENT_SKIP_SANITIZERS=1 skips the two sanitizer builds for a quicker local loop.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -G Ninja -DPIGMENT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target check-format
cmake --build build -j "$jobs"
# clang-tidy needs only build/'s compile commands. It runs beside the test phases, niced so that
# their timing-sensitive tests keep the CPU: most integration tests wait on sockets, and that idle
# time is about what clang-tidy needs (~11 CPU-minutes), so it costs little wall time there
# instead of ~6 minutes on its own. Its verdict is collected at the end.
tidy_log=$(mktemp)
# Its own process group, so that a failing step stops every clang-tidy it started.
setsid nice -n 10 ./scripts/clang-tidy.sh build >"$tidy_log" 2>&1 &
tidy_pid=$!
trap 'kill -- "-$tidy_pid" 2>/dev/null || true; rm -f "$tidy_log"' EXIT
ctest --test-dir build --output-on-failure -j "$jobs"

if [[ "${PIGMENT_SKIP_SANITIZERS:-0}" != 1 ]]; then
    # The sanitizer builds instrument the code under test: the library with its unit tests, and the
    # binary, which the integration tests and the soak run of build/ drive through
    # PIGMENT_EXPORT_UNDER_TEST (tests/fakes/process_runner passes the *SAN_OPTIONS on to it). The
    # fakes and the test drivers are compiled once, in build/.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    cmake -S . -B build-asan -G Ninja -DPIGMENT_WERROR=ON -DPIGMENT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    cmake --build build-asan -j "$jobs" --target pigment-export unit_tests
    ctest --test-dir build-asan --output-on-failure --no-tests=error -j "$jobs" -R '^unit:'
    PIGMENT_EXPORT_UNDER_TEST=$PWD/build-asan/pigment-export \
        ctest --test-dir build --output-on-failure --no-tests=error -j "$jobs" -R '^(integration|soak):'
    unset ASAN_OPTIONS UBSAN_OPTIONS

    # The threads: pipeline, chunk pool and token cache in-process (only those unit tests are built
    # here); upload workers, the hasher, the DFS lease keeper, progress and manifest workers in the binary.
    cmake -S . -B build-tsan -G Ninja -DPIGMENT_WERROR=ON -DPIGMENT_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build-tsan -j "$jobs" --target pigment-export unit_tests
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    build-tsan/tests/unit_tests "[transfer],[cache],[chain]"
    tsan_binary=$PWD/build-tsan/pigment-export
    (cd build/tests && PIGMENT_EXPORT_UNDER_TEST=$tsan_binary \
        ./integration_tests "[manifest]~[large],[dfs]~[large],[export]~[large]~[slow],[signal]~[large]")
fi

tidy_status=0
wait "$tidy_pid" || tidy_status=$?
cat "$tidy_log"
exit "$tidy_status"
