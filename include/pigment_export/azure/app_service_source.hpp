#pragma once
// App Service, Functions and Container Apps (2019-08-01 protocol): IDENTITY_ENDPOINT with the
// X-IDENTITY-HEADER secret.
#include <string>

#include "pigment_export/azure/managed_identity_id.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::azure {

class AppServiceSource : public TokenCredential {
public:
    AppServiceSource(std::string endpoint, Secret identity_header, ManagedIdentityId id, NetworkSettings network,
                     bool in_chain);
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return "managed identity (App Service)"; }

    http::Request build_request(const std::string& resource) const;

private:
    std::string endpoint_;
    Secret identity_header_;
    ManagedIdentityId id_;
    NetworkSettings network_;
    bool in_chain_;
};

}  // namespace pe::azure
