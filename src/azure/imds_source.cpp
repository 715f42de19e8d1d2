#include "pigment_export/azure/imds_source.hpp"

#include "pigment_export/azure/endpoint_url.hpp"
#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"

namespace pe::azure {

namespace {

constexpr std::chrono::milliseconds kProbeConnectTimeout{1000};

}  // namespace

bool imds_is_transient(int status) {
    return status == 404 || status == 408 || status == 410 || status == 429 || (status >= 500 && status <= 599);
}

http::RetryPolicy imds_retry_policy() {
    // With imds_jitter the waits are at least 0.5, 1, 2, 4 and then 8 s each: twelve retries
    // wait at least 71.5 s, and the total cap (120 s) can only stop the loop after 104 s.
    http::RetryPolicy policy;
    policy.max_retries = 12;
    policy.base_delay = std::chrono::milliseconds(1000);
    policy.max_delay = std::chrono::milliseconds(16'000);
    policy.max_total = std::chrono::milliseconds(120'000);
    return policy;
}

double imds_jitter(double random01) {
    return 0.5 + 0.5 * random01;
}

ImdsSource::ImdsSource(const std::string& base_url, ManagedIdentityId id, NetworkSettings network, bool in_chain)
    : base_url_(without_trailing_slashes(base_url)),
      id_(std::move(id)),
      network_(std::move(network)),
      in_chain_(in_chain) {
    if (base_url_.find("://") == std::string::npos) {
        base_url_ = "http://" + base_url_;
    }
}

http::Request ImdsSource::build_request(const std::string& resource) const {
    std::string url =
        base_url_ + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + percent_encode(resource);
    switch (id_.kind) {
        case ManagedIdentityId::Kind::client_id:
            url += "&client_id=" + percent_encode(id_.value);
            break;
        case ManagedIdentityId::Kind::resource_id:
            url += "&msi_res_id=" + percent_encode(id_.value);
            break;
        case ManagedIdentityId::Kind::system_assigned:
            break;
    }
    http::Request request;
    request.url = std::move(url);
    request.headers = {{"Metadata", "true"}, {"Accept", "application/json"}, http::client_request_id_header()};
    return request;
}

http::Response ImdsSource::send_probe_then_retry(const std::string& resource) {
    auto build = [&] { return build_request(resource); };
    http::RetryHooks hooks;
    hooks.is_transient = imds_is_transient;
    hooks.random01 = [] { return imds_jitter(http::jitter_random01()); };
    http::Client client(managed_identity_client_options(network_));
    if (in_chain_ && !reached_.load()) {
        // One quick look first, so a machine without IMDS moves on to the next source in
        // about a second instead of waiting out a connect timeout and its retries.
        auto probe_options = managed_identity_client_options(network_);
        probe_options.connect_timeout = kProbeConnectTimeout;
        http::Client probe(probe_options);
        http::Response first = probe.send(build());
        reached_ = true;
        if (!imds_is_transient(first.status)) {
            return first;
        }
    }
    return http::send_with_retry(client, imds_retry_policy(), build, hooks);
}

AccessToken ImdsSource::get_token(const TokenRequest& token_request) {
    const std::string& resource = token_request.resource;  // one tenant: token_request.tenant does not apply
    std::string host = parse_endpoint_url(base_url_) ? parse_endpoint_url(base_url_)->host : base_url_;
    try {
        http::Response response = send_probe_then_retry(resource);
        return managed_identity_token(
            response, "IMDS", host, id_, in_chain_,
            "something other than IMDS answered at this address (a firewall or egress filter?); "
            "run on an Azure VM, or choose another --credential");
    } catch (const http::TransportError& e) {
        throw_managed_identity_unreachable(e, "IMDS", in_chain_ && !reached_.load());
    }
}

}  // namespace pe::azure
