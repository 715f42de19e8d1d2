#!/usr/bin/env bash
# The conformance tier (docs/wire-conformance.md): the official Azure SDKs for JavaScript against
# the fakes, and the binary's requests compared with theirs.
#   run.sh FAKE_SERVICES_BINARY PIGMENT_EXPORT_BINARY
# Exit 77 (ctest SKIP_RETURN_CODE) only when node is missing; missing SDK packages are a failure.
set -euo pipefail
here="$(cd "${0%/*}" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v node >/dev/null 2>&1; then
    echo "conformance: node is not installed; skipped"
    exit 77
fi
# The pinned SDKs declare engines node >= 20 (Debian 12's nodejs is 18).
if (( $(node -p 'process.versions.node.split(".")[0]') < 20 )); then
    echo "conformance: node $(node --version) is too old: the pinned Azure SDKs need node 20 or later" >&2
    exit 1
fi
for package in @azure/identity @azure/keyvault-secrets @azure/storage-file-datalake @azure/storage-blob azurite; do
    if [[ ! -f "$root/node_modules/$package/package.json" ]]; then
        echo "conformance: $package is missing from node_modules: run 'npm ci' (or ./scripts/install-deps.sh)" >&2
        exit 1
    fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The https recorders' certificate: node reads NODE_EXTRA_CA_CERTS only at start, so it is made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

export PE_FAKE_SERVICES="$1" PE_BINARY="$2" PE_TLS_CERT="$work/cert.pem" PE_TLS_KEY="$work/key.pem"
export NODE_EXTRA_CA_CERTS="$work/cert.pem"
# The SDKs must see only what each test sets.
unset AZURE_CLIENT_ID AZURE_TENANT_ID AZURE_CLIENT_SECRET AZURE_FEDERATED_TOKEN_FILE AZURE_AUTHORITY_HOST \
      IDENTITY_ENDPOINT IDENTITY_HEADER IMDS_ENDPOINT MSI_ENDPOINT MSI_SECRET AZURE_POD_IDENTITY_AUTHORITY_HOST \
      HTTP_PROXY HTTPS_PROXY http_proxy https_proxy
export PE_CONFORMANCE_USED="$work/used-rows"
mkdir "$PE_CONFORMANCE_USED"
cd "$root"
node --test --test-reporter=spec "$here"/*.test.mjs
node "$here/lib/stale_rows.mjs" "$PE_CONFORMANCE_USED"
