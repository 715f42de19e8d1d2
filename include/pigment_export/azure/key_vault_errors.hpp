#pragma once
// Key Vault answers → Failure with the inner error code and what to do about it.
#include <string>
#include <string_view>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::azure {

// `WWW-Authenticate: Bearer authorization="https://login.windows.net/<tenant>", resource="..."`
// (variants say authorization_uri and scope).
struct BearerChallenge {
    std::string authorization;
    std::string resource;  // resource, or scope without /.default
};
BearerChallenge parse_bearer_challenge(std::string_view header);

struct KeyVaultError {
    std::string code;        // "Forbidden", "SecretNotFound", "Unauthorized"
    std::string inner_code;  // the innermost innererror.code, e.g. "ForbiddenByRbac"
    std::string message;
};
KeyVaultError parse_key_vault_error(std::string_view body);

struct KeyVaultTarget {
    std::string host;         // the vault host[:port]
    std::string secret_name;
    std::string resource;     // the token audience we used
};

Failure key_vault_failure(int status, const http::Headers& headers, std::string_view body, const KeyVaultTarget& target);
Failure key_vault_unreachable(const http::TransportError& error, const KeyVaultTarget& target);

}  // namespace pe::azure
