#include <catch2/catch.hpp>

#include "pigment_export/azure/key_vault_challenge.hpp"

using namespace pe::azure;

namespace {

constexpr const char* kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

BearerChallenge parsed(const std::string& header) {
    auto c = parse_bearer_challenge(header);
    REQUIRE(c.has_value());
    return *c;
}

std::string problem(const std::string& header, const std::string& vault = "myvault.vault.azure.net") {
    return challenge_problem(parsed(header), vault).value_or("");
}

}  // namespace

TEST_CASE("Key Vault challenges: authorization and resource as Key Vault sends them", "[azure][keyvault][challenge]") {
    auto c = parsed(std::string(R"(Bearer authorization="https://login.windows.net/)") + kTenant +
                    R"(", resource="https://vault.azure.net")");
    CHECK(c.authorization == std::string("https://login.windows.net/") + kTenant);
    CHECK(c.resource == "https://vault.azure.net");
    CHECK(c.tenant == kTenant);
}

TEST_CASE("Key Vault challenges: authorization_uri and scope without /.default", "[azure][keyvault][challenge]") {
    auto c = parsed(
        R"(Bearer authorization_uri="https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize", )"
        R"(scope="https://vault.azure.net/.default")");
    CHECK(c.resource == "https://vault.azure.net");
    CHECK(c.tenant == "contoso.onmicrosoft.com");
    // authorization wins over authorization_uri, resource over scope
    auto both = parsed(
        R"(Bearer authorization_uri="https://a/t1", authorization="https://b/t2", scope="https://s.net/.default", )"
        R"(resource="https://r.net")");
    CHECK(both.tenant == "t2");
    CHECK(both.resource == "https://r.net");
}

TEST_CASE("Key Vault challenges: case and spacing and bare values", "[azure][keyvault][challenge]") {
    auto c = parsed("  bEaReR   Authorization = https://login.windows.net/t ,RESOURCE=\"https://vault.azure.cn\"\t,  ");
    CHECK(c.authorization == "https://login.windows.net/t");
    CHECK(c.resource == "https://vault.azure.cn");
    auto no_commas = parsed(R"(Bearer resource="https://vault.azure.net" authorization="https://login.windows.net/t")");
    CHECK(no_commas.resource == "https://vault.azure.net");
    CHECK(no_commas.tenant == "t");
    auto escaped = parsed(R"(Bearer resource="https://vault.azure.net", error_description="a \"quoted\", text")");
    CHECK(escaped.resource == "https://vault.azure.net");
    CHECK(parsed("Bearer").resource.empty());
    CHECK(parsed(R"(Bearer error="invalid_token", resource="https://first.net", resource="https://second.net")")
              .resource == "https://first.net");
}

TEST_CASE("Key Vault challenges: the Bearer challenge ends where the next scheme starts",
          "[azure][keyvault][challenge]") {
    auto c = parsed(R"(Bearer resource="https://vault.azure.net", PoP resource="https://evil.example")");
    CHECK(c.resource == "https://vault.azure.net");
}

TEST_CASE("Key Vault challenges: what is not a Bearer challenge is nothing", "[azure][keyvault][challenge]") {
    CHECK_FALSE(parse_bearer_challenge(""));
    CHECK_FALSE(parse_bearer_challenge(R"(Basic realm="x")"));
    CHECK_FALSE(parse_bearer_challenge(R"(Bearerresource="https://vault.azure.net")"));
    CHECK_FALSE(parse_bearer_challenge(R"(Bearer resource="https://vault.azure.net)"));  // unterminated quote
    CHECK_FALSE(parse_bearer_challenge("Bearer resource=\"https://vault.azure.net\r\nX-Injected: 1\""));
    CHECK_FALSE(parse_bearer_challenge(std::string("Bearer resource=\"https://vault.azure.net\0\"", 42)));
    CHECK_FALSE(parse_bearer_challenge(R"(Bearer ="x")"));
    CHECK_FALSE(parse_bearer_challenge("Bearer resource=\"" + std::string(kMaxChallengeBytes, 'a') + "\""));
    CHECK(parse_bearer_challenge("Bearer resource=\"" + std::string(kMaxChallengeBytes - 40, 'a') + "\""));
}

TEST_CASE("Key Vault challenges: a resource in the vault's domain may be followed", "[azure][keyvault][challenge]") {
    CHECK(problem(std::string(R"(Bearer authorization="https://login.windows.net/)") + kTenant +
                  R"(", resource="https://vault.azure.net")")
              .empty());
    CHECK(problem(R"(Bearer resource="https://VAULT.azure.net/")").empty());
    CHECK(problem(R"(Bearer resource="https://vault.localhost")", "kv1.vault.localhost").empty());
    CHECK(
        problem(
            R"(Bearer scope="https://vault.azure.net/.default", authorization="https://login.microsoftonline.com/contoso.com")")
            .empty());
}

TEST_CASE("Key Vault challenges: hostile resources are refused with the reason", "[azure][keyvault][challenge]") {
    CHECK(problem(R"(Bearer resource="https://storage.azure.com")").find("not in the domain of the vault's host") !=
          std::string::npos);
    CHECK(problem(R"(Bearer resource="https://evil.example")").find("https://evil.example") != std::string::npos);
    // a suffix that is not a whole label, and a resource as wide as a top-level domain
    CHECK_FALSE(problem(R"(Bearer resource="https://ault.azure.net")").empty());
    CHECK_FALSE(problem(R"(Bearer resource="https://net")").empty());
    // the vault's own host is no parent domain of itself
    CHECK_FALSE(problem(R"(Bearer resource="https://myvault.vault.azure.net")").empty());
    CHECK(problem(R"(Bearer resource="http://vault.azure.net")").find("not an https origin") != std::string::npos);
    CHECK_FALSE(problem(R"(Bearer resource="https://vault.azure.net/path")").empty());
    CHECK_FALSE(problem(R"(Bearer resource="https://user@vault.azure.net")").empty());
    CHECK_FALSE(problem(R"(Bearer resource="https://vault.azure.net?x=1")").empty());
    CHECK_FALSE(problem(R"(Bearer scope="https://vault.azure.net/user_impersonation")").empty());
    CHECK(problem(R"(Bearer)").find("names no resource") != std::string::npos);
}

TEST_CASE("Key Vault challenges: the tenant is a GUID or a domain from an https URL", "[azure][keyvault][challenge]") {
    const std::string resource = R"(, resource="https://vault.azure.net")";
    CHECK(
        problem(R"(Bearer authorization="http://login.windows.net/contoso.com")" + resource).find("not an https URL") !=
        std::string::npos);
    CHECK(problem(R"(Bearer authorization="https://login.windows.net/..")" + resource).find("neither a GUID") !=
          std::string::npos);
    CHECK_FALSE(problem(R"(Bearer authorization="https://login.windows.net/--tenant")" + resource).empty());
    CHECK_FALSE(problem(R"(Bearer authorization="https://login.windows.net/a%2Fb")" + resource).empty());
    CHECK_FALSE(
        problem(R"(Bearer authorization="https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db4")" + resource)
            .empty());  // one digit short of a GUID, and no domain
    CHECK(problem(R"(Bearer authorization="https://login.windows.net/")" + resource).empty());  // no tenant: our own
}
