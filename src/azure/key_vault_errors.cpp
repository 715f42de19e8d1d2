#include "pigment_export/azure/key_vault_errors.hpp"

#include <nlohmann/json.hpp>

#include <regex>

#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/http/transport_failure.hpp"

namespace pe::azure {

namespace {

std::string challenge_value(const std::string& full_header, const char* name) {
    // Real challenges are a few hundred bytes; std::regex recurses per character, so a huge
    // header from a misbehaving server must not reach it.
    const std::string header = full_header.substr(0, 1024);
    std::regex re(std::string(R"re((?:^|[\s,]))re") + name + R"re(\s*=\s*"([^"]*)")re", std::regex::icase);
    std::smatch m;
    return std::regex_search(header, m, re) ? m[1].str() : std::string();
}

std::string shorten(std::string text) {
    if (text.size() > 300) {
        text.resize(297);
        text += "...";
    }
    return text;
}

}  // namespace

BearerChallenge parse_bearer_challenge(std::string_view header) {
    std::string text(header);
    BearerChallenge out;
    out.authorization = challenge_value(text, "authorization");
    if (out.authorization.empty()) out.authorization = challenge_value(text, "authorization_uri");
    out.resource = challenge_value(text, "resource");
    if (out.resource.empty()) {
        out.resource = challenge_value(text, "scope");
        constexpr std::string_view kDefault = "/.default";
        if (out.resource.size() > kDefault.size() &&
            std::string_view(out.resource).substr(out.resource.size() - kDefault.size()) == kDefault) {
            out.resource.resize(out.resource.size() - kDefault.size());
        }
    }
    return out;
}

KeyVaultError parse_key_vault_error(std::string_view body) {
    KeyVaultError out;
    nlohmann::json json = parse_bounded_json(body);
    if (json.is_discarded() || !json.is_object() || !json.contains("error") || !json["error"].is_object()) {
        return out;
    }
    const nlohmann::json* error = &json["error"];
    out.code = error->value("code", std::string());
    out.message = shorten(error->value("message", std::string()));
    // innererror nests; the innermost code is the most specific one.
    for (const nlohmann::json* inner = error; inner->contains("innererror") && (*inner)["innererror"].is_object();) {
        inner = &(*inner)["innererror"];
        if (auto code = inner->value("code", std::string()); !code.empty()) out.inner_code = code;
    }
    return out;
}

Failure key_vault_failure(int status, const http::Headers& headers, std::string_view body, const KeyVaultTarget& target) {
    KeyVaultError error = parse_key_vault_error(body);
    std::string code = error.inner_code.empty() ? error.code : error.inner_code;
    std::string secret = "secret '" + target.secret_name + "' in " + target.host;
    std::string detail = error.message.empty() ? std::string() : ": " + error.message;
    auto failure = [&](std::string message, std::string hint) {
        return Failure(FailureInfo{Stage::secret, status, code, std::move(message), std::move(hint)});
    };

    if (status == 401) {
        BearerChallenge challenge = parse_bearer_challenge(find_header(headers, "WWW-Authenticate").value_or(""));
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

Failure key_vault_unreachable(const http::TransportError& error, const KeyVaultTarget& target) {
    return Failure(http::describe_transport_failure(
        error, {Stage::secret, "Key Vault at " + target.host,
                "check --key-vault-url, DNS, HTTPS_PROXY/NO_PROXY and the vault's network rules"}));
}

}  // namespace pe::azure
