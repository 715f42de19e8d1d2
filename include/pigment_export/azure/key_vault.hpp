#pragma once
// Key Vault Get Secret: GET {vault}/secrets/{name}[/{version}]?api-version=7.5 → value.
#include <string>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::azure {

// Throws Failure (stage secret) with an actionable hint on every error.
Secret read_key_vault_secret(TokenCredential& credential, const SecretSettings& settings,
                             const NetworkSettings& network, unsigned max_retries);

}  // namespace pe::azure
