#pragma once
// "Not available here": a source whose environment is absent (no variables, no endpoint
// answering, not logged in). The auto chain records the reason and moves on; anywhere else it
// is an ordinary secret-stage Failure, so it still exits 3 with its hint.
#include <memory>
#include <string>

#include "pigment_export/azure/token_credential.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::azure {

class CredentialUnavailable : public Failure {
public:
    CredentialUnavailable(std::string message, std::string hint);
};

// A chain member whose variables are not set: it only ever reports why.
class UnconfiguredCredential : public TokenCredential {
public:
    UnconfiguredCredential(std::string name, std::string reason, std::string hint);
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return name_; }
    const std::string& reason() const { return reason_; }
    const std::string& hint() const { return hint_; }

private:
    std::string name_;
    std::string reason_;
    std::string hint_;
};

}  // namespace pe::azure
