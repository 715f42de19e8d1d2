#include "pigment_export/azure/legacy_msi_source.hpp"

#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"

namespace pe::azure {

LegacyMsiSource::LegacyMsiSource(std::string endpoint, std::optional<Secret> secret, ManagedIdentityId id,
                                 NetworkSettings network, bool in_chain, std::string machine_learning_client_id)
    : endpoint_(std::move(endpoint)),
      secret_(std::move(secret)),
      id_(std::move(id)),
      network_(std::move(network)),
      in_chain_(in_chain),
      machine_learning_client_id_(std::move(machine_learning_client_id)) {
    if (!secret_ && id_.user_assigned()) {
        throw Failure(Stage::secret, "Cloud Shell serves only the signed-in user's identity",
                      "remove --client-id / AZURE_CLIENT_ID when running in Cloud Shell");
    }
    if (secret_ && id_.kind == ManagedIdentityId::Kind::resource_id) {
        throw Failure(Stage::secret,
                      "the 2017 identity protocol (App Service 2017, Azure Machine Learning) accepts only a client id",
                      "pass the identity's client id with --client-id");
    }
}

std::string LegacyMsiSource::name() const {
    if (!secret_) return "managed identity (Cloud Shell)";
    return machine_learning_client_id_.empty() ? "managed identity (App Service 2017)"
                                               : "managed identity (Azure Machine Learning)";
}

http::Request LegacyMsiSource::build_request(const std::string& resource, std::string& body) const {
    http::Request request;
    if (!secret_) {
        body = "resource=" + percent_encode(resource);
        request.method = "POST";
        request.url = endpoint_;
        request.headers = {{"Metadata", "true"},
                           {"Content-Type", "application/x-www-form-urlencoded"},
                           {"Accept", "application/json"},
                           http::client_request_id_header()};
        request.body = body;
        return request;
    }
    request.url = with_query(endpoint_, "api-version=2017-09-01&resource=" + percent_encode(resource));
    bool machine_learning = !machine_learning_client_id_.empty();
    if (id_.kind == ManagedIdentityId::Kind::client_id || machine_learning) {
        request.url += "&clientid=" + percent_encode(id_.user_assigned() ? id_.value : machine_learning_client_id_);
    }
    request.headers = {{"secret", secret_->reveal()}, {"Accept", "application/json"}, http::client_request_id_header()};
    if (machine_learning) {
        request.headers.push_back({"Metadata", "true"});
    }
    return request;
}

AccessToken LegacyMsiSource::get_token(const TokenRequest& token_request) {
    const std::string& resource = token_request.resource;  // one tenant: token_request.tenant does not apply
    std::string body;
    return ask_platform_endpoint(endpoint_, network_, name(), [&](PlatformEndpoint& to) {
        http::Response response =
            http::send_with_retry(to.client, to.policy, [&] { return build_request(resource, body); });
        return managed_identity_token(response, name(), to.host, id_, in_chain_,
                                      "MSI_SECRET was rejected: restart the app so it sees the current value");
    });
}

}  // namespace pe::azure
