#pragma once
// Key Vault Get Secret: GET {vault}/secrets/{name}[/{version}]?api-version=7.5 → value, following
// the vault's 401 challenge once (azure/key_vault_challenge).
#include <string>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::azure {

// A GA api-version, pinned: the SDK default is a preview.
inline constexpr const char* kKeyVaultApiVersion = "7.5";

// The request URL. Throws Failure (stage usage) for a vault URL that is not https (plain http
// is accepted for loopback test fakes only), a secret name outside [0-9A-Za-z-], or a version
// that is not 32 hex digits.
std::string key_vault_secret_url(const std::string& vault_url, const std::string& name, const std::string& version);

// The first GET carries a token for the resource the vault's host implies; a 401 challenge that
// names another resource or a tenant, and passes challenge_problem(), is followed once with a
// token for those. Throws Failure (stage secret) with an actionable hint on every error.
Secret read_key_vault_secret(TokenCredential& credential, const SecretSettings& settings,
                             const NetworkSettings& network, unsigned max_retries);

}  // namespace pe::azure
