#include "pigment_export/azure/legacy_msi_source.hpp"

#include "pigment_export/azure/endpoint_url.hpp"
#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/core/bytes.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/retrying_send.hpp"

namespace pe::azure {

LegacyMsiSource::LegacyMsiSource(std::string endpoint, std::optional<Secret> secret, ManagedIdentityId id,
                                 NetworkSettings network, bool in_chain)
    : endpoint_(std::move(endpoint)), secret_(std::move(secret)), id_(std::move(id)), network_(std::move(network)),
      in_chain_(in_chain) {
    if (!secret_ && id_.user_assigned()) {
        throw Failure(Stage::secret, "Cloud Shell serves only the signed-in user's identity",
                      "remove --client-id / AZURE_CLIENT_ID when running in Cloud Shell");
    }
    if (secret_ && id_.kind == ManagedIdentityId::Kind::resource_id) {
        throw Failure(Stage::secret, "the 2017 App Service identity protocol accepts only a client id",
                      "pass the identity's client id with --client-id");
    }
}

std::string LegacyMsiSource::name() const {
    return secret_ ? "managed identity (App Service 2017)" : "managed identity (Cloud Shell)";
}

http::Request LegacyMsiSource::build_request(const std::string& resource, std::string& body) const {
    http::Request request;
    if (!secret_) {
        body = "resource=" + percent_encode(resource);
        request.method = "POST";
        request.url = endpoint_;
        request.headers = {{"Metadata", "true"},
                           {"Content-Type", "application/x-www-form-urlencoded"},
                           {"Accept", "application/json"}};
        request.body = body;
        return request;
    }
    request.url = endpoint_ + (endpoint_.find('?') == std::string::npos ? "?" : "&") +
                  "api-version=2017-09-01&resource=" + percent_encode(resource);
    if (id_.kind == ManagedIdentityId::Kind::client_id) {
        request.url += "&clientid=" + percent_encode(id_.value);
    }
    request.headers = {{"secret", secret_->reveal()}, {"Accept", "application/json"}};
    return request;
}

AccessToken LegacyMsiSource::get_token(const std::string& resource) {
    auto parsed = parse_endpoint_url(endpoint_);
    std::string host = parsed ? parsed->host : endpoint_;
    std::string body;
    try {
        http::Client client(managed_identity_client_options(network_));
        http::RetryPolicy policy;
        policy.max_retries = 3;
        http::Response response = http::send_with_retry(client, policy, [&] { return build_request(resource, body); });
        return managed_identity_token(response, name(), host, id_, in_chain_,
                                      "MSI_SECRET was rejected: restart the app so it sees the current value");
    } catch (const http::TransportError& e) {
        throw_managed_identity_unreachable(e, name(), false);
    }
}

}  // namespace pe::azure
