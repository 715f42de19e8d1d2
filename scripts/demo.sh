#!/usr/bin/env bash
# Installs, builds, starts the local stack (fake Pigment, fake IMDS + Key Vault, Azurite over
# HTTPS) and runs a full export: managed identity → Key Vault → Pigment → Blob Storage, then
# reads the blob back. Also exports the same block to a local file under ./out/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target pigment-export local_stack

env_file=$(mktemp)
./build/tests/local_stack >"$env_file" &
stack=$!
trap 'kill "$stack" 2>/dev/null || true; wait "$stack" 2>/dev/null || true; rm -f "$env_file"' EXIT
for _ in $(seq 1 300); do
    grep -q DEMO_READY "$env_file" && break
    kill -0 "$stack" 2>/dev/null || { echo "demo: the local stack failed to start" >&2; exit 1; }
    sleep 0.2
done
grep -q DEMO_READY "$env_file" || { echo "demo: the local stack did not become ready" >&2; exit 1; }
# shellcheck disable=SC1090
source "$env_file"

mkdir -p out
echo "== export: managed identity -> Key Vault -> Pigment -> Azure Blob Storage (Azurite, HTTPS, bearer token)"
./build/pigment-export --block-type metric --credential managed-identity \
    --dest "$DEMO_STORAGE_URL/pigment/{block_type}-{block_id}-{date}.csv" \
    --ca-bundle "$DEMO_CA_BUNDLE" --summary-json out/demo-summary.json
echo "summary: $(cat out/demo-summary.json)"

blob_url=$(sed -n 's/.*"destination":"\([^"]*\)".*/\1/p' out/demo-summary.json)
token=$(curl -sf -H 'Metadata: true' \
    "$AZURE_POD_IDENTITY_AUTHORITY_HOST/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://storage.azure.com/" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
curl -sf --cacert "$DEMO_CA_BUNDLE" -H "Authorization: Bearer $token" -H 'x-ms-version: 2021-08-06' \
    "$blob_url" -o out/demo-readback.csv
expected_md5=$(sed -n 's/.*"md5":"\([^"]*\)".*/\1/p' out/demo-summary.json)
actual_md5=$(openssl md5 -binary out/demo-readback.csv | openssl base64)
[[ "$expected_md5" == "$actual_md5" ]] || { echo "demo: read-back MD5 $actual_md5 != $expected_md5" >&2; exit 1; }
echo "read back $(wc -c <out/demo-readback.csv) bytes from $blob_url (MD5 $actual_md5 matches); first lines:"
head -4 out/demo-readback.csv

echo
echo "== export: the same block to a local file"
./build/pigment-export --block-type metric --credential managed-identity --progress off \
    --dest "out/{block_id}-{date}.csv" --summary-json out/demo-file-summary.json
echo
echo "The CSV landed in Azurite at $blob_url"
echo "and locally at $(sed -n 's/.*"destination":"\([^"]*\)".*/\1/p' out/demo-file-summary.json)"
