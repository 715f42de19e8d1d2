#pragma once
// Azure VM / VMSS / AKS node: the Instance Metadata Service token endpoint.
#include <atomic>
#include <string>

#include "pigment_export/azure/managed_identity_id.hpp"
#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/config.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/http/retry_policy.hpp"

namespace pe::azure {

inline constexpr const char* kImdsDefaultHost = "http://169.254.169.254";

// IMDS answers 410 for up to 70 s while it starts, and 404/429/5xx while it updates.
bool imds_is_transient(int status);
// Keeps retrying a 410 for more than 70 s whatever the jitter draws (see imds_jitter()).
http::RetryPolicy imds_retry_policy();
// Equal jitter: each wait is at least half its exponential step, so the total is bounded below.
double imds_jitter(double random01);

class ImdsSource : public TokenCredential {
public:
    // base_url: scheme://host[:port] (AZURE_POD_IDENTITY_AUTHORITY_HOST or kImdsDefaultHost).
    ImdsSource(const std::string& base_url, ManagedIdentityId id, NetworkSettings network, bool in_chain);
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return "managed identity (IMDS)"; }

    http::Request build_request(const std::string& resource) const;

private:
    http::Response send_probe_then_retry(const std::string& resource);

    std::string base_url_;
    ManagedIdentityId id_;
    NetworkSettings network_;
    bool in_chain_;
    std::atomic<bool> reached_{false};
};

}  // namespace pe::azure
