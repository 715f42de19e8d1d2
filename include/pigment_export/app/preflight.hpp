#pragma once
// `pigment-export check ...`: every stage is tried without moving data: the credential gets
// its tokens, the Key Vault secret is read, Pigment accepts the key for the block, and the
// destination takes (then loses) a one-byte probe. One line per check on stdout.
#include "pigment_export/app/lazy_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"

namespace pe {

// Returns the exit code of the first failing check's stage, or 0.
int run_preflight(const Config& config, const EnvLookup& env, LazyCredential& credential);

}  // namespace pe
