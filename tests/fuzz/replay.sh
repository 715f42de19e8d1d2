#!/usr/bin/env bash
# Replays every reproducer in tests/fuzz/crashes/ through its target, without tolerance for
# known findings: each was a crash or undefined behaviour, and must now pass. The target is the
# file name's prefix (e.g. token_response-expiry-year-3017.bin → fuzz_token_response).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${PE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
"$root/tests/fuzz/build.sh" >/dev/null
unset PE_FUZZ_TOLERATE_KNOWN
failed=0
for input in "$root"/tests/fuzz/crashes/*.bin; do
    name=$(basename "$input")
    target=""
    for t in csv_record_counter destination command_line config_file manifest api_key token_response key_vault_errors entra_errors \
             storage_errors export_errors retry_after key_vault_challenge; do
        [[ "$name" == "$t-"* ]] && target=$t
    done
    if [[ -z "$target" ]]; then
        echo "replay: no target for $name" >&2
        failed=1
        continue
    fi
    if "$out/fuzz_$target" "$input" >"$out/replay-$name.log" 2>&1; then
        echo "replay: ok      $name"
    else
        echo "replay: FAILED  $name (see $out/replay-$name.log)" >&2
        failed=1
    fi
done
exit "$failed"
