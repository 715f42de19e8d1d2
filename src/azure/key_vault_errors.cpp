#include "pigment_export/azure/key_vault_errors.hpp"

#include <nlohmann/json.hpp>

#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/http/transport_failure.hpp"

namespace pe::azure {

namespace {

std::string shorten(std::string text) {
    if (text.size() > 300) {
        text.resize(297);
        text += "...";
    }
    return text;
}

}  // namespace

KeyVaultError parse_key_vault_error(std::string_view body) {
    KeyVaultError out;
    nlohmann::json json = parse_bounded_json(body);
    if (json.is_discarded() || !json.is_object() || !json.contains("error") || !json["error"].is_object()) {
        return out;
    }
    const nlohmann::json* error = &json["error"];
    out.code = string_member(*error, "code");
    out.message = shorten(string_member(*error, "message"));
    // innererror nests; the innermost code is the most specific one.
    for (const nlohmann::json* inner = error; inner->contains("innererror") && (*inner)["innererror"].is_object();) {
        inner = &(*inner)["innererror"];
        if (auto code = string_member(*inner, "code"); !code.empty()) out.inner_code = code;
    }
    return out;
}

Failure key_vault_failure(int status, const http::Headers& headers, std::string_view body,
                          const KeyVaultTarget& target) {
    KeyVaultError error = parse_key_vault_error(body);
    std::string code = error.inner_code.empty() ? error.code : error.inner_code;
    std::string secret = "secret '" + target.secret_name + "' in " + target.host;
    std::string detail = error.message.empty() ? std::string() : ": " + error.message;
    auto failure = [&](std::string message, std::string hint) {
        return Failure(http::with_service_trace(
            FailureInfo{Stage::secret, status, code, std::move(message), std::move(hint)}, headers));
    };

    if (status == 401) {
        BearerChallenge challenge =
            parse_bearer_challenge(find_header(headers, "WWW-Authenticate").value_or("")).value_or(BearerChallenge{});
        std::string expected = challenge.resource.empty() ? std::string("?") : challenge.resource;
        std::string authority = challenge.authorization.empty() ? std::string("?") : challenge.authorization;
        return failure("Key Vault rejected the token for " + secret + " (it expects authorization=" + authority +
                           ", resource=" + expected + "; we sent a token for " + target.resource + ")",
                       "the identity must belong to the vault's tenant (" + authority +
                           "), and the token's resource must match; check AZURE_TENANT_ID / AZURE_AUTHORITY_HOST");
    }
    if (status == 403 && code == "ForbiddenByRbac") {
        return failure("the identity has no role that allows reading " + secret + detail,
                       "grant the identity the \"Key Vault Secrets User\" role on the vault (or the secret)");
    }
    if (status == 403 && code == "AccessDenied") {
        return failure("the vault's access policies do not let the identity read " + secret + detail,
                       "add an access policy with the Get permission on secrets for the identity, or switch the "
                       "vault to Azure RBAC and grant \"Key Vault Secrets User\"");
    }
    if (status == 403 && code == "ForbiddenByFirewall") {
        return failure("the vault's firewall refused this machine's address for " + secret + detail,
                       "allow this network (or its outbound IP) in the vault's Networking settings, or use a private "
                       "endpoint");
    }
    if (status == 403 && code == "SecretDisabled") {
        return failure(secret + " is disabled",
                       "enable the secret (or this version of it) in the vault, or use --secret-version for another");
    }
    if (status == 403) {
        return failure("Key Vault refused to read " + secret + detail,
                       "grant the identity \"Key Vault Secrets User\" on the vault and check its network rules");
    }
    if (status == 404) {
        if (code.empty()) code = "SecretNotFound";
        return failure(secret + " does not exist" + detail,
                       "check --secret-name and --secret-version (a deleted secret must be recovered first)");
    }
    if (status == 429) {
        return failure("Key Vault kept throttling the request for " + secret + detail,
                       "too many requests to this vault; retry later or raise --max-retries");
    }
    if (status >= 500) {
        return failure("Key Vault failed while reading " + secret + detail, "the service is unwell; retry later");
    }
    return failure("Key Vault answered HTTP " + std::to_string(status) + " for " + secret + detail,
                   "check --key-vault-url and --secret-name");
}

Failure key_vault_challenge_refused(const BearerChallenge& challenge, const std::string& problem,
                                    const http::Headers& headers, const KeyVaultTarget& target) {
    std::string authority = challenge.authorization.empty() ? std::string("?") : challenge.authorization;
    return Failure(http::with_service_trace(
        FailureInfo{Stage::secret, 401, "Unauthorized",
                    "Key Vault at " + target.host + " refused the token for secret '" + target.secret_name +
                        "' and its challenge (authorization=" + authority + ", resource=" + challenge.resource +
                        ") cannot be followed: " + problem + "; no token was requested for it",
                    "check that --key-vault-url is the vault's own URL (https://<name>.vault.azure.net), not a "
                    "proxy or an alias in another domain"},
        headers));
}

Failure key_vault_unreachable(const http::TransportError& error, const KeyVaultTarget& target) {
    return Failure(http::describe_transport_failure(
        error, {Stage::secret, "Key Vault at " + target.host,
                "check --key-vault-url, DNS, HTTPS_PROXY/NO_PROXY and the vault's network rules"}));
}

}  // namespace pe::azure
