#include <catch2/catch.hpp>

#include "pigment_export/azure/cloud.hpp"
#include "pigment_export/azure/endpoint_url.hpp"

using namespace pe::azure;

TEST_CASE("The vault host decides the Key Vault resource and the authority", "[azure][cloud]") {
    auto none = pe::map_env({});
    auto pub = cloud_endpoints("https://myvault.vault.azure.net", none);
    CHECK(pub.key_vault_resource == "https://vault.azure.net");
    CHECK(pub.authority_host == "https://login.microsoftonline.com");
    auto china = cloud_endpoints("https://myvault.vault.azure.cn/", none);
    CHECK(china.key_vault_resource == "https://vault.azure.cn");
    CHECK(china.authority_host == "https://login.chinacloudapi.cn");
    auto gov = cloud_endpoints("https://MyVault.Vault.UsGovCloudApi.Net", none);
    CHECK(gov.key_vault_resource == "https://vault.usgovcloudapi.net");
    CHECK(gov.authority_host == "https://login.microsoftonline.us");
}

TEST_CASE("AZURE_AUTHORITY_HOST overrides the authority and names the cloud when the vault host cannot",
          "[azure][cloud]") {
    auto china_env = pe::map_env({{"AZURE_AUTHORITY_HOST", "https://login.chinacloudapi.cn/"}});
    auto alias = cloud_endpoints("https://secrets.internal.example", china_env);
    CHECK(alias.key_vault_resource == "https://vault.azure.cn");
    CHECK(alias.authority_host == "https://login.chinacloudapi.cn");

    auto fake = pe::map_env({{"AZURE_AUTHORITY_HOST", "http://127.0.0.1:4444"}});
    auto loopback = cloud_endpoints("http://127.0.0.1:5555", fake);
    CHECK(loopback.key_vault_resource == "https://vault.azure.net");
    CHECK(loopback.authority_host == "http://127.0.0.1:4444");

    // The vault's own suffix wins over a contradicting authority.
    CHECK(cloud_endpoints("https://v.vault.usgovcloudapi.net", china_env).key_vault_resource ==
          "https://vault.usgovcloudapi.net");
}

TEST_CASE("Endpoint URLs: plain http only to loopback", "[azure][cloud]") {
    auto url = parse_endpoint_url("HTTPS://Vault.Example:8443/secrets/x?api-version=7.5");
    REQUIRE(url);
    CHECK(url->scheme == "https");
    CHECK(url->host == "Vault.Example:8443");
    CHECK(url->hostname == "vault.example");
    CHECK(url->path == "/secrets/x");
    CHECK(is_tls_or_loopback(*url));
    CHECK(is_tls_or_loopback(*parse_endpoint_url("http://127.0.0.1:1234")));
    CHECK(is_tls_or_loopback(*parse_endpoint_url("http://localhost")));
    CHECK(is_tls_or_loopback(*parse_endpoint_url("http://[::1]:80/")));
    CHECK_FALSE(is_tls_or_loopback(*parse_endpoint_url("http://myvault.vault.azure.net")));
    CHECK_FALSE(parse_endpoint_url("myvault.vault.azure.net"));
    CHECK_FALSE(parse_endpoint_url("https://user:pw@host/"));
}
