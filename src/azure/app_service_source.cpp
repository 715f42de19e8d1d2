#include "pigment_export/azure/app_service_source.hpp"

#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"

namespace pe::azure {

AppServiceSource::AppServiceSource(std::string endpoint, Secret identity_header, ManagedIdentityId id,
                                   NetworkSettings network, bool in_chain)
    : endpoint_(std::move(endpoint)),
      identity_header_(std::move(identity_header)),
      id_(std::move(id)),
      network_(std::move(network)),
      in_chain_(in_chain) {}

http::Request AppServiceSource::build_request(const std::string& resource) const {
    std::string url = with_query(endpoint_, "api-version=2019-08-01&resource=" + percent_encode(resource));
    switch (id_.kind) {
        case ManagedIdentityId::Kind::client_id:
            url += "&client_id=" + percent_encode(id_.value);
            break;
        case ManagedIdentityId::Kind::resource_id:
            url += "&mi_res_id=" + percent_encode(id_.value);
            break;
        case ManagedIdentityId::Kind::system_assigned:
            break;
    }
    http::Request request;
    request.url = std::move(url);
    request.headers = {{"X-IDENTITY-HEADER", identity_header_.reveal()},
                       {"Accept", "application/json"},
                       http::client_request_id_header()};
    return request;
}

AccessToken AppServiceSource::get_token(const TokenRequest& token_request) {
    const std::string& resource = token_request.resource;  // one tenant: token_request.tenant does not apply
    constexpr std::string_view kSource = "the App Service identity endpoint";
    return ask_platform_endpoint(endpoint_, network_, kSource, [&](PlatformEndpoint& to) {
        http::Response response = http::send_with_retry(to.client, to.policy, [&] { return build_request(resource); });
        return managed_identity_token(response, kSource, to.host, id_, in_chain_,
                                      "IDENTITY_HEADER was rejected (the platform rotates it): restart the app so it "
                                      "sees the current value");
    });
}

}  // namespace pe::azure
