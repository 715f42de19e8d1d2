#include "pigment_export/azure/managed_identity_source.hpp"

#include <nlohmann/json.hpp>

#include "pigment_export/azure/app_service_source.hpp"
#include "pigment_export/azure/arc_source.hpp"
#include "pigment_export/azure/credential_unavailable.hpp"
#include "pigment_export/azure/endpoint_url.hpp"
#include "pigment_export/azure/imds_source.hpp"
#include "pigment_export/azure/legacy_msi_source.hpp"
#include "pigment_export/azure/token_response.hpp"
#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/http/transport_failure.hpp"

namespace pe::azure {

namespace {

// The platform's endpoint secret goes into a request header; a value a script mangled (a line
// break, a quote) must fail here, named, rather than inject a header or look like a refusal.
Secret platform_secret(const EnvLookup& env, const char* name) {
    Secret secret(env(name).value_or(""));
    if (auto problem = credential_text_problem(secret.reveal(), 4096)) {
        throw Failure(FailureInfo{Stage::secret, 0, "CredentialMalformed", std::string(name) + " " + *problem,
                                  std::string("the hosting platform sets ") + name +
                                      "; if a script or deployment sets it by hand, fix or unset it"});
    }
    return secret;
}

struct EndpointError {
    std::string code;
    std::string description;
};

// {"error": "...", "error_description": "..."}; App Service may nest {"error": {"code", "message"}}.
EndpointError endpoint_error(std::string_view body) {
    EndpointError out;
    nlohmann::json json = parse_bounded_json(body);
    if (json.is_discarded() || !json.is_object()) {
        return out;
    }
    auto error = json.find("error");
    if (error != json.end() && error->is_string()) {
        out.code = error->get<std::string>();
        out.description = string_member(json, "error_description");
    } else if (error != json.end() && error->is_object()) {
        out.code = string_member(*error, "code");
        out.description = string_member(*error, "message");
    }
    if (out.description.size() > 300) {
        out.description.resize(300);
    }
    return out;
}

std::string identity_hint(const ManagedIdentityId& id) {
    if (id.user_assigned()) {
        return "assign " + id.describe() + " to this resource, or fix --client-id / AZURE_CLIENT_ID";
    }
    return "enable the system-assigned identity on this resource, or pass --client-id for a user-assigned one";
}

}  // namespace

ManagedIdentityHost detect_managed_identity_host(const EnvLookup& env) {
    bool identity_endpoint = env("IDENTITY_ENDPOINT").has_value();
    if (identity_endpoint && env("IDENTITY_HEADER") && env("IDENTITY_SERVER_THUMBPRINT")) {
        return ManagedIdentityHost::service_fabric;
    }
    if (identity_endpoint && env("IDENTITY_HEADER")) {
        return ManagedIdentityHost::app_service;
    }
    if (env("MSI_ENDPOINT")) {
        if (!env("MSI_SECRET")) return ManagedIdentityHost::cloud_shell;
        // Azure Machine Learning compute speaks the 2017 protocol and always sets this too.
        auto default_id = env("DEFAULT_IDENTITY_CLIENT_ID");
        return default_id && !default_id->empty() ? ManagedIdentityHost::machine_learning
                                                  : ManagedIdentityHost::app_service_2017;
    }
    if (identity_endpoint && env("IMDS_ENDPOINT")) {
        return ManagedIdentityHost::arc;
    }
    return ManagedIdentityHost::imds;
}

std::filesystem::path platform_arc_key_dir() {
    return "/var/opt/azcmagent/tokens";
}

std::unique_ptr<TokenCredential> make_managed_identity_credential(const EnvLookup& env,
                                                                  const ManagedIdentityOptions& options) {
    auto host = detect_managed_identity_host(env);
    switch (host) {
        case ManagedIdentityHost::app_service:
            return std::make_unique<AppServiceSource>(*env("IDENTITY_ENDPOINT"),
                                                      platform_secret(env, "IDENTITY_HEADER"), options.id,
                                                      options.network, options.in_chain);
        case ManagedIdentityHost::app_service_2017:
            return std::make_unique<LegacyMsiSource>(*env("MSI_ENDPOINT"), platform_secret(env, "MSI_SECRET"),
                                                     options.id, options.network, options.in_chain);
        case ManagedIdentityHost::machine_learning:
            return std::make_unique<LegacyMsiSource>(*env("MSI_ENDPOINT"), platform_secret(env, "MSI_SECRET"),
                                                     options.id, options.network, options.in_chain,
                                                     *env("DEFAULT_IDENTITY_CLIENT_ID"));
        case ManagedIdentityHost::cloud_shell:
            return std::make_unique<LegacyMsiSource>(*env("MSI_ENDPOINT"), std::nullopt, options.id, options.network,
                                                     options.in_chain);
        case ManagedIdentityHost::arc:
            if (options.id.user_assigned()) {
                throw Failure(Stage::secret, "Azure Arc supports only the machine's system-assigned identity",
                              "remove --client-id / AZURE_CLIENT_ID, or use a client secret or workload identity");
            }
            return std::make_unique<ArcSource>(*env("IDENTITY_ENDPOINT"), options.arc_key_dir, options.network,
                                               options.in_chain);
        case ManagedIdentityHost::service_fabric:
            return std::make_unique<UnconfiguredCredential>(
                "managed identity (Service Fabric)", "Service Fabric managed identity is not supported",
                "use a client secret (AZURE_CLIENT_SECRET) or workload identity instead");
        case ManagedIdentityHost::imds:
            break;
    }
    return std::make_unique<ImdsSource>(env("AZURE_POD_IDENTITY_AUTHORITY_HOST").value_or(kImdsDefaultHost), options.id,
                                        options.network, options.in_chain);
}

http::ClientOptions managed_identity_client_options(const NetworkSettings& network) {
    http::ClientOptions options = http::client_options_for(network);
    // Managed-identity endpoints are local to the host; a proxy would at best not reach them.
    options.use_proxy = false;
    return options;
}

AccessToken managed_identity_token(http::Response& response, std::string_view source, std::string_view host,
                                   const ManagedIdentityId& id, bool in_chain, std::string_view refused_hint) {
    std::string where = std::string(source) + " at " + std::string(host);
    if (response.status >= 200 && response.status < 300) {
        return token_from_answer(response.body, response.status, where,
                                 "the managed-identity endpoint misbehaves; retry later or use another --credential");
    }
    EndpointError error = endpoint_error(response.body);
    std::string detail = error.description.empty() ? std::string() : " (" + error.description + ")";
    if (response.status == 400) {
        std::string message = where + " has no token for " + id.describe() + detail;
        if (in_chain) {
            throw CredentialUnavailable(message, identity_hint(id));
        }
        throw Failure(http::with_service_trace(
            FailureInfo{Stage::secret, response.status, error.code, message, identity_hint(id)}, response.headers));
    }
    if (response.status == 401 || response.status == 403) {
        std::string message = where + " refused the request (HTTP " + std::to_string(response.status) + ")" + detail;
        if (in_chain) {
            throw CredentialUnavailable(message, std::string(refused_hint));
        }
        throw Failure(http::with_service_trace(
            FailureInfo{Stage::secret, response.status, error.code, message, std::string(refused_hint)},
            response.headers));
    }
    throw Failure(
        http::with_service_trace(FailureInfo{Stage::secret, response.status, error.code, where + " failed" + detail,
                                             "the managed-identity endpoint is unwell; retry later"},
                                 response.headers));
}

void throw_managed_identity_unreachable(const http::TransportError& error, std::string_view source, bool in_chain) {
    cancellation::throw_if_requested();
    FailureInfo info = http::describe_transport_failure(
        error, {Stage::secret, std::string(source) + " at " + error.host(),
                "run on an Azure host with a managed identity, or choose another --credential"});
    // Only an endpoint that is not there means "no managed identity here"; one that answers
    // garbage or fails TLS is a fault to report, even inside the chain.
    if (in_chain && error.kind() == http::TransportKind::network) {
        throw CredentialUnavailable(info.message, "this machine has no managed-identity endpoint");
    }
    throw Failure(std::move(info));
}

AccessToken ask_platform_endpoint(const std::string& endpoint, const NetworkSettings& network, std::string_view source,
                                  const std::function<AccessToken(PlatformEndpoint&)>& exchange) {
    auto parsed = parse_endpoint_url(endpoint);
    try {
        http::Client client(managed_identity_client_options(network));
        http::RetryPolicy policy;
        policy.max_retries = 3;
        PlatformEndpoint target{client, policy, parsed ? parsed->host : endpoint};
        return exchange(target);
    } catch (const http::TransportError& e) {
        throw_managed_identity_unreachable(e, source, false);
    }
}

}  // namespace pe::azure
