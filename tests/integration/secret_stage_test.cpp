// The secret stage through the real binary: each credential flavour end to end against its
// fake, each Key Vault refusal → exit 3 with its hint, nothing sent to Pigment and the
// destination untouched on failure, and no secret in any output at --log-level trace.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <set>

#include "fakes/fake_app_service.hpp"
#include "fakes/fake_arc.hpp"
#include "fakes/fake_entra.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_key_vault.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/raw_http_server.hpp"
#include "fakes/run_helpers.hpp"

namespace {

constexpr const char* kApiKey = "pigment-api-key-7f3a9c1e5b";
constexpr const char* kBlockId = "3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
constexpr const char* kCsv = "Month;Revenue\nJan;1\nFeb;2\n";
constexpr const char* kOldContent = "previous export\n";
constexpr const char* kClientSecret = "client-secret-value-9d8e7f";
constexpr const char* kFederatedToken = "federated.token.value-6c5b4a";

struct Stage {
    testing::FakePigment pigment{kApiKey};
    testing::FakeKeyVault vault;
    testing::FakeImds imds;
    testing::TempDir dir;
    std::string dest = dir.file("out.csv");
    std::string secret_name = "pigment-key";

    // `vault_host`: the name the binary reaches the vault by (names under localhost are loopback).
    explicit Stage(const std::string& vault_audience = "https://vault.azure.net",
                   const std::string& vault_tenant = testing::kFakeTenantId, std::string vault_host = {})
        : vault(vault_audience, vault_tenant), vault_host_(std::move(vault_host)) {
        pigment.add_block("metric", kBlockId, kCsv);
        vault.put_secret("pigment-key", kApiKey);
        vault.start();
        imds.start();
        testing::write_file(dest, kOldContent);
    }

    std::map<std::string, std::string> imds_env() const {
        return {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}};
    }

    std::string vault_url() const {
        if (vault_host_.empty()) return vault.base_url();
        std::string url = vault.base_url();
        return "http://" + vault_host_ + url.substr(url.rfind(':'));
    }

    testing::RunResult run(std::map<std::string, std::string> env, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {
            "--block-type",    "metric",    "--block-id",    kBlockId,    "--pigment-url", pigment.base_url(),
            "--key-vault-url", vault_url(), "--secret-name", secret_name, "--dest",        dest,
            "--log-level",     "trace"};
        args.insert(args.end(), extra.begin(), extra.end());
        // An empty PATH directory: no real `az` can answer for the chain.
        env.emplace("PATH", dir.path() + ":/usr/bin:/bin");
        testing::RunOptions options;
        options.env = std::move(env);
        options.timeout = std::chrono::seconds(60);
        return testing::run_program(args, options);
    }

    void require_success(const testing::RunResult& r, const std::vector<std::string>& secrets) const {
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(testing::read_file(dest) == kCsv);
        CHECK(pigment.export_requests() == 1);
        CHECK(testing::leaks_none(r, secrets));
    }

    void require_secret_failure(const testing::RunResult& r, const std::string& expected_in_stderr) const {
        INFO(r.err);
        CHECK(r.exit_code == 3);
        CHECK(r.err.find(expected_in_stderr) != std::string::npos);
        CHECK(pigment.requests().empty());
        CHECK(testing::read_file(dest) == kOldContent);
        CHECK(testing::leaks_none(r, {kApiKey}));
    }

private:
    std::string vault_host_;
};

std::vector<std::string> vault_tokens(const testing::FakeKeyVault& vault) {
    std::vector<std::string> tokens;
    for (const auto& r : vault.requests()) {
        std::string auth = r.header("Authorization");
        if (auth.rfind("Bearer ", 0) == 0) tokens.push_back(auth.substr(7));
    }
    return tokens;
}

constexpr const char* kOtherTenant = "0b9f8e7d-6c5b-4a39-8271-605f4e3d2c1b";
constexpr const char* kPrivateVaultHost = "kv1.vault.localhost";
constexpr const char* kPrivateResource = "https://vault.localhost";

std::map<std::string, std::string> client_secret_env(const testing::FakeEntra& entra) {
    return {{"AZURE_TENANT_ID", entra.tenant()},
            {"AZURE_CLIENT_ID", "sp-client-id"},
            {"AZURE_CLIENT_SECRET", kClientSecret},
            {"AZURE_AUTHORITY_HOST", entra.authority()}};
}

}  // namespace

TEST_CASE("IMDS end to end: token, Key Vault, export - nothing secret at trace level", "[secret][binary]") {
    Stage stage;
    auto r = stage.run(stage.imds_env());
    auto tokens = vault_tokens(stage.vault);
    REQUIRE(tokens.size() == 1);
    std::vector<std::string> secrets = tokens;
    secrets.push_back(kApiKey);
    stage.require_success(r, secrets);
    CHECK(r.err.find("> GET") != std::string::npos);  // trace logging really was on
    auto imds_requests = stage.imds.requests();
    REQUIRE_FALSE(imds_requests.empty());
    CHECK(imds_requests[0].header("Metadata") == "true");
    CHECK(imds_requests[0].param("resource") == "https://vault.azure.net");
}

TEST_CASE("IMDS end to end: --client-id selects the user-assigned identity", "[secret][binary]") {
    Stage stage;
    testing::FakeImdsOptions options;
    options.system_assigned = false;
    options.user_assigned = {"7d1e2f3a-0000-4000-8000-00000000abcd"};
    testing::FakeImds user_imds(options);
    user_imds.start();
    auto r = stage.run({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", user_imds.base_url()}},
                       {"--credential", "managed-identity", "--client-id", "7d1e2f3a-0000-4000-8000-00000000abcd"});
    stage.require_success(r, vault_tokens(stage.vault));
    CHECK(user_imds.requests().front().param("client_id") == "7d1e2f3a-0000-4000-8000-00000000abcd");
}

TEST_CASE("App Service end to end: IDENTITY_ENDPOINT + IDENTITY_HEADER", "[secret][binary]") {
    Stage stage;
    testing::FakeAppService app;
    app.start();
    auto r = stage.run({{"IDENTITY_ENDPOINT", app.endpoint()}, {"IDENTITY_HEADER", app.options().identity_header}});
    auto secrets = vault_tokens(stage.vault);
    secrets.push_back(app.options().identity_header);
    stage.require_success(r, secrets);
    CHECK(app.requests().front().param("api-version") == "2019-08-01");
    CHECK(stage.imds.request_count() == 0);
}

TEST_CASE("Client secret end to end via AZURE_AUTHORITY_HOST", "[secret][binary]") {
    Stage stage;
    testing::FakeEntra entra;
    entra.add_app({"sp-client-id", kClientSecret, ""});
    entra.start();
    auto r = stage.run({{"AZURE_TENANT_ID", entra.tenant()},
                        {"AZURE_CLIENT_ID", "sp-client-id"},
                        {"AZURE_CLIENT_SECRET", kClientSecret},
                        {"AZURE_AUTHORITY_HOST", entra.authority()}});
    auto secrets = vault_tokens(stage.vault);
    secrets.push_back(kClientSecret);
    stage.require_success(r, secrets);
    CHECK(entra.requests().front().param("scope") == "https://vault.azure.net/.default");
}

TEST_CASE("Workload identity end to end: federated token file exchanged at the fake Entra", "[secret][binary]") {
    Stage stage;
    testing::FakeEntra entra;
    entra.add_app({"wi-client-id", "", kFederatedToken});
    entra.start();
    testing::write_file(stage.dir.file("federated-token"), kFederatedToken);
    auto r = stage.run({{"AZURE_TENANT_ID", entra.tenant()},
                        {"AZURE_CLIENT_ID", "wi-client-id"},
                        {"AZURE_FEDERATED_TOKEN_FILE", stage.dir.file("federated-token")},
                        {"AZURE_AUTHORITY_HOST", entra.authority()}},
                       {"--credential", "workload-identity"});
    auto secrets = vault_tokens(stage.vault);
    secrets.push_back(kFederatedToken);
    stage.require_success(r, secrets);
}

TEST_CASE("Key Vault refusals: exit 3 with the hint, Pigment untouched, destination unchanged", "[secret][binary]") {
    struct Case {
        const char* inner_code;
        const char* expected;
    };
    for (const Case& c :
         {Case{"ForbiddenByRbac", "Key Vault Secrets User"}, Case{"AccessDenied", "Get permission on secrets"},
          Case{"ForbiddenByFirewall", "Networking"}}) {
        Stage stage;
        stage.vault.deny(c.inner_code);
        auto r = stage.run(stage.imds_env());
        stage.require_secret_failure(r, c.expected);
        CHECK(r.err.find(c.inner_code) != std::string::npos);
    }
}

TEST_CASE("Key Vault: missing secret, disabled version, wrong audience → exit 3", "[secret][binary]") {
    {
        Stage stage;
        stage.secret_name = "no-such-secret";
        auto r = stage.run(stage.imds_env());
        stage.require_secret_failure(r, "SecretNotFound");
    }
    {
        Stage stage;
        stage.vault.put_secret("pigment-key", "disabled-value-123456", "00112233445566778899aabbccddeeff", false);
        auto r = stage.run(stage.imds_env(), {"--secret-version", "00112233445566778899aabbccddeeff"});
        stage.require_secret_failure(r, "SecretDisabled");
    }
    {
        Stage stage("https://vault.azure.cn");  // a vault that expects another audience
        auto r = stage.run(stage.imds_env());
        stage.require_secret_failure(r, "resource=https://vault.azure.cn");
    }
}

TEST_CASE("Key Vault: 429 with Retry-After is retried and the run succeeds", "[secret][binary]") {
    Stage stage;
    stage.vault.push_fault(
        testing::Fault::answer(429, R"({"error":{"code":"Throttled","message":"slow"}})", {{"Retry-After", "1"}}));
    auto r = stage.run(stage.imds_env());
    stage.require_success(r, vault_tokens(stage.vault));
    CHECK(stage.vault.requests().size() == 2);
}

TEST_CASE("auto with no credential anywhere: one combined error, quickly, exit 3", "[secret][binary]") {
    Stage stage;
    auto started = std::chrono::steady_clock::now();
    auto r = stage.run({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}});
    stage.require_secret_failure(r, "no Azure credential is available");
    CHECK(r.err.find("client secret: ") != std::string::npos);
    CHECK(r.err.find("workload identity: ") != std::string::npos);
    CHECK(r.err.find("managed identity (IMDS): ") != std::string::npos);
    CHECK(r.err.find("Azure CLI: ") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    CHECK(stage.vault.requests().empty());
}

TEST_CASE("A client secret never goes over plain http to a name that only starts with 127.", "[secret][binary]") {
    // Regression (issue 12, item 14): the authority check took any "127." prefix for loopback.
    Stage stage;
    auto r = stage.run({{"AZURE_TENANT_ID", "00000000-0000-4000-8000-000000000000"},
                        {"AZURE_CLIENT_ID", "sp-client-id"},
                        {"AZURE_CLIENT_SECRET", kClientSecret},
                        {"AZURE_AUTHORITY_HOST", "http://127.0.0.1.evil.example:1/"}},
                       {"--credential", "client-secret"});
    stage.require_secret_failure(r, "is not https");
    CHECK(stage.vault.requests().empty());
    CHECK(testing::leaks_none(r, {kClientSecret}));
}

// Issue 12, item 4: every key source passes one check before the key becomes a header.
TEST_CASE("A Key Vault secret that is not a bare key never reaches Pigment: exit 3, named, destination unchanged",
          "[secret][binary]") {
    struct Case {
        std::string value;
        const char* expected;
    };
    for (const Case& c : {Case{std::string(kApiKey) + "\r\nX-Injected: 1", "has a line break at byte 27"},
                          Case{"   \t ", "is only whitespace"}, Case{std::string(kApiKey) + "\n\n", "has a line break"},
                          Case{std::string(1u << 20, 'k'), "is larger than 4 KiB"}}) {
        Stage stage;
        stage.vault.put_secret("pigment-key", c.value);
        auto r = stage.run(stage.imds_env());
        stage.require_secret_failure(r, c.expected);
        CHECK(r.err.find("secret 'pigment-key' in 127.0.0.1") != std::string::npos);
        CHECK(r.err.find("az keyvault secret set --value") != std::string::npos);
        CHECK(r.err.find("X-Injected") == std::string::npos);
    }
}

TEST_CASE("A Key Vault secret saved with one trailing line break is used without it", "[secret][binary]") {
    Stage stage;
    stage.vault.put_secret("pigment-key", std::string(kApiKey) + "\r\n");
    auto r = stage.run(stage.imds_env());
    stage.require_success(r, vault_tokens(stage.vault));
}

TEST_CASE("PIGMENT_API_KEY and --api-key-file: one line end is fine, anything else is exit 3 before any request",
          "[secret][binary]") {
    testing::FakePigment pigment(kApiKey);
    pigment.add_block("metric", kBlockId, kCsv);
    testing::TempDir dir;
    std::string dest = dir.file("out.csv");
    auto run = [&](std::map<std::string, std::string> env, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--block-type",     "metric", "--block-id", kBlockId,      "--pigment-url",
                                         pigment.base_url(), "--dest", dest,         "--log-level", "trace"};
        args.insert(args.end(), extra.begin(), extra.end());
        testing::RunOptions options;
        options.env = std::move(env);
        return testing::run_program(args, options);
    };
    auto r = run({{"PIGMENT_API_KEY", std::string(kApiKey) + "\n"}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    for (const char* bad : {" ", "\t\n", "pigment-api-key\x01x", "pigment key"}) {
        auto refused = run({{"PIGMENT_API_KEY", bad}});
        INFO(refused.err);
        CHECK(refused.exit_code == 3);
        CHECK(refused.err.find("the Pigment API key from PIGMENT_API_KEY ") != std::string::npos);
        if (std::string(bad).size() > 3) CHECK(testing::leaks_none(refused, {bad}));
    }
    std::string key_file = dir.file("key.txt");
    testing::write_file(key_file, std::string(kApiKey) + "\n\n");
    chmod(key_file.c_str(), 0600);
    auto two_lines = run({}, {"--api-key-file", key_file});
    CHECK(two_lines.exit_code == 3);
    CHECK(two_lines.err.find("has a line break at byte 27") != std::string::npos);
    std::string fifo = dir.file("key.fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    auto from_fifo = run({}, {"--api-key-file", fifo});
    CHECK(from_fifo.exit_code == 3);
    CHECK(from_fifo.err.find("is not a regular file") != std::string::npos);
    CHECK(pigment.export_requests() == 1);
}

TEST_CASE("Identity-endpoint values are checked before they become headers: tokens, IDENTITY_HEADER, token files",
          "[secret][binary]") {
    {  // An access token with a CR/LF from the identity endpoint never reaches Key Vault.
        Stage stage;
        stage.imds.push_fault(
            testing::Fault::answer(200, R"({"access_token":"eyJ0.eyJ1.sig\r\nX-Injected: 1","expires_in":"3600"})"));
        auto r = stage.run(stage.imds_env(), {"--credential", "managed-identity"});
        stage.require_secret_failure(r, "the access_token has a line break at byte 14");
        CHECK(stage.vault.requests().empty());
    }
    {  // IDENTITY_HEADER mangled by a deployment script.
        Stage stage;
        testing::FakeAppService app;
        app.start();
        auto r = stage.run(
            {{"IDENTITY_ENDPOINT", app.endpoint()}, {"IDENTITY_HEADER", app.options().identity_header + "\nX: 1"}},
            {"--credential", "managed-identity"});
        stage.require_secret_failure(r, "IDENTITY_HEADER has a line break");
        CHECK(app.requests().empty());
    }
    {  // A federated token file that is a FIFO fails at once instead of hanging.
        Stage stage;
        std::string fifo = stage.dir.file("token.fifo");
        REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
        auto started = std::chrono::steady_clock::now();
        auto r = stage.run({{"AZURE_TENANT_ID", "00000000-0000-4000-8000-000000000000"},
                            {"AZURE_CLIENT_ID", "wi-client-id"},
                            {"AZURE_FEDERATED_TOKEN_FILE", fifo}},
                           {"--credential", "workload-identity"});
        stage.require_secret_failure(r, "is not a regular file");
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    }
}

// Issue 12, item 11: 200 KB of headers from Key Vault was retried as transient and reported
// as "cannot reach"; a deterministic failure is named for what it is and not retried.
TEST_CASE("Key Vault sending oversized headers: exit 3 'malformed answer', asked once, not 'cannot reach'",
          "[secret][binary]") {
    Stage stage;
    std::string huge_header = "X-Padding: " + std::string(200u << 10, 'p') + "\r\n";
    testing::RawHttpServer vault("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + huge_header +
                                 "Content-Length: 2\r\n\r\n{}");
    std::vector<std::string> args = {
        "--block-type",    "metric",          "--block-id",    kBlockId,      "--pigment-url", stage.pigment.base_url(),
        "--key-vault-url", vault.base_url(),  "--secret-name", "pigment-key", "--dest",        stage.dest,
        "--credential",    "managed-identity"};
    testing::RunOptions options;
    options.env = stage.imds_env();
    auto r = testing::run_program(args, options);
    stage.require_secret_failure(r, "MalformedResponse");
    CHECK(r.err.find("sent a malformed answer") != std::string::npos);
    CHECK(r.err.find("cannot reach") == std::string::npos);
    CHECK(vault.requests() == 1);
}

// Issue 14, item 1: a 401 challenge is followed once, for the resource and tenant it names.
TEST_CASE("Key Vault challenge naming another tenant: the token is asked of that tenant and the run succeeds",
          "[secret][binary][challenge]") {
    Stage stage(kPrivateResource, kOtherTenant, kPrivateVaultHost);
    testing::FakeEntra entra;  // the app's home tenant, AZURE_TENANT_ID
    entra.add_tenant(kOtherTenant);
    entra.add_resource(kPrivateResource);
    entra.add_app({"sp-client-id", kClientSecret, ""});
    entra.start();
    auto r = stage.run(client_secret_env(entra), {"--credential", "client-secret"});
    auto secrets = vault_tokens(stage.vault);
    secrets.push_back(kClientSecret);
    stage.require_success(r, secrets);
    auto token_requests = entra.requests();
    REQUIRE(token_requests.size() == 2);
    // pre-authenticated first: the home tenant and the resource the host implies, then the challenge's
    CHECK(token_requests[0].path == "/" + entra.tenant() + "/oauth2/v2.0/token");
    CHECK(token_requests[1].path == std::string("/") + kOtherTenant + "/oauth2/v2.0/token");
    CHECK(token_requests[1].param("scope") == std::string(kPrivateResource) + "/.default");
    CHECK(stage.vault.requests().size() == 2);
    CHECK(testing::decode_jwt(vault_tokens(stage.vault).back())->iss ==
          std::string("https://sts.windows.net/") + kOtherTenant + "/");
}

TEST_CASE("Key Vault challenge: a vault host outside the known suffixes gets a token for the resource it names",
          "[secret][binary][challenge]") {
    Stage stage(kPrivateResource, testing::kFakeTenantId, kPrivateVaultHost);
    testing::FakeEntra entra;
    entra.add_resource(kPrivateResource);
    entra.add_app({"sp-client-id", kClientSecret, ""});
    entra.start();
    auto r = stage.run(client_secret_env(entra));
    auto secrets = vault_tokens(stage.vault);
    secrets.push_back(kClientSecret);
    stage.require_success(r, secrets);
    auto token_requests = entra.requests();
    REQUIRE(token_requests.size() == 2);
    CHECK(token_requests[0].param("scope") == "https://vault.azure.net/.default");
    CHECK(token_requests[1].param("scope") == std::string(kPrivateResource) + "/.default");
    CHECK(token_requests[1].path == "/" + entra.tenant() + "/oauth2/v2.0/token");
    CHECK(r.err.find("Key Vault challenge: resource https://vault.localhost") != std::string::npos);
}

TEST_CASE("Key Vault challenge naming a resource in another domain: exit 3 and no token is asked for it",
          "[secret][binary][challenge]") {
    Stage stage("https://evil.example", testing::kFakeTenantId, kPrivateVaultHost);
    testing::FakeEntra entra;
    entra.add_resource("https://evil.example");
    entra.add_app({"sp-client-id", kClientSecret, ""});
    entra.start();
    auto r = stage.run(client_secret_env(entra));
    stage.require_secret_failure(r, "is not in the domain of the vault's host kv1.vault.localhost");
    CHECK(r.err.find("no token was requested for it") != std::string::npos);
    for (const auto& request : entra.requests()) {
        CHECK(request.param("scope") == "https://vault.azure.net/.default");
    }
    CHECK(stage.vault.requests().size() == 1);
    CHECK(testing::leaks_none(r, {kClientSecret}));
}

// Issue 14, item 2: the error line ends with what Azure support asks for.
TEST_CASE("A Key Vault error line and the summary carry the vault's request id and time", "[secret][binary][trace]") {
    Stage stage;
    stage.vault.deny("ForbiddenByRbac");
    auto summary = stage.dir.file("summary.json");
    auto r = stage.run(stage.imds_env(), {"--summary-json", summary});
    stage.require_secret_failure(r, "ForbiddenByRbac");
    const std::string id = stage.vault.requests().back().request_id;
    CHECK(r.err.find("(request id " + id + ", 20") != std::string::npos);
    auto json = nlohmann::json::parse(testing::read_file(summary));
    CHECK(json["error"]["request_id"] == id);
    CHECK(json["error"]["time"].get<std::string>().size() == 20);
}

TEST_CASE("Key Vault and Entra requests carry the User-Agent and a fresh client request id each",
          "[secret][binary][trace]") {
    Stage stage;
    testing::FakeEntra entra;
    entra.add_app({"sp-client-id", kClientSecret, ""});
    entra.start();
    auto r = stage.run(client_secret_env(entra));
    stage.require_success(r, vault_tokens(stage.vault));
    std::vector<testing::RecordedRequest> seen = stage.vault.requests();
    for (const auto& request : entra.requests()) seen.push_back(request);
    std::set<std::string> ids;
    for (const auto& request : seen) {
        CHECK(request.header("User-Agent").rfind(std::string("pigment-export/") + PIGMENT_EXPORT_VERSION + " (", 0) ==
              0);
        CHECK(request.header("x-ms-client-request-id").size() == 36);
        ids.insert(request.header("x-ms-client-request-id"));
        CHECK(r.err.find("client request id " + request.header("x-ms-client-request-id")) != std::string::npos);
    }
    CHECK(ids.size() == seen.size());
}

// Issue 14, item 4: MSI_ENDPOINT + MSI_SECRET with DEFAULT_IDENTITY_CLIENT_ID is Azure Machine Learning.
TEST_CASE("Azure Machine Learning compute: Metadata true and the default identity's client id", "[secret][binary]") {
    constexpr const char* kDefaultIdentity = "4e5f6a7b-0000-4000-8000-00000000a1b2";
    Stage stage;
    testing::FakeAppServiceOptions options;
    options.system_assigned = false;  // only the identity named by its client id answers
    options.user_assigned = {kDefaultIdentity};
    testing::FakeAppService app(options);
    app.start();
    auto r = stage.run({{"MSI_ENDPOINT", app.legacy_endpoint()},
                        {"MSI_SECRET", app.options().msi_secret},
                        {"DEFAULT_IDENTITY_CLIENT_ID", kDefaultIdentity}});
    auto secrets = vault_tokens(stage.vault);
    secrets.push_back(app.options().msi_secret);
    stage.require_success(r, secrets);
    auto requests = app.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].param("api-version") == "2017-09-01");
    CHECK(requests[0].param("clientid") == kDefaultIdentity);
    CHECK(requests[0].header("Metadata") == "true");
    CHECK(requests[0].header("secret") == app.options().msi_secret);
    CHECK(r.err.find("managed identity (Azure Machine Learning)") != std::string::npos);
}

TEST_CASE("Key Vault challenge naming another tenant: the Azure CLI is run with --tenant",
          "[secret][binary][challenge]") {
    Stage stage(kPrivateResource, kOtherTenant, kPrivateVaultHost);
    std::string home = testing::mint_jwt("https://vault.azure.net", "cli-user", std::chrono::hours(1));
    std::string other = testing::mint_jwt(kPrivateResource, "cli-user", std::chrono::hours(1), kOtherTenant);
    std::string calls = stage.dir.file("az-calls");
    // An `az` stand-in on PATH: logged in to both tenants, answering for the one --tenant names.
    testing::write_file(stage.dir.file("az"),
                        "#!/bin/sh\necho \"$@\" >> '" + calls + "'\ncase \"$*\" in\n  *\"--resource " +
                            kPrivateResource + " --tenant " + kOtherTenant + "\") echo '{\"accessToken\":\"" + other +
                            "\",\"expires_on\":4102444800}' ;;\n  *) echo '{\"accessToken\":\"" + home +
                            "\",\"expires_on\":4102444800}' ;;\nesac\n");
    chmod(stage.dir.file("az").c_str(), 0755);
    auto r = stage.run({}, {"--credential", "azure-cli"});
    stage.require_success(r, {home, other});
    CHECK(testing::read_file(calls) ==
          "account get-access-token --output json --resource https://vault.azure.net\n"
          "account get-access-token --output json --resource " +
              std::string(kPrivateResource) + " --tenant " + kOtherTenant + "\n");
}

// CI's fuzz run: an error body with a number where Key Vault puts its code string made the
// mapping throw nlohmann's type_error out of the secret stage. Every field of every shape a
// service might mistype is read as "absent", and the refusal is still reported as one line.
TEST_CASE("Key Vault error bodies with mistyped fields: exit 3, one line with the status, no internal error",
          "[secret][binary]") {
    for (const char* body :
         {R"({"error":{"code":403,"message":"denied"}})", R"({"error":{"code":"Forbidden","message":["a","b"]}})",
          R"({"error":{"code":null,"innererror":{"code":{"x":1}}}})",
          R"({"error":{"code":"Forbidden","innererror":{"code":7}}})"}) {
        Stage stage;
        std::string text(body);
        testing::RawHttpServer vault("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: " +
                                     std::to_string(text.size()) + "\r\n\r\n" + text);
        std::vector<std::string> args = {"--block-type",    "metric",          "--block-id",
                                         kBlockId,          "--pigment-url",   stage.pigment.base_url(),
                                         "--key-vault-url", vault.base_url(),  "--secret-name",
                                         "pigment-key",     "--dest",          stage.dest,
                                         "--credential",    "managed-identity"};
        testing::RunOptions options;
        options.env = stage.imds_env();
        auto r = testing::run_program(args, options);
        INFO(body);
        stage.require_secret_failure(r, "Key Vault refused to read secret 'pigment-key'");
        CHECK(r.err.find("403") != std::string::npos);
        CHECK(r.err.find("type_error") == std::string::npos);
        CHECK(testing::line_count(r.err) == 1);
    }
}

// Sibling of the above in the Azure CLI's output: an expires_on no clock can hold (seconds far
// past the year 2200 overflow the nanosecond clock) is refused like a missing one.
TEST_CASE("Azure CLI printing an expires_on beyond any clock: exit 3 'no usable expiry'", "[secret][binary]") {
    for (const char* epoch : {"99999999999999", "18446744073709551615", "-1", "4.1e300"}) {
        Stage stage;
        std::string token = testing::mint_jwt("https://vault.azure.net", "cli-user", std::chrono::hours(1));
        testing::write_file(stage.dir.file("az"),
                            "#!/bin/sh\necho '{\"accessToken\":\"" + token + "\",\"expires_on\":" + epoch + "}'\n");
        chmod(stage.dir.file("az").c_str(), 0755);
        auto r = stage.run({}, {"--credential", "azure-cli"});
        INFO(epoch);
        stage.require_secret_failure(r, "printed no usable expiry");
        CHECK(testing::leaks_none(r, {token}));
    }
}
