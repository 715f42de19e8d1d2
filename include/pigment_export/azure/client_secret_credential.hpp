#pragma once
// A service principal with a client secret (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET).
#include <string>

#include "pigment_export/azure/entra_token_request.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"

namespace pe::azure {

class ClientSecretCredential : public TokenCredential {
public:
    ClientSecretCredential(EntraApp app, Secret client_secret, NetworkSettings network);
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return "client secret"; }

private:
    EntraApp app_;
    Secret client_secret_;
    NetworkSettings network_;
};

}  // namespace pe::azure
