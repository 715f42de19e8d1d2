#pragma once
// The developer's `az login`: `az account get-access-token --resource R -o json`.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "pigment_export/azure/child_process.hpp"
#include "pigment_export/azure/token_credential.hpp"

namespace pe::azure {

// `tenant` (a Key Vault challenge's) adds --tenant: `az` logged in to several tenants would
// otherwise answer for its default subscription's.
std::vector<std::string> azure_cli_arguments(const std::string& program, const TokenRequest& request);

// Prefers expires_on (epoch, CLI ≥ 2.54) over expiresOn (local time without a zone).
AccessToken parse_azure_cli_output(std::string_view json);

// A failed run → Failure: CredentialUnavailable when az is missing or not logged in.
[[noreturn]] void throw_azure_cli_failure(const ChildResult& result);

class AzureCliCredential : public TokenCredential {
public:
    // `program`: "az" on PATH in production; tests pass a script that imitates it.
    explicit AzureCliCredential(std::string program = "az",
                                std::chrono::milliseconds timeout = std::chrono::seconds(13));
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return "Azure CLI"; }

private:
    std::string program_;
    std::chrono::milliseconds timeout_;
};

}  // namespace pe::azure
