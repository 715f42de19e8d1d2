#pragma once
// AKS workload identity (or any OIDC federation): a Kubernetes-projected token file exchanged
// at Entra for an access token. The file is re-read on every request because it rotates.
#include <filesystem>
#include <string>

#include "pigment_export/azure/entra_token_request.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"

namespace pe::azure {

class WorkloadIdentityCredential : public TokenCredential {
public:
    WorkloadIdentityCredential(EntraApp app, std::filesystem::path token_file, NetworkSettings network);
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return "workload identity"; }

private:
    EntraApp app_;
    std::filesystem::path token_file_;
    NetworkSettings network_;
};

}  // namespace pe::azure
