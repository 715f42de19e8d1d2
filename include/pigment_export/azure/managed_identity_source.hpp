#pragma once
// Managed identity: which host we run on (detected from the environment exactly as the Azure
// SDKs do) and the pieces every host's source shares.
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "pigment_export/azure/managed_identity_id.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/http/retry_policy.hpp"

namespace pe::azure {

enum class ManagedIdentityHost {
    app_service,
    app_service_2017,
    machine_learning,
    cloud_shell,
    arc,
    service_fabric,
    imds
};

// Service Fabric is checked first: it sets the App Service variables too, and taking the App
// Service path there would send the identity header to the wrong protocol.
ManagedIdentityHost detect_managed_identity_host(const EnvLookup& env);

// Where the Arc agent writes its challenge key files on this platform.
std::filesystem::path platform_arc_key_dir();

struct ManagedIdentityOptions {
    ManagedIdentityId id;
    NetworkSettings network;
    // Inside the auto chain: IMDS is probed with a 1 s connect timeout, and "no endpoint" or
    // "no identity assigned" make the source unavailable instead of failing the run.
    bool in_chain = false;
    std::filesystem::path arc_key_dir = platform_arc_key_dir();
};

std::unique_ptr<TokenCredential> make_managed_identity_credential(const EnvLookup& env,
                                                                  const ManagedIdentityOptions& options);

// Shared by the sources below.
http::ClientOptions managed_identity_client_options(const NetworkSettings& network);

// A managed-identity endpoint's answer → the token, or the Failure. In the chain, "no such
// identity here" (400) and a refusal (401/403) make the source unavailable: a 403 on the IMDS
// address is as often a firewall or egress filter answering in its place as IMDS itself.
// `refused_hint` says what a 401/403 means for this host.
AccessToken managed_identity_token(http::Response& response, std::string_view source, std::string_view host,
                                   const ManagedIdentityId& id, bool in_chain, std::string_view refused_hint);

// No response at all from a managed-identity endpoint.
[[noreturn]] void throw_managed_identity_unreachable(const http::TransportError& error, std::string_view source,
                                                     bool in_chain);

// A platform's identity endpoint (App Service, Arc, the 2017 MSI protocol) as a source asks it:
// one client without proxy, three retries, and the endpoint's host for the errors to name.
struct PlatformEndpoint {
    http::Client& client;
    const http::RetryPolicy& policy;
    std::string host;
};

// Runs `exchange` against `endpoint`; a TransportError it lets through becomes
// throw_managed_identity_unreachable for `source` (outside the chain: these hosts are detected
// from their own variables, so an endpoint that does not answer is a fault).
AccessToken ask_platform_endpoint(const std::string& endpoint, const NetworkSettings& network, std::string_view source,
                                  const std::function<AccessToken(PlatformEndpoint&)>& exchange);

}  // namespace pe::azure
