#pragma once
// Older App Service (MSI_ENDPOINT + MSI_SECRET, api-version 2017-09-01) and Cloud Shell
// (MSI_ENDPOINT alone: a form POST with Metadata: true).
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
    // Without a secret this is Cloud Shell, which serves only its own identity.
    LegacyMsiSource(std::string endpoint, std::optional<Secret> secret, ManagedIdentityId id, NetworkSettings network,
                    bool in_chain);
    AccessToken get_token(const std::string& resource) override;
    std::string name() const override;

    // For Cloud Shell the form body is returned through `body` (the request points into it).
    http::Request build_request(const std::string& resource, std::string& body) const;

private:
    std::string endpoint_;
    std::optional<Secret> secret_;
    ManagedIdentityId id_;
    NetworkSettings network_;
    bool in_chain_;
};

}  // namespace pe::azure
