#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang++ and ASan+UBSan into
# build-fuzz/ (or $PE_FUZZ_BUILD_DIR). Standalone: it compiles src/ (all but app/ and main.cpp)
# itself, so it needs no CMake build. Incremental: an object is rebuilt when its source, a
# header it includes (from the compiler's depfile) or this script is newer.
#   tests/fuzz/build.sh [TARGET...]      (default: every fuzz_*.cpp)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${PE_FUZZ_BUILD_DIR:-$root/build-fuzz}
CXX=${PE_FUZZ_CXX:-}
if [[ -z $CXX ]]; then
    for c in clang++ clang++-14; do command -v "$c" >/dev/null 2>&1 && { CXX=$c; break; }; done
fi
if [[ -z $CXX ]]; then
    echo "fuzz/build.sh: clang++ not found; install clang and libclang-rt-14-dev (scripts/install-deps.sh does)" >&2
    exit 1
fi
# libFuzzer ships in libclang-rt-NN-dev: probe for it with a one-line program.
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long){return 0;}\n' >"$probe_dir/p.cpp"
if ! "$CXX" -fsanitize=fuzzer,address,undefined "$probe_dir/p.cpp" -o "$probe_dir/p" 2>"$probe_dir/err"; then
    echo "fuzz/build.sh: $CXX cannot link -fsanitize=fuzzer,address,undefined (is libclang-rt-14-dev installed?):" >&2
    sed 's/^/  /' "$probe_dir/err" >&2
    exit 1
fi

version=$(sed -n 's/^project(pigment-export VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
read -r -a pkg_cflags <<<"$(pkg-config --cflags spdlog libcurl 2>/dev/null || true)"
read -r -a pkg_libs <<<"$(pkg-config --libs spdlog libcurl 2>/dev/null || echo -lspdlog -lfmt -lcurl)"
# -g1: the line tables a crash report's stack needs, without the full debug info that slowed the build.
flags=(-std=c++20 -g1 -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -I"$root/include" -I"$root/tests" "-DPIGMENT_EXPORT_VERSION=\"$version\"" "${pkg_cflags[@]}")

mkdir -p "$out/obj"
needs_build() {  # $1 source, $2 object (with its depfile $2.d)
    [[ ! -f $2 || ! -f $2.d || $1 -nt $2 || $0 -nt $2 ]] && return 0
    local dep
    for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$2.d"); do
        [[ $dep -nt $2 ]] && return 0
    done
    return 1
}

sources=()
while IFS= read -r s; do sources+=("$s"); done < <(find "$root/src" -mindepth 2 -name '*.cpp' -not -path '*/src/app/*' | sort)
todo=()
objects=()
for s in "${sources[@]}"; do
    rel=${s#"$root/src/"}
    o="$out/obj/${rel//\//_}.o"
    objects+=("$o")
    needs_build "$s" "$o" && todo+=("$s:$o")
done
if ((${#todo[@]})); then
    echo "fuzz/build.sh: compiling ${#todo[@]} library sources with $CXX"
    export CXX
    printf '%s\n' "${todo[@]}" | xargs -P "$(nproc)" -I{} bash -c '
        src=${1%%:*}; obj=${1#*:}; shift
        "$CXX" "$@" -fsanitize=fuzzer-no-link -MMD -MF "$obj.d" -c "$src" -o "$obj" || { rm -f "$obj"; exit 255; }' _ {} "${flags[@]}"
    rm -f "$out/libpigment_fuzz.a"
fi
if [[ ! -f $out/libpigment_fuzz.a ]]; then
    ar rcs "$out/libpigment_fuzz.a" "${objects[@]}"
fi

targets=("$@")
if ((${#targets[@]} == 0)); then
    for f in "$root"/tests/fuzz/fuzz_*.cpp; do t=$(basename "$f" .cpp); targets+=("${t#fuzz_}"); done
fi
stale=()
for t in "${targets[@]}"; do
    src="$root/tests/fuzz/fuzz_$t.cpp"
    bin="$out/fuzz_$t"
    if [[ ! -f $bin || $src -nt $bin || $root/tests/fuzz/fuzz_support.hpp -nt $bin || $out/libpigment_fuzz.a -nt $bin || $0 -nt $bin ]]; then
        stale+=("$t")
    fi
done
# Each target is one compile and link of its own: they go side by side, as the library's objects do.
if ((${#stale[@]})); then
    echo "fuzz/build.sh: compiling and linking ${#stale[@]} targets: ${stale[*]}"
    export CXX root out
    export PE_FUZZ_LIBS="${pkg_libs[*]} -lcrypto -lpthread"  # linker flags: no spaces inside one
    printf '%s\n' "${stale[@]}" | xargs -P "$(nproc)" -I{} bash -c '
        t=$1; shift
        # shellcheck disable=SC2086
        "$CXX" "$@" -fsanitize=fuzzer "$root/tests/fuzz/fuzz_$t.cpp" "$out/libpigment_fuzz.a" $PE_FUZZ_LIBS \
            -o "$out/fuzz_$t" || { rm -f "$out/fuzz_$t"; exit 255; }' _ {} "${flags[@]}"
fi
echo "fuzz/build.sh: targets in $out: ${targets[*]}"
