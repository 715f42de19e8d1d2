#pragma once
// An Azure credential: something that returns an access token for a resource.
#include <chrono>
#include <memory>
#include <string>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::azure {

struct AccessToken {
    Secret token;
    std::chrono::system_clock::time_point expires_on;
};

// What a token is for. `resource` like "https://vault.azure.net" or "https://storage.azure.com/";
// `tenant` is the one a Key Vault challenge named (empty: the credential's own). Client
// secret, workload identity and the Azure CLI ask that tenant; a managed identity lives in one
// tenant and ignores it.
struct TokenRequest {
    std::string resource;
    std::string tenant = {};
};

class TokenCredential {
public:
    virtual ~TokenCredential() = default;
    // Throws Failure (stage secret) when no token can be had.
    virtual AccessToken get_token(const TokenRequest& request) = 0;
    virtual std::string name() const = 0;
};

// The credential selected by --credential (auto: the chain), with a per-resource token cache
// that refreshes ahead of expiry. Thread-safe.
std::shared_ptr<TokenCredential> make_credential(const SecretSettings& settings, const NetworkSettings& network,
                                                 const EnvLookup& env);

}  // namespace pe::azure
