#pragma once
// Stage 1: the Pigment API key, from Key Vault (through an Azure credential), from
// --api-key-file, or from PIGMENT_API_KEY.
#include <functional>
#include <memory>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe {

// Creates the Azure credential on first use and shares it between Key Vault and storage.
using CredentialProvider = std::function<azure::TokenCredential&()>;

// Throws Failure (stage secret).
Secret obtain_api_key(const Config& config, const EnvLookup& env, const CredentialProvider& credential);

// A short description of where the key comes from, for logs and the dry-run plan.
std::string describe_key_source(const Config& config);

}  // namespace pe
