#pragma once
// Older App Service (MSI_ENDPOINT + MSI_SECRET, api-version 2017-09-01), Azure Machine Learning
// compute (the same variables plus DEFAULT_IDENTITY_CLIENT_ID) and Cloud Shell (MSI_ENDPOINT
// alone: a form POST with Metadata: true).
#include <optional>
#include <string>

#include "pigment_export/azure/managed_identity_id.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::azure {

class LegacyMsiSource : public TokenCredential {
public:
    // Without a secret this is Cloud Shell, which serves only its own identity. With
    // `machine_learning_client_id` (DEFAULT_IDENTITY_CLIENT_ID) it is Azure Machine Learning,
    // whose endpoint wants Metadata: true and names even the system-assigned identity by its
    // client id, as MSAL sends it.
    LegacyMsiSource(std::string endpoint, std::optional<Secret> secret, ManagedIdentityId id, NetworkSettings network,
                    bool in_chain, std::string machine_learning_client_id = {});
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override;

    // For Cloud Shell the form body is returned through `body` (the request points into it).
    http::Request build_request(const std::string& resource, std::string& body) const;

private:
    std::string endpoint_;
    std::optional<Secret> secret_;
    ManagedIdentityId id_;
    NetworkSettings network_;
    bool in_chain_;
    std::string machine_learning_client_id_;
};

}  // namespace pe::azure
