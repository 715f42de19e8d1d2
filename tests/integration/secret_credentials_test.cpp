// Every credential source and Key Vault at the library level against their loopback fakes:
// the wire rules each fake enforces, user-assigned ids, fault injection, refresh, the chain.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "failure_of.hpp"
#include "fakes/fake_app_service.hpp"
#include "fakes/fake_arc.hpp"
#include "fakes/fake_entra.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_key_vault.hpp"
#include "fakes/process_runner.hpp"
#include "pigment_export/azure/arc_source.hpp"
#include "pigment_export/azure/azure_cli_credential.hpp"
#include "pigment_export/azure/caching_credential.hpp"
#include "pigment_export/azure/credential_unavailable.hpp"
#include "pigment_export/azure/imds_source.hpp"
#include "pigment_export/azure/key_vault.hpp"
#include "pigment_export/azure/managed_identity_source.hpp"
#include "pigment_export/azure/workload_identity_credential.hpp"
#include "pigment_export/core/failure.hpp"

using testing::failure_of;

using namespace pe::azure;
using namespace std::chrono_literals;

namespace {

constexpr const char* kVault = "https://vault.azure.net";
constexpr const char* kStorage = "https://storage.azure.com/";
constexpr const char* kUserClientId = "0a1b2c3d-0000-4000-8000-000000000001";

pe::SecretSettings secret_settings(const std::string& vault_url,
                                   pe::CredentialKind kind = pe::CredentialKind::automatic,
                                   const std::string& client_id = {}) {
    pe::SecretSettings s;
    s.key_vault_url = vault_url;
    s.secret_name = "pigment-key";
    s.credential = kind;
    s.client_id = client_id;
    return s;
}

std::string audience(const AccessToken& token) {
    auto claims = testing::decode_jwt(token.token.reveal());
    REQUIRE(claims);
    return claims->aud;
}

testing::FakeImdsOptions imds_options(bool system_assigned, std::set<std::string> user_assigned = {},
                                      std::chrono::seconds lifetime = 3600s) {
    testing::FakeImdsOptions options;
    options.system_assigned = system_assigned;
    options.user_assigned = std::move(user_assigned);
    options.token_lifetime = lifetime;
    return options;
}

testing::FakeAppServiceOptions app_service_options(std::set<std::string> user_assigned) {
    testing::FakeAppServiceOptions options;
    options.user_assigned = std::move(user_assigned);
    return options;
}

// Asks for a storage token whatever resource the caller wants: a token for the wrong audience.
class WrongAudience : public TokenCredential {
public:
    explicit WrongAudience(std::shared_ptr<TokenCredential> inner) : inner_(std::move(inner)) {}
    AccessToken get_token(const TokenRequest&) override { return inner_->get_token({kStorage}); }
    std::string name() const override { return "wrong audience"; }

private:
    std::shared_ptr<TokenCredential> inner_;
};

// An `az` stand-in: a shell script that checks its arguments and prints what the real one would.
std::string fake_az(const testing::TempDir& dir, const std::string& body) {
    std::string path = dir.file("az");
    testing::write_file(path, "#!/bin/sh\n" + body);
    chmod(path.c_str(), 0755);
    return path;
}

}  // namespace

TEST_CASE("IMDS: system-assigned token for Key Vault and storage from one credential", "[secret][imds]") {
    testing::FakeImds imds;
    imds.start();
    testing::FakeKeyVault vault;
    vault.put_secret("pigment-key", "pigment-api-key-value-1");
    vault.start();
    auto env = pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}});
    auto cred = make_credential(secret_settings(vault.base_url(), pe::CredentialKind::managed_identity), {}, env);

    CHECK(read_key_vault_secret(*cred, secret_settings(vault.base_url()), {}, 3).reveal() == "pigment-api-key-value-1");
    CHECK(audience(cred->get_token({kStorage})) == "https://storage.azure.com");
    CHECK(audience(cred->get_token({kVault})) == "https://vault.azure.net");  // cached: no third request

    auto requests = imds.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].header("Metadata") == "true");
    CHECK(requests[0].param("api-version") == "2018-02-01");
    CHECK(requests[0].param("resource") == "https://vault.azure.net");
    CHECK(requests[1].param("resource") == "https://storage.azure.com/");
    CHECK_FALSE(requests[0].has_param("client_id"));
    auto kv = vault.requests();
    REQUIRE(kv.size() == 1);
    CHECK(kv[0].path == "/secrets/pigment-key");
    CHECK(kv[0].param("api-version") == "7.5");
}

TEST_CASE("Key Vault refuses a token minted for another resource, and we say which one it expects",
          "[secret][keyvault]") {
    testing::FakeImds imds;
    imds.start();
    testing::FakeKeyVault vault;
    vault.put_secret("pigment-key", "pigment-api-key-value-1");
    vault.start();
    auto env = pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}});
    WrongAudience cred(make_credential(secret_settings(vault.base_url()), {}, env));
    auto info = failure_of([&] { read_key_vault_secret(cred, secret_settings(vault.base_url()), {}, 3); });
    CHECK(info.http_status == 401);
    CHECK(info.message.find("resource=https://vault.azure.net") != std::string::npos);
    CHECK(info.message.find("authorization=https://login.windows.net/" + std::string(testing::kFakeTenantId)) !=
          std::string::npos);
}

TEST_CASE("IMDS: the user-assigned client id is passed through - an unassigned one fails with a hint",
          "[secret][imds]") {
    testing::FakeImds imds(imds_options(false, {kUserClientId}));
    imds.start();
    auto env = pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}});
    auto user = make_credential(
        secret_settings("https://v.vault.azure.net", pe::CredentialKind::managed_identity, kUserClientId), {}, env);
    CHECK(testing::decode_jwt(user->get_token({kVault}).token.reveal())->sub == kUserClientId);
    CHECK(imds.requests().back().param("client_id") == kUserClientId);

    auto system =
        make_credential(secret_settings("https://v.vault.azure.net", pe::CredentialKind::managed_identity), {}, env);
    auto info = failure_of([&] { system->get_token({kVault}); });
    CHECK(info.http_status == 400);
    CHECK(info.message.find("system-assigned identity") != std::string::npos);
    CHECK(info.hint.find("--client-id") != std::string::npos);
}

TEST_CASE("IMDS: 410 (starting) then 200 is retried - 429 honours Retry-After", "[secret][imds]") {
    testing::FakeImds imds;
    imds.push_fault(testing::Fault::answer(410));
    imds.push_fault(testing::Fault::answer(429, R"({"error":"too_many"})", {{"Retry-After", "1"}}));
    imds.start();
    ImdsSource source(imds.base_url(), {}, {}, false);
    auto started = std::chrono::steady_clock::now();
    CHECK(audience(source.get_token({kVault})) == "https://vault.azure.net");
    CHECK(imds.request_count() == 3);
    CHECK(std::chrono::steady_clock::now() - started >= 1s);
}

TEST_CASE("IMDS: a 200 with a broken body is an error, not retried, and names the endpoint", "[secret][imds]") {
    testing::FakeImds imds;
    imds.push_fault(testing::Fault::answer(200, "<html>proxy login</html>"));
    imds.start();
    ImdsSource source(imds.base_url(), {}, {}, false);
    auto info = failure_of([&] { source.get_token({kVault}); });
    CHECK(info.message.find("unusable token response") != std::string::npos);
    CHECK(info.message.find("127.0.0.1") != std::string::npos);
    CHECK(imds.request_count() == 1);
}

TEST_CASE("IMDS in the chain: an absent endpoint is 'unavailable' within about a second", "[secret][imds][chain]") {
    testing::FakeImds imds;
    imds.start();
    std::string dead = "http://127.0.0.1:1";  // nothing listens on port 1
    ImdsSource absent(dead, {}, {}, true);
    auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(absent.get_token({kVault}), CredentialUnavailable);
    CHECK(std::chrono::steady_clock::now() - started < 3s);

    // Present but without an identity for us: also unavailable, so the chain moves on.
    testing::FakeImds no_identity(imds_options(false));
    no_identity.start();
    CHECK_THROWS_AS(ImdsSource(no_identity.base_url(), {}, {}, true).get_token({kVault}), CredentialUnavailable);

    // An egress filter answering on the IMDS address in IMDS's place.
    testing::FakeImds filtered;
    filtered.push_fault(testing::Fault::answer(403, "resolve_deny: denied destination"));
    filtered.start();
    CHECK_THROWS_AS(ImdsSource(filtered.base_url(), {}, {}, true).get_token({kVault}), CredentialUnavailable);
}

TEST_CASE("IMDS: a hung answer times out and the retry succeeds", "[secret][imds]") {
    testing::FakeImds imds;
    imds.push_fault(testing::Fault::slow(3000ms));
    imds.start();
    pe::NetworkSettings network;
    network.stall_timeout = 1s;
    ImdsSource source(imds.base_url(), {}, network, false);
    CHECK(audience(source.get_token({kVault})) == "https://vault.azure.net");
    CHECK(imds.request_count() == 2);
}

TEST_CASE("Tokens are refreshed near expiry against the real endpoint", "[secret][cache]") {
    testing::FakeImds imds(imds_options(true, {}, 3600s));
    imds.start();
    auto now = std::chrono::system_clock::now();
    CachingCredential cache(
        std::make_unique<ImdsSource>(imds.base_url(), ManagedIdentityId{}, pe::NetworkSettings{}, false),
        [&] { return now; });
    auto first = cache.get_token({kStorage});
    now += 50min;
    CHECK(cache.get_token({kStorage}).token.reveal() == first.token.reveal());
    CHECK(imds.request_count() == 1);
    now += 6min;
    CHECK(cache.get_token({kStorage}).token.reveal() != first.token.reveal());
    CHECK(imds.request_count() == 2);
}

TEST_CASE("App Service 2019: X-IDENTITY-HEADER, client_id, mi_res_id", "[secret][appservice]") {
    std::string resource_id =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u";
    testing::FakeAppService app(app_service_options({kUserClientId, resource_id}));
    app.start();
    auto env = pe::map_env({{"IDENTITY_ENDPOINT", app.endpoint()}, {"IDENTITY_HEADER", app.options().identity_header}});
    auto system =
        make_credential(secret_settings("https://v.vault.azure.net", pe::CredentialKind::managed_identity), {}, env);
    CHECK(audience(system->get_token({kVault})) == "https://vault.azure.net");
    auto r = app.requests().back();
    CHECK(r.param("api-version") == "2019-08-01");
    CHECK(r.header("X-IDENTITY-HEADER") == "fake-identity-header-0123456789");

    auto user =
        make_credential(secret_settings("https://v", pe::CredentialKind::managed_identity, kUserClientId), {}, env);
    user->get_token({kStorage});
    CHECK(app.requests().back().param("client_id") == kUserClientId);
    auto by_id =
        make_credential(secret_settings("https://v", pe::CredentialKind::managed_identity, resource_id), {}, env);
    by_id->get_token({kStorage});
    CHECK(app.requests().back().param("mi_res_id") == resource_id);

    auto stale = pe::map_env({{"IDENTITY_ENDPOINT", app.endpoint()}, {"IDENTITY_HEADER", "rotated-away-value"}});
    auto info = failure_of([&] {
        make_credential(secret_settings("https://v", pe::CredentialKind::managed_identity), {}, stale)
            ->get_token({kVault});
    });
    CHECK(info.http_status == 401);
    CHECK(info.hint.find("IDENTITY_HEADER") != std::string::npos);
}

TEST_CASE("App Service 2017 (date-string expiry, clientid) and Cloud Shell (form POST)", "[secret][appservice]") {
    testing::FakeAppService app(app_service_options({kUserClientId}));
    app.start();
    auto legacy = make_credential(
        secret_settings("https://v", pe::CredentialKind::managed_identity, kUserClientId), {},
        pe::map_env({{"MSI_ENDPOINT", app.legacy_endpoint()}, {"MSI_SECRET", app.options().msi_secret}}));
    auto token = legacy->get_token({kVault});
    CHECK(token.expires_on > std::chrono::system_clock::now() + 50min);
    CHECK(app.requests().back().param("clientid") == kUserClientId);

    auto shell = make_credential(secret_settings("https://v", pe::CredentialKind::managed_identity), {},
                                 pe::map_env({{"MSI_ENDPOINT", app.cloud_shell_endpoint()}}));
    CHECK(audience(shell->get_token({kVault})) == "https://vault.azure.net");
    CHECK(app.requests().back().method == "POST");
}

TEST_CASE("Arc: 401 challenge, key file from the agent's folder, repeat with Basic", "[secret][arc]") {
    testing::TempDir keys;
    testing::FakeArc arc(keys.path());
    arc.start();
    ManagedIdentityOptions options;
    options.arc_key_dir = keys.path();
    auto cred = make_managed_identity_credential(
        pe::map_env({{"IDENTITY_ENDPOINT", arc.endpoint()}, {"IMDS_ENDPOINT", arc.imds_endpoint()}}), options);
    CHECK(cred->name() == "managed identity (Azure Arc)");
    CHECK(audience(cred->get_token({kVault})) == "https://vault.azure.net");
    auto requests = arc.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].header("Authorization").empty());
    CHECK(requests[1].header("Authorization").rfind("Basic arc-key-", 0) == 0);
    CHECK(requests[1].param("api-version") == "2019-11-01");
}

TEST_CASE("Arc: a challenge naming a file outside the folder is refused and nothing is sent", "[secret][arc]") {
    testing::TempDir keys;
    testing::TempDir elsewhere;
    testing::write_file(elsewhere.file("stolen.key"), "do-not-send");
    testing::FakeArc arc(keys.path());
    arc.set_realm_override(elsewhere.file("stolen.key"));
    arc.start();
    ArcSource source(arc.endpoint(), keys.path(), {}, false);
    auto info = failure_of([&] { source.get_token({kVault}); });
    CHECK(info.message.find("outside the agent's token folder") != std::string::npos);
    CHECK(arc.requests().size() == 1);
}

TEST_CASE("Client secret: the form Entra requires - a wrong secret gives AADSTS7000215 and a hint", "[secret][entra]") {
    testing::FakeEntra entra;
    entra.add_app({"app-client-id", "right-secret-value-123", ""});
    entra.start();
    auto env = [&](const std::string& secret) {
        return pe::map_env({{"AZURE_TENANT_ID", entra.tenant()},
                            {"AZURE_CLIENT_ID", "app-client-id"},
                            {"AZURE_CLIENT_SECRET", secret},
                            {"AZURE_AUTHORITY_HOST", entra.authority()}});
    };
    auto cred = make_credential(secret_settings("https://v.vault.azure.net"), {}, env("right-secret-value-123"));
    CHECK(audience(cred->get_token({kStorage})) == "https://storage.azure.com");
    CHECK(cred->name() == "auto (client secret)");
    auto r = entra.requests().back();
    CHECK(r.path == "/" + entra.tenant() + "/oauth2/v2.0/token");
    CHECK(r.param("scope") == "https://storage.azure.com/.default");
    CHECK(r.param("grant_type") == "client_credentials");

    auto wrong = make_credential(secret_settings("https://v.vault.azure.net", pe::CredentialKind::client_secret), {},
                                 env("wrong-secret-value-456"));
    auto info = failure_of([&] { wrong->get_token({kVault}); });
    CHECK(info.http_status == 401);
    CHECK(info.service_code == "AADSTS7000215");
    CHECK(info.hint.find("AZURE_CLIENT_SECRET") != std::string::npos);
    CHECK(pe::format_failure_line(info).find("wrong-secret-value-456") == std::string::npos);
}

TEST_CASE("Entra: a 500 is retried", "[secret][entra]") {
    testing::FakeEntra entra;
    entra.add_app({"app-client-id", "right-secret-value-123", ""});
    entra.push_fault(testing::Fault::answer(500));
    entra.start();
    auto cred = make_credential(secret_settings("https://v.vault.azure.net", pe::CredentialKind::client_secret), {},
                                pe::map_env({{"AZURE_TENANT_ID", entra.tenant()},
                                             {"AZURE_CLIENT_ID", "app-client-id"},
                                             {"AZURE_CLIENT_SECRET", "right-secret-value-123"},
                                             {"AZURE_AUTHORITY_HOST", entra.authority()}}));
    CHECK_NOTHROW(cred->get_token({kVault}));
    CHECK(entra.requests().size() == 2);
}

TEST_CASE("Workload identity: jwt-bearer assertion from the token file, re-read on every request", "[secret][entra]") {
    testing::TempDir dir;
    std::string file = dir.file("token");
    testing::write_file(file, "federated.token.one\n");
    testing::FakeEntra entra;
    entra.add_app({"wi-client-id", "", "federated.token.one"});
    entra.start();
    WorkloadIdentityCredential cred({entra.authority(), entra.tenant(), "wi-client-id"}, file, {});
    CHECK(audience(cred.get_token({kVault})) == "https://vault.azure.net");
    auto r = entra.requests().back();
    CHECK(r.param("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    CHECK(r.param("client_assertion") == "federated.token.one");

    testing::write_file(file, "federated.token.two");  // Kubernetes rotated it
    auto info = failure_of([&] { cred.get_token({kVault}); });
    CHECK(entra.requests().back().param("client_assertion") == "federated.token.two");
    CHECK(info.service_code == "AADSTS70021");
    CHECK(info.hint.find("federated credential") != std::string::npos);
}

TEST_CASE("The auto chain: client secret, workload identity, managed identity, CLI, in that order", "[secret][chain]") {
    testing::TempDir dir;
    testing::write_file(dir.file("token"), "federated.token.one");
    testing::FakeEntra entra;
    entra.add_app({"wi-client-id", "", "federated.token.one"});
    entra.start();
    testing::FakeImds imds;
    imds.start();
    auto cred = make_credential(secret_settings("https://v.vault.azure.net"), {},
                                pe::map_env({{"AZURE_TENANT_ID", entra.tenant()},
                                             {"AZURE_CLIENT_ID", "wi-client-id"},
                                             {"AZURE_FEDERATED_TOKEN_FILE", dir.file("token")},
                                             {"AZURE_AUTHORITY_HOST", entra.authority()},
                                             {"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}}));
    cred->get_token({kVault});
    CHECK(cred->name() == "auto (workload identity)");
    CHECK(imds.request_count() == 0);

    auto mi = make_credential(secret_settings("https://v.vault.azure.net"), {},
                              pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}}));
    mi->get_token({kVault});
    CHECK(mi->name() == "auto (managed identity (IMDS))");
}

TEST_CASE("The auto chain's combined error names every source's reason", "[secret][chain]") {
    testing::FakeImds imds(imds_options(false));
    imds.start();
    auto cred = make_credential(secret_settings("https://v.vault.azure.net"), {},
                                pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}}));
    auto info = failure_of([&] { cred->get_token({kVault}); });
    CHECK(info.stage == pe::Stage::secret);
    CHECK(info.message.find("client secret: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set") !=
          std::string::npos);
    CHECK(
        info.message.find("workload identity: AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID, AZURE_CLIENT_ID not set") !=
        std::string::npos);
    CHECK(info.message.find("managed identity (IMDS): IMDS at 127.0.0.1:") != std::string::npos);
    CHECK(info.message.find("Azure CLI: ") != std::string::npos);
}

TEST_CASE("Azure CLI: arguments without a shell, expires_on, not-logged-in and timeout", "[secret][cli]") {
    testing::TempDir dir;
    std::string ok = fake_az(dir, R"(
[ "$1 $2 $3 $4 $5" = "account get-access-token --output json --resource" ] || exit 3
[ "$6" = "https://vault.azure.net" ] || exit 4
echo '{"accessToken":"cli.token.value.123","expiresOn":"2000-01-01 00:00:00.000000","expires_on":4102444800,"tokenType":"Bearer"}'
)");
    auto token = AzureCliCredential(ok).get_token({kVault});
    CHECK(token.token.reveal() == "cli.token.value.123");
    CHECK(std::chrono::system_clock::to_time_t(token.expires_on) == 4102444800);

    testing::TempDir logged_out_dir;
    std::string logged_out =
        fake_az(logged_out_dir, "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n");
    CHECK_THROWS_AS(AzureCliCredential(logged_out).get_token({kVault}), CredentialUnavailable);
    CHECK_THROWS_AS(AzureCliCredential(dir.file("no-such-az")).get_token({kVault}), CredentialUnavailable);

    testing::TempDir slow_dir;
    std::string slow = fake_az(slow_dir, "sleep 5\n");
    auto started = std::chrono::steady_clock::now();
    auto info = failure_of([&] { AzureCliCredential(slow, 300ms).get_token({kVault}); });
    CHECK(info.message.find("did not finish in time") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("Key Vault: each refusal maps to its code and hint", "[secret][keyvault]") {
    testing::FakeImds imds;
    imds.start();
    auto env = pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}});
    auto read = [&](testing::FakeKeyVault& vault, const std::string& name = "pigment-key",
                    const std::string& version = {}) {
        auto settings = secret_settings(vault.base_url());
        settings.secret_name = name;
        settings.secret_version = version;
        auto cred = make_credential(settings, {}, env);
        return failure_of([&] { read_key_vault_secret(*cred, settings, {}, 2); });
    };
    for (std::string code : {"ForbiddenByRbac", "AccessDenied", "ForbiddenByFirewall"}) {
        testing::FakeKeyVault vault;
        vault.put_secret("pigment-key", "pigment-api-key-value-1");
        vault.deny(code);
        vault.start();
        auto info = read(vault);
        CHECK(info.http_status == 403);
        CHECK(info.service_code == code);
        CHECK_FALSE(info.hint.empty());
    }
    testing::FakeKeyVault vault;
    vault.put_secret("pigment-key", "old-pigment-key-value", "0123456789abcdef0123456789abcdef", false);
    vault.put_secret("pigment-key", "new-pigment-key-value");
    vault.start();
    CHECK(read(vault, "pigment-key", "0123456789abcdef0123456789abcdef").service_code == "SecretDisabled");
    CHECK(read(vault, "other-key").service_code == "SecretNotFound");
    CHECK(read(vault, "pigment-key", "ffffffffffffffffffffffffffffffff").http_status == 404);
}

TEST_CASE("Key Vault: 429 with Retry-After is retried - an unreachable vault is named", "[secret][keyvault]") {
    testing::FakeImds imds;
    imds.start();
    auto env = pe::map_env({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}});
    testing::FakeKeyVault vault;
    vault.put_secret("pigment-key", "pigment-api-key-value-1");
    vault.push_fault(
        testing::Fault::answer(429, R"({"error":{"code":"Throttled","message":"slow down"}})", {{"Retry-After", "1"}}));
    vault.start();
    auto settings = secret_settings(vault.base_url());
    auto cred = make_credential(settings, {}, env);
    CHECK(read_key_vault_secret(*cred, settings, {}, 3).reveal() == "pigment-api-key-value-1");
    CHECK(vault.requests().size() == 2);

    auto nowhere = secret_settings("http://127.0.0.1:1");
    auto info = failure_of([&] { read_key_vault_secret(*cred, nowhere, {}, 0); });
    CHECK(info.http_status == 0);
    CHECK(info.message.find("cannot reach Key Vault at 127.0.0.1:1") != std::string::npos);
}
