#!/usr/bin/env bash
# Benchmark: pigment-export against its peers on this machine. See bench/README.md.
#
#   bench/run.sh [SIZE]          SIZE of the export, default 1GiB (also 256MiB, 2GiB, 123456789 ...)
#
# Environment knobs:
#   RUNS=3            timed runs per transfer (alternating), medians reported
#   AZ_SIZE=256MiB    export size for the Azurite reference row (Azurite absorbs ~50 MB/s)
#   AZ_RUNS=1         runs for the Azurite row
#   SCALE=1           memory-scaling run (SIZE and 8x SIZE generated on the fly); 0 skips it
#   STARTUP=1         time --help and --dry-run (hyperfine); 0 skips it
#   VERIFY=1          untimed MD5 pass through a second discard server that hashes in order
#   COMPRESS=1        the --compress gzip|zstd rows beside curl | pigz -1 / gzip -1 / zstd -1 -T2 | rclone rcat;
#                     0 skips them
#   RCLONE_CHUNK=4M   rclone --azureblob-chunk-size (the tool's default chunk and rclone's own: 4 MiB)
#   LATENCY=1         the round-trip rows, with LATENCY_MS per request on a second source and discard
#                     server: SIZE into the discard sink (DFS and Blob API, alternating with the rows
#                     without latency), and a 1 MiB export from a cold start with managed identity
#                     + Key Vault (identity_vault_server, same latency) + DFS and + Blob, with the
#                     sequential round trips it took (round_trips.py); 0 skips them
#   LATENCY_MS=20     the per-request latency of those rows
#   PE_ARGS=""        extra pigment-export arguments, e.g. "--parallel 2 --chunk-size 4MiB"
#   BUILD_DIR=...     where to build (default <repo>/build-bench)
#   REF=HEAD          the commit of the tool to measure: a clean snapshot (git archive) is built, so
#                     uncommitted edits in the work tree do not leak in; REF=worktree builds the tree as is
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SIZE=${1:-1GiB}
RUNS=${RUNS:-3}
AZ_SIZE=${AZ_SIZE:-256MiB}
AZ_RUNS=${AZ_RUNS:-1}
SCALE=${SCALE:-1}
STARTUP=${STARTUP:-1}
VERIFY=${VERIFY:-1}
COMPRESS=${COMPRESS:-1}
RCLONE_CHUNK=${RCLONE_CHUNK:-4M}
LATENCY=${LATENCY:-1}
LATENCY_MS=${LATENCY_MS:-20}
PE_ARGS=${PE_ARGS:-}
BUILD=${BUILD_DIR:-$ROOT/build-bench}
REF=${REF:-HEAD}
BTOOLS=$BUILD/bench
DATA=$HERE/data
OUT=$HERE/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$DATA" "$OUT" "$BTOOLS"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- dependencies
install_deps() {
    "$ROOT/scripts/install-deps.sh"
    local pkgs=(rclone time python3 openssl xxd)
    # The compression peers (pigz; zstd and gzip's CLIs also check the stored files).
    [[ $COMPRESS == 1 ]] && pkgs+=(pigz zstd gzip)
    command -v hyperfine >/dev/null 2>&1 || pkgs+=(hyperfine)
    local missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
        $sudo apt-get update -qq
        # hyperfine is optional (older Debian lacks it): fall back to a loop.
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]/hyperfine/}"
    fi
}

# ---------------------------------------------------------------- build
build() {
    local src=$ROOT tool_build=$BUILD
    if [[ $REF != worktree ]]; then
        # Snapshot of the commit into build-bench/src-<sha> (same dir while the commit is the same).
        TOOL_COMMIT=$(git -C "$ROOT" rev-parse --short "$REF")
        src=$BUILD/src-$TOOL_COMMIT
        tool_build=$BUILD/tool-$TOOL_COMMIT
        if [[ ! -f $src/CMakeLists.txt ]]; then
            rm -rf "$BUILD"/src-* "$BUILD"/tool-*
            mkdir -p "$src"
            git -C "$ROOT" archive "$REF" | tar -x -C "$src"
        fi
    else
        TOOL_COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)+worktree"
    fi
    if [[ ! -f $tool_build/build.ninja ]]; then
        cmake -S "$src" -B "$tool_build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIGMENT_TESTS=OFF >/dev/null
    fi
    log "building pigment-export $TOOL_COMMIT"
    ninja -C "$tool_build" -j"$(nproc)" pigment-export >/dev/null
    PE=$tool_build/pigment-export
    mkdir -p "$BTOOLS"
    for t in gen_csv discard_server source_server identity_vault_server; do
        if [[ ! -x $BTOOLS/$t || $HERE/$t.cpp -nt $BTOOLS/$t || $HERE/http_mini.hpp -nt $BTOOLS/$t || $HERE/possum.hpp -nt $BTOOLS/$t ]]; then
            g++ -std=c++20 -O3 -march=native -pthread -o "$BTOOLS/$t" "$HERE/$t.cpp" -lcrypto
        fi
    done
}

# ---------------------------------------------------------------- data
to_bytes() { python3 -c "
import re,sys; m=re.fullmatch(r'([0-9.]+)\s*(KiB|MiB|GiB|K|M|G|B)?','$1')
print(int(float(m.group(1))*{None:1,'B':1,'K':1024,'KiB':1024,'M':1<<20,'MiB':1<<20,'G':1<<30,'GiB':1<<30}[m.group(2)]))"; }

# gen_data SIZE -> prints the CSV path; writes FILE.meta (bytes rows md5b64 possum) once.
gen_data() {
    local bytes; bytes=$(to_bytes "$1")
    local f=$DATA/pigment-$bytes.csv
    if [[ ! -f $f.meta ]]; then
        log "generating $f ($1)"
        local rows; rows=$("$BTOOLS/gen_csv" "$bytes" "$f" | awk '{print $2}')
        local md5; md5=$(openssl md5 -binary "$f" | base64)
        local ps; ps=$("$BTOOLS/discard_server" --checksum "$f" | awk '{print $2}')
        echo "$bytes $rows $md5 $ps" >"$f.meta"
    fi
    echo "$f"
}

# meta_repeat FILE N -> meta of the stream "header + N x body" served by FILE*N.
meta_repeat() {
    local f=$1 n=$2 m=$1.x$2.meta
    if [[ ! -f $m ]]; then
        log "checksumming the ${n}x stream of $f (once)"
        local hdr; hdr=$(head -n1 "$f" | wc -c)
        local stream="{ head -c $hdr '$f'; for i in \$(seq $n); do tail -c +$((hdr + 1)) '$f'; done; }"
        local md5; md5=$(bash -c "$stream" | openssl md5 -binary | base64)
        local sum; sum=$(bash -c "$stream" | "$BTOOLS/discard_server" --checksum -)
        read -r _ rows1 _ _ <"$f.meta"
        echo "$(awk '{print $1}' <<<"$sum") $((rows1 * n)) $md5 $(awk '{print $2}' <<<"$sum")" >"$m"
    fi
    cat "$m"
}

# ---------------------------------------------------------------- servers
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {  # start_server PORTFILE CMD... -> waits for the port file
    local pf=$1; shift
    rm -f "$pf"
    "$@" >>"$OUT/servers.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do [[ -s $pf ]] && return 0; sleep 0.05; done
    log "server did not start: $*"; exit 1
}

AZ_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
# Shared Key request to Azurite (path-style): az_request METHOD PORT PATH QUERY_CANON QUERY [curl args...]
az_request() {
    local method=$1 port=$2 path=$3 canon=$4 query=$5; shift 5
    local date; date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    local sts; sts=$(printf '%s\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:%s\nx-ms-version:2021-08-06\n/devstoreaccount1%s%s' \
        "$method" "$date" "$path" "$canon")
    local sig; sig=$(printf '%s' "$sts" | openssl dgst -sha256 -mac HMAC \
        -macopt "hexkey:$(base64 -d <<<"$AZ_KEY" | xxd -p -c 256)" -binary | base64)
    curl -s -X "$method" -H "x-ms-date: $date" -H 'x-ms-version: 2021-08-06' \
        -H "Authorization: SharedKey devstoreaccount1:$sig" "$@" "http://127.0.0.1:$port$path$query"
}

# ---------------------------------------------------------------- measuring
PE=""  # set by build()
UUID=0b7c3e0e-1111-4222-8333-944455556666      # SIZE
UUID8=0b7c3e0e-8888-4222-8333-944455556666     # 8 x SIZE, generated on the fly
UUIDAZ=0b7c3e0e-2222-4222-8333-944455556666    # AZ_SIZE
UUIDCOLD=0b7c3e0e-3333-4222-8333-944455556666  # 1 MiB, the cold-start rows
export PIGMENT_API_KEY=bench-key
SAS='sv=2021-08-06&ss=b&srt=sco&sp=rwdlac&sig=x'

RAW=$OUT/raw.tsv
printf 'name\trun\tbytes\twall_s\tuser_s\tsys_s\trss_kib\tcheck\tfirst_append_ms\tstored_bytes\n' >"$RAW"

# measure NAME RUN BYTES CHECKFN CMD... : runs CMD under /usr/bin/time, then CHECKFN (prints ok/FAIL...).
measure() {
    local name=$1 run=$2 bytes=$3 checkfn=$4; shift 4
    local tf=$OUT/time.$$
    local t0 t1
    rm -f "$OUT/summary.json"
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S %M' -o "$tf" "$@" >"$OUT/last.out" 2>"$OUT/last.err" || true
    t1=$(date +%s.%N)
    local user sys rss
    read -r user sys rss < <(tail -n1 "$tf")
    local wall; wall=$(python3 -c "print(f'{$t1-$t0:.3f}')")
    local check first stored
    read -r check first stored <<<"$($checkfn)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$bytes" "$wall" "$user" "$sys" "$rss" "$check" "${first:--}" "${stored:--}" >>"$RAW"
    log "$name #$run: ${wall}s user ${user}s sys ${sys}s rss ${rss} KiB check=$check first_append_ms=${first:--} stored=${stored:--}"
}

CUR_EXPECT=""   # "bytes rows md5 possum" of the stream being measured
CUR_KEY=""      # discard-server key of the current destination
CUR_DPORT=""

check_curl() {
    read -r b _ _ _ <<<"$CUR_EXPECT"
    local got; got=$(cat "$OUT/last.out")
    [[ $got == "$b" ]] && echo ok || echo "FAIL(size:$got)"
}

# Checks what the discard server holds for CUR_KEY (length, possum; with --md5 the MD5 computed
# in order) and, for pigment-export, the summary (rows, MD5). Also prints the first-append delay.
check_discard() {
    read -r b rows md5 ps <<<"$CUR_EXPECT"
    local line; line=$(curl -s "http://127.0.0.1:$CUR_DPORT/__stats" | awk -v k="$CUR_KEY" '$1=="file" && $2==k')
    local src; src=$(curl -s "http://127.0.0.1:$SPORT/__stats" | awk '{print $2}')
    curl -s "http://127.0.0.1:$CUR_DPORT/__reset" >/dev/null
    if [[ -z $line ]]; then echo "FAIL(not-committed)"; return; fi
    read -r _ _ glen gsum gmd5 gclaim gfirst _ <<<"$line"
    local why=""
    [[ $glen == "$b" ]] || why+="len:$glen,"
    [[ $gsum == "$ps" ]] || why+="checksum,"
    [[ $gmd5 == - || $gmd5 == "$md5" ]] || why+="md5-arrived,"
    [[ $gclaim == - || $gclaim == "$md5" ]] || why+="md5-claimed,"
    if [[ -s $OUT/summary.json ]]; then
        local srows smd5
        read -r srows smd5 < <(python3 -c "import json;d=json.load(open('$OUT/summary.json'));print(d.get('rows'),d.get('md5'))")
        [[ $srows == "$rows" ]] || why+="rows:$srows,"
        [[ $smd5 == "$md5" ]] || why+="summary-md5,"
        rm -f "$OUT/summary.json"
    fi
    local first; first=$(python3 -c "print(f'{($gfirst-$src)/1e6:.1f}')" 2>/dev/null || echo -)
    if [[ -z $why ]]; then
        [[ $gmd5 == - ]] && echo "ok $first" || echo "ok+md5 $first"
    else
        echo "FAIL(${why%,}) $first"
    fi
}

# A compressed transfer into the discard server: its bytes are not kept, so this checks that
# something was committed, and for pigment-export that the summary's rows, csv_bytes and
# stored_bytes are the export's and the sink's, and its MD5 the one the commit claimed. Prints
# "ok FIRST STORED". That the stored bytes decompress to the export is the untimed pass below.
check_compressed() {
    read -r b rows _ _ <<<"$CUR_EXPECT"
    local line; line=$(curl -s "http://127.0.0.1:$CUR_DPORT/__stats" | awk -v k="$CUR_KEY" '$1=="file" && $2==k')
    local src; src=$(curl -s "http://127.0.0.1:$SPORT/__stats" | awk '{print $2}')
    curl -s "http://127.0.0.1:$CUR_DPORT/__reset" >/dev/null
    if [[ -z $line ]]; then echo "FAIL(not-committed)"; return; fi
    read -r _ _ glen _ _ gclaim gfirst _ <<<"$line"
    local why=""
    if [[ -s $OUT/summary.json ]]; then
        local srows scsv sstored smd5
        read -r srows scsv sstored smd5 < <(python3 -c "import json;d=json.load(open('$OUT/summary.json'));print(d.get('rows'),d.get('csv_bytes'),d.get('stored_bytes'),d.get('md5'))")
        [[ $srows == "$rows" ]] || why+="rows:$srows,"
        [[ $scsv == "$b" ]] || why+="csv_bytes:$scsv,"
        [[ $sstored == "$glen" ]] || why+="stored_bytes:$sstored,"
        [[ $gclaim == - || $gclaim == "$smd5" ]] || why+="md5-claimed,"
        rm -f "$OUT/summary.json"
    fi
    local first; first=$(python3 -c "print(f'{($gfirst-$src)/1e6:.1f}')" 2>/dev/null || echo -)
    [[ -z $why ]] && echo "ok $first $glen" || echo "FAIL(${why%,}) $first $glen"
}

# A compressed local file: `gzip -t`/`zstd -t` pass and it decompresses to the export's MD5.
check_compressed_file() {
    read -r b rows md5 _ <<<"$CUR_EXPECT"
    local tool=gzip; [[ $CUR_KEY == *.zst ]] && tool=zstd
    local why="" stored; stored=$(stat -c %s "$CUR_KEY" 2>/dev/null || echo 0)
    "$tool" -t "$CUR_KEY" 2>/dev/null || why+="$tool-t,"
    [[ $("$tool" -dc "$CUR_KEY" | openssl md5 -binary | base64) == "$md5" ]] || why+="decompressed-md5,"
    rm -f "$CUR_KEY"
    [[ -z $why ]] && echo "ok+decompressed - $stored" || echo "FAIL(${why%,}) - $stored"
}

check_file() {
    read -r b rows md5 _ <<<"$CUR_EXPECT"
    local why=""
    local got; got=$(stat -c %s "$CUR_KEY" 2>/dev/null || echo 0)
    [[ $got == "$b" ]] || why+="len:$got,"
    [[ $(openssl md5 -binary "$CUR_KEY" | base64) == "$md5" ]] || why+="md5,"
    rm -f "$CUR_KEY"
    [[ -z $why ]] && echo ok+md5 || echo "FAIL(${why%,})"
}

check_azurite() {
    read -r b rows md5 ps <<<"$CUR_EXPECT"
    local why=""
    local got; got=$(az_request GET "$AZPORT" "/devstoreaccount1/bench/$CUR_KEY" "" "" | tee >(openssl md5 -binary | base64 >"$OUT/az.md5") |
        "$BTOOLS/discard_server" --checksum -)
    sleep 0.2
    [[ $(awk '{print $1}' <<<"$got") == "$b" ]] || why+="len,"
    [[ $(awk '{print $2}' <<<"$got") == "$ps" ]] || why+="checksum,"
    [[ $(cat "$OUT/az.md5") == "$md5" ]] || why+="md5,"
    [[ -z $why ]] && echo ok+md5 || echo "FAIL(${why%,})"
}

pe_cmd() {  # pe_cmd UUID DEST API
    # shellcheck disable=SC2086
    echo "$PE --pigment-url http://127.0.0.1:$SPORT --block-type metric --block-id $1 --dest $2 --storage-api $3 \
--progress off --log-level warn --summary-json $OUT/summary.json $PE_ARGS"
}

# ---------------------------------------------------------------- main
install_deps
build

# OpenSSL's MD5 speed in MB/s: the tool's serial floor, and a gauge of how fast this (shared) CPU
# is right now. Taken before and after the timed runs.
md5_speed() { openssl speed -seconds 1 -evp md5 -bytes 4194304 2>/dev/null | awk '/^md5/ {printf "%.0f", $2 / 1000}'; }
MD5_BEFORE=$(md5_speed)
log "pigment-export $TOOL_COMMIT; machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:\s*//p' | head -1), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
CSV=$(gen_data "$SIZE")
read -r BYTES ROWS MD5 POSSUM <"$CSV.meta"
AZCSV=$(gen_data "$AZ_SIZE")
ROUTES=(--route "/api/v1/export/metric/$UUID=$CSV" --route "/api/v1/export/metric/$UUID8=$CSV*8"
        --route "/api/v1/export/metric/$UUIDAZ=$AZCSV")
start_server "$OUT/source.port" "$BTOOLS/source_server" --port-file "$OUT/source.port" "${ROUTES[@]}"
SPORT=$(cat "$OUT/source.port")
start_server "$OUT/discard.port" "$BTOOLS/discard_server" --port-file "$OUT/discard.port"
DPORT=$(cat "$OUT/discard.port")
SRC_URL=http://127.0.0.1:$SPORT/api/v1/export/metric/$UUID
export AZURE_STORAGE_SAS_TOKEN=$SAS
# The round-trip rows' servers: the same source and sink, LATENCY_MS late on every request, and
# the identity + Key Vault stub; each logs its requests for round_trips.py.
if [[ $LATENCY == 1 ]]; then
    COLD_CSV=$(gen_data 1MiB)
    read -r CBYTES CROWS CMD5 CPOSSUM <"$COLD_CSV.meta"
    REQLOGS=$OUT/requests
    mkdir -p "$REQLOGS"
    start_server "$OUT/lsource.port" "$BTOOLS/source_server" --port-file "$OUT/lsource.port" --latency-ms "$LATENCY_MS" \
        --request-log "$REQLOGS/source.jsonl" "${ROUTES[@]}" --route "/api/v1/export/metric/$UUIDCOLD=$COLD_CSV"
    LSPORT=$(cat "$OUT/lsource.port")
    start_server "$OUT/ldiscard.port" "$BTOOLS/discard_server" --port-file "$OUT/ldiscard.port" --latency-ms "$LATENCY_MS" \
        --request-log "$REQLOGS/discard.jsonl"
    LDPORT=$(cat "$OUT/ldiscard.port")
    start_server "$OUT/identity_vault.port" "$BTOOLS/identity_vault_server" --port-file "$OUT/identity_vault.port" \
        --latency-ms "$LATENCY_MS" --request-log "$REQLOGS/identity_vault.jsonl" --secret-name pigment-api-key
    IVPORT=$(cat "$OUT/identity_vault.port")
fi
# Page cache warm-up so the first timed run does not read the disk.
cat "$CSV" "$AZCSV" >/dev/null

rclone_cmd() {  # rclone_cmd SOURCE_URL DISCARD_PORT NAME
    echo "curl -s -X POST -H 'Authorization: Bearer $PIGMENT_API_KEY' $1 | RCLONE_CONFIG=/dev/null rclone rcat \
--azureblob-chunk-size $RCLONE_CHUNK \":azureblob,sas_url='http://127.0.0.1:$2/devstoreaccount1/bench?$SAS':bench/$3\""
}

run_one() {  # run_one NAME RUN  (the headline transfers, and the same at LATENCY_MS)
    local name=$1 run=$2
    CUR_EXPECT="$BYTES $ROWS $MD5 $POSSUM"
    CUR_DPORT=$DPORT
    case $name in
        curl)
            measure curl "$run" "$BYTES" check_curl curl -s -o /dev/null -w '%{size_download}' -X POST \
                -H "Authorization: Bearer $PIGMENT_API_KEY" "$SRC_URL" ;;
        pe-dfs|pe-blob)
            local api=${name#pe-}
            CUR_KEY=/bench/$name-$run.csv
            # shellcheck disable=SC2046
            measure "$name" "$run" "$BYTES" check_discard $(pe_cmd "$UUID" "http://127.0.0.1:$DPORT/devstoreaccount1$CUR_KEY" "$api") ;;
        rclone)
            CUR_KEY=/bench/rclone-$run.csv
            measure rclone "$run" "$BYTES" check_discard bash -c "$(rclone_cmd "$SRC_URL" "$DPORT" "rclone-$run.csv")" ;;
        pe-dfs-lat|pe-blob-lat)
            local api=${name#pe-}
            api=${api%-lat}
            # pe_cmd and check_discard see this SPORT (bash scoping): the source with latency.
            local SPORT=$LSPORT
            CUR_DPORT=$LDPORT
            CUR_KEY=/bench/$name-$run.csv
            # shellcheck disable=SC2046
            measure "$name" "$run" "$BYTES" check_discard $(pe_cmd "$UUID" "http://127.0.0.1:$LDPORT/devstoreaccount1$CUR_KEY" "$api") ;;
    esac
}

# A 1 MiB export from a cold start (a new process, no token yet) at LATENCY_MS on every server:
# managed identity (IMDS at the stub) for the vault and, with no SAS or key set, for storage too;
# the key from the stub's Key Vault. The request logs of the run give its sequential round trips.
run_cold() {  # run_cold API RUN
    local api=$1 run=$2 name=cold-$1
    local SPORT=$LSPORT
    CUR_EXPECT="$CBYTES $CROWS $CMD5 $CPOSSUM"
    CUR_DPORT=$LDPORT
    CUR_KEY=/bench/$name-$run.csv
    for f in "$REQLOGS"/*.jsonl; do : >"$f"; done
    # shellcheck disable=SC2046
    measure "$name" "$run" "$CBYTES" check_discard env -u PIGMENT_API_KEY -u AZURE_STORAGE_SAS_TOKEN \
        AZURE_POD_IDENTITY_AUTHORITY_HOST="http://127.0.0.1:$IVPORT" \
        $(pe_cmd "$UUIDCOLD" "http://127.0.0.1:$LDPORT/devstoreaccount1$CUR_KEY" "$api") \
        --key-vault-url "http://127.0.0.1:$IVPORT" --secret-name pigment-api-key --credential managed-identity
    local chain=$OUT/chain-$name-$run.txt
    python3 "$HERE/round_trips.py" "$REQLOGS"/*.jsonl >"$chain"
    printf '%s\t%s\t%s\n' "$name" "$run" "$chain" >>"$OUT/round_trips.tsv"
    log "$name #$run: $(head -n1 "$chain")"
}

# curl | COMPRESSOR | rclone rcat: the peers of --compress (rclone has no compression of its own).
# Both sides use the discard server's Blob API, as rclone does.
pipe_cmd() {  # pipe_cmd SOURCE_URL DISCARD_PORT NAME COMPRESSOR...
    local url=$1 port=$2 name=$3; shift 3
    echo "curl -s -X POST -H 'Authorization: Bearer $PIGMENT_API_KEY' $url | $* | RCLONE_CONFIG=/dev/null rclone rcat \
--azureblob-chunk-size $RCLONE_CHUNK \":azureblob,sas_url='http://127.0.0.1:$port/devstoreaccount1/bench?$SAS':bench/$name\""
}

run_compressed() {  # run_compressed NAME RUN
    local name=$1 run=$2
    CUR_EXPECT="$BYTES $ROWS $MD5 $POSSUM"
    CUR_DPORT=$DPORT
    case $name in
        pe-gzip|pe-zstd)
            local codec=${name#pe-} ext=.gz
            [[ $codec == zstd ]] && ext=.zst
            CUR_KEY=/bench/$name-$run.csv$ext
            # shellcheck disable=SC2046
            measure "$name" "$run" "$BYTES" check_compressed \
                $(pe_cmd "$UUID" "http://127.0.0.1:$DPORT/devstoreaccount1$CUR_KEY" blob) --compress "$codec" ;;
        pigz|gzip1|zstd1)
            local compressor="pigz -1" ext=.gz
            [[ $name == gzip1 ]] && compressor="gzip -1"
            [[ $name == zstd1 ]] && compressor="zstd -1 -T2 -q" && ext=.zst
            CUR_KEY=/bench/$name-$run.csv$ext
            measure "$name" "$run" "$BYTES" check_compressed bash -c "$(pipe_cmd "$SRC_URL" "$DPORT" "$name-$run.csv$ext" $compressor)" ;;
    esac
}

NAMES=(curl pe-dfs pe-blob rclone)
[[ $LATENCY == 1 ]] && NAMES+=(pe-dfs-lat pe-blob-lat)
log "timed runs: $RUNS x ${NAMES[*]} at $SIZE ($BYTES bytes, $ROWS rows), alternating"
for run in $(seq "$RUNS"); do
    # Rotate the order each round so no transfer always runs first (or right after another).
    for k in "${!NAMES[@]}"; do
        run_one "${NAMES[$(((k + run - 1) % ${#NAMES[@]}))]}" "$run"
    done
done

if [[ $LATENCY == 1 ]]; then
    log "timed runs: $RUNS x cold-dfs cold-blob (1 MiB, ${LATENCY_MS} ms per request), alternating"
    for run in $(seq "$RUNS"); do
        if ((run % 2)); then run_cold dfs "$run"; run_cold blob "$run"; else run_cold blob "$run"; run_cold dfs "$run"; fi
    done
fi

if [[ $COMPRESS == 1 ]]; then
    CNAMES=(pe-gzip pe-zstd pigz gzip1 zstd1)
    log "timed runs: $RUNS x ${CNAMES[*]} at $SIZE, alternating"
    for run in $(seq "$RUNS"); do
        for k in "${!CNAMES[@]}"; do
            run_compressed "${CNAMES[$(((k + run - 1) % ${#CNAMES[@]}))]}" "$run"
        done
    done
    # Untimed: what the stored bytes are (the discard server keeps none): local files that must pass
    # gzip -t / zstd -t and decompress to the export, and gzip -6's size, the zstd size target.
    for codec in gzip zstd; do
        ext=.gz; [[ $codec == zstd ]] && ext=.zst
        CUR_EXPECT="$BYTES $ROWS $MD5 $POSSUM"
        CUR_KEY=${TMPDIR:-/tmp}/pigment-bench-$$.csv$ext
        [[ -d /dev/shm && -w /dev/shm ]] && CUR_KEY=/dev/shm/pigment-bench-$$.csv$ext
        # shellcheck disable=SC2046
        measure "verify-pe-$codec" 1 "$BYTES" check_compressed_file $(pe_cmd "$UUID" "$CUR_KEY" auto)
        rm -f "$OUT/summary.json"
    done
    [[ -s $CSV.gz6 ]] || { log "gzip -6 of the export (once, for its size)"; gzip -6 -c "$CSV" | wc -c >"$CSV.gz6"; }
    printf 'gzip6\t1\t%s\t0\t0\t0\t0\tref\t-\t%s\n' "$BYTES" "$(cat "$CSV.gz6")" >>"$RAW"
fi

# Reference rows: the local file sink, and Azurite (Blob API, smaller size: it is slow).
FILE_DEST=${TMPDIR:-/tmp}/pigment-bench-$$.csv
[[ -d /dev/shm && -w /dev/shm ]] && FILE_DEST=/dev/shm/pigment-bench-$$.csv
for run in $(seq "$RUNS"); do
    CUR_EXPECT="$BYTES $ROWS $MD5 $POSSUM"
    CUR_KEY=$FILE_DEST
    # shellcheck disable=SC2046
    measure pe-file "$run" "$BYTES" check_file $(pe_cmd "$UUID" "$FILE_DEST" auto)
    rm -f "$OUT/summary.json"
done

if [[ -x $ROOT/node_modules/.bin/azurite-blob ]]; then
    AZPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    "$ROOT/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZPORT" --inMemoryPersistence \
        --skipApiVersionCheck --loose --silent >>"$OUT/servers.log" 2>&1 &
    AZPID=$!
    PIDS+=("$AZPID")
    for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$AZPORT") 2>/dev/null && break; sleep 0.1; done
    az_request PUT "$AZPORT" /devstoreaccount1/bench $'\nrestype:container' '?restype=container' -o /dev/null
    read -r AZBYTES AZROWS AZMD5 AZPOSSUM <"$AZCSV.meta"
    for run in $(seq "$AZ_RUNS"); do
        CUR_EXPECT="$AZBYTES $AZROWS $AZMD5 $AZPOSSUM"
        CUR_KEY=pe-azurite-$run.csv
        # shellcheck disable=SC2046
        AZURE_STORAGE_SAS_TOKEN= AZURE_STORAGE_KEY=$AZ_KEY measure pe-azurite "$run" "$AZBYTES" check_azurite \
            $(pe_cmd "$UUIDAZ" "http://127.0.0.1:$AZPORT/devstoreaccount1/bench/$CUR_KEY" blob)
        rm -f "$OUT/summary.json"
    done
    # Stopped now, not at exit: it keeps a core busy for a while afterwards (in-memory blobs
    # freed), which would slow the rows below.
    kill "$AZPID" 2>/dev/null || true
    wait "$AZPID" 2>/dev/null || true
else
    log "Azurite not installed (npm ci): skipping the Azurite row"
fi

# Untimed MD5 pass: a second discard server keeps the bytes and hashes them in position /
# block-list order; its HEAD then reports that MD5, so the tool's own post-commit check also runs.
if [[ $VERIFY == 1 ]]; then
    start_server "$OUT/md5.port" "$BTOOLS/discard_server" --port-file "$OUT/md5.port" --md5
    MPORT=$(cat "$OUT/md5.port")
    CUR_EXPECT="$BYTES $ROWS $MD5 $POSSUM"
    CUR_DPORT=$MPORT
    for api in dfs blob; do
        CUR_KEY=/bench/verify-$api.csv
        # shellcheck disable=SC2046
        measure "verify-pe-$api" 1 "$BYTES" check_discard $(pe_cmd "$UUID" "http://127.0.0.1:$MPORT/devstoreaccount1$CUR_KEY" "$api")
    done
    CUR_KEY=/bench/verify-rclone.csv
    measure verify-rclone 1 "$BYTES" check_discard bash -c "$(rclone_cmd "$SRC_URL" "$MPORT" verify-rclone.csv)"
fi

# Memory scaling: SIZE and 8 x SIZE (header + 8 x the rows, streamed from the same file).
if [[ $SCALE == 1 ]]; then
    CUR_DPORT=$DPORT
    CUR_EXPECT="$BYTES $ROWS $MD5 $POSSUM"
    CUR_KEY=/bench/scale-1.csv
    # shellcheck disable=SC2046
    measure scale-1x 1 "$BYTES" check_discard $(pe_cmd "$UUID" "http://127.0.0.1:$DPORT/devstoreaccount1$CUR_KEY" dfs)
    CUR_EXPECT=$(meta_repeat "$CSV" 8)
    CUR_KEY=/bench/scale-8.csv
    # shellcheck disable=SC2046
    measure scale-8x 1 "$(awk '{print $1}' <<<"$CUR_EXPECT")" check_discard \
        $(pe_cmd "$UUID8" "http://127.0.0.1:$DPORT/devstoreaccount1$CUR_KEY" dfs)
fi

# Start-up: --help and --dry-run.
STARTUP_JSON=$OUT/startup.json
if [[ $STARTUP == 1 ]]; then
    DRY="$PE --dry-run --pigment-url http://127.0.0.1:$SPORT --block-type metric --block-id $UUID --dest http://127.0.0.1:$DPORT/devstoreaccount1/bench/dry.csv --storage-api dfs"
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N --warmup 5 --runs 50 --export-json "$STARTUP_JSON" "$PE --help" "$DRY" >"$OUT/hyperfine.txt" 2>&1 || true
    else
        python3 - "$PE" "$DRY" >"$STARTUP_JSON" <<'EOF'
import json, shlex, subprocess, sys, time
out = {"results": []}
for cmd in ([sys.argv[1], "--help"], shlex.split(sys.argv[2])):
    times = []
    for _ in range(50):
        t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); times.append(time.perf_counter() - t)
    times.sort()
    out["results"].append({"command": " ".join(cmd), "mean": sum(times) / len(times), "median": times[len(times)//2], "max": times[-1]})
print(json.dumps(out))
EOF
    fi
fi

log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_MD5_SPEED="$MD5_BEFORE $(md5_speed)" BENCH_LATENCY_MS=$LATENCY_MS python3 "$HERE/report.py" "$RAW" "$STARTUP_JSON" \
    "$SIZE" "$AZ_SIZE" "$RCLONE_CHUNK" "$TOOL_COMMIT" "$OUT/round_trips.tsv" | tee "$OUT/table.md"
log "results in $OUT"
