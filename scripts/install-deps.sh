#!/usr/bin/env bash
# Installs what building and testing need, only when something is missing:
# Debian packages through apt-get, and the pinned npm test packages (Azurite, the Azure SDKs) through
# npm ci (package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config git openssl ca-certificates curl
          libcurl4-openssl-dev libssl-dev libcli11-dev nlohmann-json3-dev libspdlog-dev
          catch2 libcpp-httplib-dev clang libclang-rt-14-dev libtomlplusplus-dev
          libisal-dev libzstd-dev gzip zstd clang-format clang-tidy)
# gzip and zstd: the tests check stored files with `gzip -t` / `zstd -t`. pigz, the benchmark's
# peer, is installed by bench/run.sh, which alone uses it.
# Node.js may come from outside Debian (this machine image ships its own); any working npm will do.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}"
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Every devDependency (Azurite, the Azure SDKs of the conformance tier) at its pinned version.
if ! node -e '
    const pkg = require("./package.json");
    for (const [name, version] of Object.entries(pkg.devDependencies)) {
        try { if (require(`./node_modules/${name}/package.json`).version !== version) process.exit(1); }
        catch { process.exit(1); }
    }' 2>/dev/null; then
    echo "install-deps: installing the npm test packages (pinned in package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
fi
