#include "pigment_export/azure/key_vault.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "pigment_export/azure/cloud.hpp"
#include "pigment_export/azure/endpoint_url.hpp"
#include "pigment_export/azure/key_vault_challenge.hpp"
#include "pigment_export/azure/key_vault_errors.hpp"
#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/pigment/api_key.hpp"

namespace pe::azure {

namespace {

bool all_of(const std::string& text, bool (*allowed)(char)) {
    return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}

Secret secret_value(http::Response& response, const KeyVaultTarget& target) {
    std::string where = "Key Vault at " + target.host;
    if (response.body_truncated) {
        wipe(response.body);
        throw Failure(FailureInfo{Stage::secret, 200, "ApiKeyMalformed",
                                  where + " sent a secret '" + target.secret_name + "' larger than the tool reads",
                                  "check --secret-name: the secret must hold only the Pigment API key"});
    }
    // Secrets are at most 25 KB; the bound only keeps a hostile answer from exhausting the stack.
    nlohmann::json json = parse_bounded_json(response.body, JsonBounds{response.body.size(), 8});
    wipe(response.body);
    auto value = json.is_object() ? json.find("value") : json.end();
    if (json.is_discarded() || value == json.end() || !value->is_string()) {
        throw Failure(FailureInfo{Stage::secret,
                                  200,
                                  {},
                                  where + " sent no secret value for '" + target.secret_name + "'",
                                  "check that --key-vault-url points at the vault itself"});
    }
    std::string text = std::move(value->get_ref<std::string&>());
    return pigment::checked_api_key(std::move(text), pigment::ApiKeyOrigin::key_vault,
                                    "secret '" + target.secret_name + "' in " + target.host);
}

Secret bearer(TokenCredential& credential, const TokenRequest& request) {
    return Secret("Bearer " + credential.get_token(request).token.reveal());
}

http::Response get_secret(http::Client& client, const http::RetryPolicy& policy, const std::string& url,
                          const Secret& authorization, const KeyVaultTarget& target) {
    try {
        return http::send_with_retry(client, policy, [&] {
            http::Request request;
            request.url = url;
            request.headers = {{"Authorization", authorization.reveal()},
                               {"Accept", "application/json"},
                               http::client_request_id_header()};
            return request;
        });
    } catch (const http::TransportError& e) {
        cancellation::throw_if_requested();
        throw key_vault_unreachable(e, target);
    }
}

// A challenge is worth one more request only when it could change the token: another resource,
// or a tenant (ours may be another; a managed identity just gets its own token again).
bool names_another_token(const BearerChallenge& challenge, const std::string& used_resource) {
    if (challenge.resource.empty()) return false;
    return without_trailing_slashes(challenge.resource) != without_trailing_slashes(used_resource) ||
           !challenge.tenant.empty();
}

}  // namespace

std::string key_vault_secret_url(const std::string& vault_url, const std::string& name, const std::string& version) {
    auto url = parse_endpoint_url(vault_url);
    if (!url || !is_tls_or_loopback(*url)) {
        throw Failure(Stage::usage, "--key-vault-url must be an https URL, e.g. https://myvault.vault.azure.net",
                      "use the vault's URI from the portal's Overview page");
    }
    if (!all_of(name, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }) ||
        name.size() > 127) {
        throw Failure(Stage::usage, "--secret-name may hold only letters, digits and '-' (1 to 127 characters)");
    }
    if (!version.empty() && (version.size() != 32 || !all_of(version, [](char c) {
                                 return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                             }))) {
        throw Failure(Stage::usage, "--secret-version must be a 32-digit hexadecimal version id");
    }
    std::string out = url->scheme + "://" + url->host + "/secrets/" + name;
    if (!version.empty()) out += "/" + version;
    return out + "?api-version=" + kKeyVaultApiVersion;
}

Secret read_key_vault_secret(TokenCredential& credential, const SecretSettings& settings,
                             const NetworkSettings& network, unsigned max_retries) {
    std::string url = key_vault_secret_url(settings.key_vault_url, settings.secret_name, settings.secret_version);
    EndpointUrl vault = *parse_endpoint_url(url);
    KeyVaultTarget target{vault.host, settings.secret_name,
                          cloud_endpoints(settings.key_vault_url, process_env()).key_vault_resource};

    http::ClientOptions options = http::client_options_for(network);
    http::Client client(options);
    http::RetryPolicy policy;
    policy.max_retries = max_retries;
    // Key Vault's throttling guidance: back off 1, 2, 4, 8, 16 s.
    policy.base_delay = std::chrono::milliseconds(1000);

    // Pre-authenticated with the resource the vault's host implies: right for every vault in the
    // known clouds, and one round trip fewer than asking for the challenge first.
    http::Response response = get_secret(client, policy, url, bearer(credential, {target.resource}), target);
    if (response.status == 401) {
        auto challenge = parse_bearer_challenge(find_header(response.headers, "WWW-Authenticate").value_or(""));
        if (challenge && names_another_token(*challenge, target.resource)) {
            if (auto problem = challenge_problem(*challenge, vault.hostname)) {
                throw key_vault_challenge_refused(*challenge, *problem, response.headers, target);
            }
            spdlog::debug("Key Vault challenge: resource {}, tenant {}; asking once more", challenge->resource,
                          challenge->tenant.empty() ? std::string("(the credential's own)") : challenge->tenant);
            target.resource = challenge->resource;
            response =
                get_secret(client, policy, url, bearer(credential, {challenge->resource, challenge->tenant}), target);
        }
    }
    if (response.status != 200) {
        throw key_vault_failure(response.status, response.headers, response.body, target);
    }
    return secret_value(response, target);
}

}  // namespace pe::azure
