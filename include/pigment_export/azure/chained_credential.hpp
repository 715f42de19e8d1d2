#pragma once
// The `auto` credential: tries its sources in order and keeps the first that works. A source
// that is merely unavailable here is skipped; one that is configured but fails ends the chain
// with its own error, so a wrong client secret is never hidden behind a different identity.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "pigment_export/azure/token_credential.hpp"

namespace pe::azure {

class ChainedCredential : public TokenCredential {
public:
    explicit ChainedCredential(std::vector<std::unique_ptr<TokenCredential>> sources);
    AccessToken get_token(const TokenRequest& request) override;
    // "auto", then the chosen source once one has worked: "auto (managed identity (IMDS))".
    std::string name() const override;

private:
    std::vector<std::unique_ptr<TokenCredential>> sources_;
    std::atomic<int> chosen_{-1};
};

}  // namespace pe::azure
