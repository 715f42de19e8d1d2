#include "pigment_export/azure/cloud.hpp"

#include <array>

#include "pigment_export/azure/endpoint_url.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::azure {

namespace {

struct Cloud {
    std::string_view vault_suffix;
    std::string_view key_vault_resource;
    std::string_view authority_host;
};

constexpr std::array<Cloud, 3> kClouds = {{
    {".vault.azure.net", "https://vault.azure.net", "https://login.microsoftonline.com"},
    {".vault.azure.cn", "https://vault.azure.cn", "https://login.chinacloudapi.cn"},
    {".vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net", "https://login.microsoftonline.us"},
}};

}  // namespace

CloudEndpoints cloud_endpoints(std::string_view key_vault_url, const EnvLookup& env) {
    std::optional<std::string> authority_env = env("AZURE_AUTHORITY_HOST");
    if (authority_env) {
        *authority_env = without_trailing_slashes(*authority_env);
    }
    const Cloud* cloud = nullptr;
    if (auto url = parse_endpoint_url(key_vault_url)) {
        for (const auto& c : kClouds) {
            if (url->hostname.ends_with(c.vault_suffix)) cloud = &c;
        }
    }
    if (cloud == nullptr && authority_env) {
        auto authority = parse_endpoint_url(*authority_env);
        for (const auto& c : kClouds) {
            if (authority && "https://" + authority->hostname == c.authority_host) cloud = &c;
        }
    }
    if (cloud == nullptr) {
        cloud = &kClouds[0];
    }
    return {std::string(cloud->key_vault_resource),
            authority_env ? *authority_env : std::string(cloud->authority_host)};
}

}  // namespace pe::azure
