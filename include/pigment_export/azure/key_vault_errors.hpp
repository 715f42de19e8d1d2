#pragma once
// Key Vault answers → Failure with the inner error code and what to do about it.
#include <string>
#include <string_view>

#include "pigment_export/azure/key_vault_challenge.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::azure {

struct KeyVaultError {
    std::string code;        // "Forbidden", "SecretNotFound", "Unauthorized"
    std::string inner_code;  // the innermost innererror.code, e.g. "ForbiddenByRbac"
    std::string message;
};
KeyVaultError parse_key_vault_error(std::string_view body);

struct KeyVaultTarget {
    std::string host;  // the vault host[:port]
    std::string secret_name;
    std::string resource;  // the token audience we used
};

// Every answer's Failure ends with the vault's x-ms-request-id and the time of the answer.
Failure key_vault_failure(int status, const http::Headers& headers, std::string_view body,
                          const KeyVaultTarget& target);
// A 401 whose challenge must not be followed (`problem` from challenge_problem()).
Failure key_vault_challenge_refused(const BearerChallenge& challenge, const std::string& problem,
                                    const http::Headers& headers, const KeyVaultTarget& target);
Failure key_vault_unreachable(const http::TransportError& error, const KeyVaultTarget& target);

}  // namespace pe::azure
