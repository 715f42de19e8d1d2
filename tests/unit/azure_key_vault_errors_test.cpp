#include <catch2/catch.hpp>

#include "pigment_export/azure/key_vault.hpp"
#include "pigment_export/azure/key_vault_errors.hpp"
#include "pigment_export/core/redactor.hpp"

using namespace pe::azure;

namespace {

const KeyVaultTarget kTarget{"myvault.vault.azure.net", "pigment-key", "https://vault.azure.net"};

std::string kv_body(const std::string& code, const std::string& message, const std::string& inner = {}) {
    std::string body = R"({"error":{"code":")" + code + R"(","message":")" + message + R"(")";
    if (!inner.empty()) body += R"(,"innererror":{"code":")" + inner + R"("})";
    return body + "}}";
}

pe::FailureInfo map(int status, const std::string& body, pe::http::Headers headers = {}) {
    return key_vault_failure(status, headers, body, kTarget).info();
}

}  // namespace

TEST_CASE("Every Key Vault error line ends with the vault's request id and the answer's time", "[azure][keyvault]") {
    auto info =
        map(403, kv_body("Forbidden", "no", "ForbiddenByRbac"),
            {{"x-ms-request-id", "6f1c2d3e-0000-4000-8000-00000000abcd"}, {"Date", "Thu, 03 Dec 2026 14:05:09 GMT"}});
    CHECK(info.request_id == "6f1c2d3e-0000-4000-8000-00000000abcd");
    CHECK(info.time == "2026-12-03T14:05:09Z");
    CHECK(pe::Failure(info).what() == std::string(pe::format_failure_line(info)));
    auto hostile = map(404, kv_body("SecretNotFound", "x"), {{"x-ms-request-id", "id with spaces"}});
    CHECK(hostile.request_id.empty());
    CHECK(hostile.time.size() == 20);  // no Date header: our clock, still ISO 8601 UTC
}

TEST_CASE("The innermost innererror code is the service code", "[azure][keyvault]") {
    auto e = parse_key_vault_error(
        R"({"error":{"code":"Forbidden","message":"m","innererror":{"code":"A","innererror":{"code":"B"}}}})");
    CHECK(e.code == "Forbidden");
    CHECK(e.inner_code == "B");
    CHECK(parse_key_vault_error("not json").code.empty());
}

TEST_CASE("401 names the challenge's authorization and resource", "[azure][keyvault]") {
    auto info =
        map(401, kv_body("Unauthorized", "AKV10022: Invalid audience."),
            {{"WWW-Authenticate",
              R"(Bearer authorization="https://login.windows.net/tenant-b", resource="https://vault.azure.net")"}});
    CHECK(info.stage == pe::Stage::secret);
    CHECK(info.http_status == 401);
    CHECK(info.service_code == "Unauthorized");
    CHECK(info.message.find("authorization=https://login.windows.net/tenant-b") != std::string::npos);
    CHECK(info.message.find("resource=https://vault.azure.net") != std::string::npos);
    CHECK(info.hint.find("tenant") != std::string::npos);
}

TEST_CASE("403 inner codes each get their own hint", "[azure][keyvault]") {
    auto rbac = map(403, kv_body("Forbidden", "Caller is not authorized. Assignment: (not found)", "ForbiddenByRbac"));
    CHECK(rbac.service_code == "ForbiddenByRbac");
    CHECK(rbac.hint.find("Key Vault Secrets User") != std::string::npos);

    auto policy = map(403, kv_body("Forbidden", "does not have secrets get permission", "AccessDenied"));
    CHECK(policy.service_code == "AccessDenied");
    CHECK(policy.hint.find("access policy with the Get permission") != std::string::npos);

    auto firewall = map(403, kv_body("Forbidden", "Client address is not authorized", "ForbiddenByFirewall"));
    CHECK(firewall.service_code == "ForbiddenByFirewall");
    CHECK(firewall.hint.find("Networking") != std::string::npos);

    auto disabled =
        map(403, kv_body("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"));
    CHECK(disabled.service_code == "SecretDisabled");
    CHECK(disabled.message.find("disabled") != std::string::npos);
    CHECK(disabled.hint.find("enable the secret") != std::string::npos);
}

TEST_CASE("404, 429 and 5xx", "[azure][keyvault]") {
    auto missing =
        map(404, kv_body("SecretNotFound", "A secret with (name/id) pigment-key was not found in this key vault."));
    CHECK(missing.service_code == "SecretNotFound");
    CHECK(missing.message.find("'pigment-key'") != std::string::npos);
    CHECK(missing.hint.find("--secret-name") != std::string::npos);
    CHECK(map(404, "").service_code == "SecretNotFound");
    CHECK(map(429, kv_body("Throttled", "Too many requests")).hint.find("retry later") != std::string::npos);
    auto server = map(503, "");
    CHECK(server.http_status == 503);
    CHECK(server.hint.find("retry later") != std::string::npos);
}

TEST_CASE("A Failure never carries a registered secret, even if a service echoes it", "[azure][keyvault]") {
    pe::Secret token("eyJ0eXAiOiJKV1QiLCJhbGciOi.leaked.token");
    auto info =
        map(403, kv_body("Forbidden", "token eyJ0eXAiOiJKV1QiLCJhbGciOi.leaked.token rejected", "ForbiddenByRbac"));
    CHECK(info.message.find("leaked.token") == std::string::npos);
    CHECK(pe::format_failure_line(info).find("leaked.token") == std::string::npos);
}

TEST_CASE("Get Secret URL: api-version pinned, https only (loopback excepted), names checked", "[azure][keyvault]") {
    CHECK(key_vault_secret_url("https://myvault.vault.azure.net/", "pigment-key", "") ==
          "https://myvault.vault.azure.net/secrets/pigment-key?api-version=7.5");
    CHECK(key_vault_secret_url("https://myvault.vault.azure.net", "k", "0123456789abcdef0123456789ABCDEF") ==
          "https://myvault.vault.azure.net/secrets/k/0123456789abcdef0123456789ABCDEF?api-version=7.5");
    CHECK(key_vault_secret_url("http://127.0.0.1:8080", "k", "") == "http://127.0.0.1:8080/secrets/k?api-version=7.5");
    auto usage = [](const std::string& url, const std::string& name, const std::string& version) {
        try {
            key_vault_secret_url(url, name, version);
        } catch (const pe::Failure& e) {
            return e.stage() == pe::Stage::usage;
        }
        return false;
    };
    CHECK(usage("http://myvault.vault.azure.net", "k", ""));
    CHECK(usage("https://myvault.vault.azure.net", "a/../b", ""));
    CHECK(usage("https://myvault.vault.azure.net", "k", "v1"));
    CHECK(usage("https://myvault.vault.azure.net", "", ""));
}
