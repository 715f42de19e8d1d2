#include <catch2/catch.hpp>

#include "pigment_export/azure/app_service_source.hpp"
#include "pigment_export/azure/arc_source.hpp"
#include "pigment_export/azure/azure_cli_credential.hpp"
#include "pigment_export/azure/entra_token_request.hpp"
#include "pigment_export/azure/imds_source.hpp"
#include "pigment_export/azure/legacy_msi_source.hpp"
#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/retry_policy.hpp"

using namespace pe::azure;

namespace {

std::string header(const pe::http::Request& r, const char* name) {
    return std::string(pe::http::find_header(r.headers, name).value_or("<absent>"));
}

const ManagedIdentityId kSystem{};
const ManagedIdentityId kClient = ManagedIdentityId::from_setting("11111111-2222-3333-4444-555555555555");
const ManagedIdentityId kResource = ManagedIdentityId::from_setting(
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1");

}  // namespace

TEST_CASE("The managed-identity host is detected from the environment as the SDKs do", "[azure][mi]") {
    using H = ManagedIdentityHost;
    CHECK(detect_managed_identity_host(pe::map_env({})) == H::imds);
    CHECK(detect_managed_identity_host(pe::map_env({{"IDENTITY_ENDPOINT", "http://x"}, {"IDENTITY_HEADER", "h"}})) ==
          H::app_service);
    CHECK(detect_managed_identity_host(
              pe::map_env({{"IDENTITY_ENDPOINT", "http://x"}, {"IMDS_ENDPOINT", "http://y"}})) == H::arc);
    CHECK(detect_managed_identity_host(pe::map_env({{"MSI_ENDPOINT", "http://x"}, {"MSI_SECRET", "s"}})) ==
          H::app_service_2017);
    CHECK(detect_managed_identity_host(pe::map_env({{"MSI_ENDPOINT", "http://x"}})) == H::cloud_shell);
    CHECK(detect_managed_identity_host(pe::map_env(
              {{"IDENTITY_ENDPOINT", "https://x"}, {"IDENTITY_HEADER", "h"}, {"IDENTITY_SERVER_THUMBPRINT", "ab"}})) ==
          H::service_fabric);
    CHECK(detect_managed_identity_host(pe::map_env({{"IDENTITY_ENDPOINT", "http://x"}})) == H::imds);
}

TEST_CASE("option --client-id is a client id, or an ARM resource id when it looks like one", "[azure][mi]") {
    CHECK_FALSE(ManagedIdentityId::from_setting("").user_assigned());
    CHECK(kClient.kind == ManagedIdentityId::Kind::client_id);
    CHECK(kResource.kind == ManagedIdentityId::Kind::resource_id);
}

TEST_CASE("IMDS request: api-version 2018-02-01, Metadata: true, msi_res_id spelling", "[azure][mi]") {
    ImdsSource system("http://169.254.169.254", kSystem, {}, false);
    auto r = system.build_request("https://storage.azure.com/");
    CHECK(r.method == "GET");
    CHECK(r.url ==
          "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
          "https%3A%2F%2Fstorage.azure.com%2F");
    CHECK(header(r, "Metadata") == "true");

    CHECK(ImdsSource("127.0.0.1:9/", kClient, {}, false).build_request("https://vault.azure.net").url ==
          "http://127.0.0.1:9/metadata/identity/oauth2/"
          "token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net"
          "&client_id=11111111-2222-3333-4444-555555555555");
    auto by_resource = ImdsSource("http://h", kResource, {}, false).build_request("https://vault.azure.net").url;
    CHECK(by_resource.find("&msi_res_id=%2Fsubscriptions%2Fs%2F") != std::string::npos);
}

TEST_CASE("IMDS retries 404, 410, 429 and 5xx, and keeps at a 410 for more than 70 s", "[azure][mi]") {
    for (int status : {404, 408, 410, 429, 500, 503, 599}) CHECK(imds_is_transient(status));
    for (int status : {200, 400, 401, 403}) CHECK_FALSE(imds_is_transient(status));

    // Worst case for the loop's length: every jitter draw at its minimum.
    auto policy = imds_retry_policy();
    pe::http::Millis waited{0};
    unsigned attempt = 0;
    for (; attempt < policy.max_retries; ++attempt) {
        auto delay = pe::http::next_delay(policy, attempt + 1, std::nullopt, imds_jitter(0.0));
        if (waited + delay > policy.max_total) break;
        waited += delay;
    }
    CHECK(waited >= std::chrono::seconds(70));
    CHECK(imds_jitter(0.0) == 0.5);
    CHECK(imds_jitter(0.999) < 1.0);
}

TEST_CASE("App Service 2019 request: X-IDENTITY-HEADER, client_id or mi_res_id", "[azure][mi]") {
    AppServiceSource source("http://127.0.0.1:41/msi/token", pe::Secret("header-value-123"), kClient, {}, false);
    auto r = source.build_request("https://vault.azure.net");
    CHECK(r.url ==
          "http://127.0.0.1:41/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net"
          "&client_id=11111111-2222-3333-4444-555555555555");
    CHECK(header(r, "X-IDENTITY-HEADER") == "header-value-123");
    AppServiceSource by_resource("http://h/msi/token", pe::Secret("header-value-123"), kResource, {}, false);
    CHECK(by_resource.build_request("https://vault.azure.net").url.find("&mi_res_id=%2Fsubscriptions") !=
          std::string::npos);
}

TEST_CASE("App Service 2017 spells clientid and sends `secret` - Cloud Shell POSTs a form", "[azure][mi]") {
    LegacyMsiSource legacy("http://h/msi", pe::Secret("msi-secret-value"), kClient, {}, false);
    std::string body;
    auto r = legacy.build_request("https://vault.azure.net", body);
    CHECK(r.url ==
          "http://h/msi?api-version=2017-09-01&resource=https%3A%2F%2Fvault.azure.net"
          "&clientid=11111111-2222-3333-4444-555555555555");
    CHECK(header(r, "secret") == "msi-secret-value");

    LegacyMsiSource shell("http://localhost:50342/oauth2/token", std::nullopt, kSystem, {}, false);
    auto post = shell.build_request("https://vault.azure.net", body);
    CHECK(post.method == "POST");
    CHECK(post.body == "resource=https%3A%2F%2Fvault.azure.net");
    CHECK(header(post, "Metadata") == "true");
    CHECK(header(post, "Content-Type") == "application/x-www-form-urlencoded");
    CHECK_THROWS_AS(LegacyMsiSource("http://h", std::nullopt, kClient, {}, false), pe::Failure);
}

TEST_CASE("Arc request: api-version 2019-11-01 with Metadata: true", "[azure][mi]") {
    ArcSource arc("http://127.0.0.1:40342/metadata/identity/oauth2/token", "/var/opt/azcmagent/tokens", {}, false);
    auto r = arc.build_request("https://vault.azure.net");
    CHECK(r.url ==
          "http://127.0.0.1:40342/metadata/identity/oauth2/token?api-version=2019-11-01"
          "&resource=https%3A%2F%2Fvault.azure.net");
    CHECK(header(r, "Metadata") == "true");
    CHECK(platform_arc_key_dir() == "/var/opt/azcmagent/tokens");
    CHECK_THROWS_AS(
        make_managed_identity_credential(
            pe::map_env({{"IDENTITY_ENDPOINT", "http://x"}, {"IMDS_ENDPOINT", "http://y"}}), {kClient, {}, false}),
        pe::Failure);
}

TEST_CASE("Entra forms: client credentials with a secret or a jwt-bearer assertion, scope = resource/.default",
          "[azure][entra]") {
    EntraApp app{"https://login.microsoftonline.com/", "contoso.onmicrosoft.com", "app-id"};
    CHECK(entra_token_url(app) == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    CHECK(entra_scope("https://storage.azure.com/") == "https://storage.azure.com/.default");
    CHECK(entra_scope("https://vault.azure.net") == "https://vault.azure.net/.default");
    CHECK(client_secret_form(app, pe::Secret("s3cr&t=value"), "https://vault.azure.net").reveal() ==
          "grant_type=client_credentials&client_id=app-id&scope=https%3A%2F%2Fvault.azure.net%2F.default"
          "&client_secret=s3cr%26t%3Dvalue");
    CHECK(client_assertion_form(app, pe::Secret("header.payload.sig"), "https://vault.azure.net").reveal() ==
          "grant_type=client_credentials&client_id=app-id&scope=https%3A%2F%2Fvault.azure.net%2F.default"
          "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
          "&client_assertion=header.payload.sig");
}

TEST_CASE("Entra settings are checked before a secret is sent anywhere", "[azure][entra]") {
    CHECK_NOTHROW(validate_entra_app({"https://login.microsoftonline.com", "72f988bf-86f1", "a"}, "client secret"));
    CHECK_NOTHROW(validate_entra_app({"http://127.0.0.1:8080", "t", "a"}, "client secret"));
    CHECK_THROWS_AS(validate_entra_app({"http://login.example.com", "t", "a"}, "client secret"), pe::Failure);
    CHECK_THROWS_AS(validate_entra_app({"https://login.microsoftonline.com", "../evil", "a"}, "client secret"),
                    pe::Failure);
    CHECK_THROWS_AS(validate_entra_app({"https://login.microsoftonline.com", "", "a"}, "client secret"), pe::Failure);
}

TEST_CASE("Azure CLI is asked for a resource, as JSON, without a shell", "[azure][cli]") {
    CHECK(azure_cli_arguments("az", {"https://vault.azure.net"}) ==
          std::vector<std::string>{"az", "account", "get-access-token", "--output", "json", "--resource",
                                   "https://vault.azure.net"});
}

TEST_CASE("Azure CLI is asked for the tenant a Key Vault challenge named", "[azure][cli]") {
    CHECK(azure_cli_arguments("az", {"https://vault.azure.net", "contoso.onmicrosoft.com"}) ==
          std::vector<std::string>{"az", "account", "get-access-token", "--output", "json", "--resource",
                                   "https://vault.azure.net", "--tenant", "contoso.onmicrosoft.com"});
}
