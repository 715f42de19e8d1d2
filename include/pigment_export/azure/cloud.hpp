#pragma once
// Sovereign clouds: the Key Vault token resource and the Entra authority follow the vault's
// DNS suffix (vault.azure.cn, vault.usgovcloudapi.net), or AZURE_AUTHORITY_HOST when the vault
// host says nothing (a private endpoint alias, a test fake).
#include <string>
#include <string_view>

#include "pigment_export/core/env.hpp"

namespace pe::azure {

struct CloudEndpoints {
    std::string key_vault_resource;  // e.g. https://vault.azure.net (no trailing slash)
    std::string authority_host;      // e.g. https://login.microsoftonline.com (no trailing slash)
};

CloudEndpoints cloud_endpoints(std::string_view key_vault_url, const EnvLookup& env);

}  // namespace pe::azure
