// The C++ fakes as one process for the conformance tier (tests/conformance): the official Azure
// SDKs for JavaScript and the real binary are pointed at the same fakes, so the fakes are held to
// what the SDKs need and the binary's requests can be compared with theirs. Starts every fake on
// loopback with fixed test identities, prints one JSON object describing them on stdout, then
// runs until stdin closes or SIGINT/SIGTERM arrives. (The tests record the requests on the way
// in, in a proxy of their own, so what is compared is the wire text before any parsing here.)
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "fakes/azurite.hpp"
#include "fakes/csv_generator.hpp"
#include "fakes/fake_app_service.hpp"
#include "fakes/fake_arc.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_entra.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_key_vault.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"

namespace {

constexpr const char* kApiKey = "pgx_conformance_key_5e1f0a77";
constexpr const char* kSmallBlock = "1c3e5a70-0000-4000-8000-00000000c0f1";
constexpr const char* kLargeBlock = "1c3e5a70-0000-4000-8000-00000000c0f2";
constexpr const char* kSecretName = "pigment-api-key";
constexpr const char* kDisabledSecret = "disabled-secret";
constexpr const char* kFilesystem = "conformance";
constexpr const char* kClientId = "7d1c0b2a-0000-4000-8000-00000000a991";
constexpr const char* kClientSecret = "conformance-client-secret-0123456789";
constexpr const char* kUserClientId = "7d1c0b2a-0000-4000-8000-00000000b992";
constexpr const char* kUserResourceId =
    "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/conformance/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/conformance";
constexpr const char* kFederatedToken = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y29uZiJ9.c2ln";

}  // namespace

int main() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the servers' threads inherit the mask

    testing::TempDir arc_keys;
    testing::FakePigment pigment(kApiKey);
    pigment.add_block("metric", kSmallBlock, testing::generate_csv_string(3'000));
    pigment.add_block("metric", kLargeBlock, testing::generate_csv_string(200'000));
    testing::FakeImdsOptions imds_options;
    imds_options.user_assigned = {kUserClientId, kUserResourceId};
    testing::FakeImds imds(imds_options);
    imds.start();
    testing::FakeAppServiceOptions app_service_options;
    app_service_options.user_assigned = {kUserClientId, kUserResourceId};
    testing::FakeAppService app_service(app_service_options);
    app_service.start();
    testing::FakeArc arc(arc_keys.path());
    arc.start();
    testing::FakeEntra entra;
    entra.add_app({kClientId, kClientSecret, kFederatedToken});
    entra.start();
    testing::FakeKeyVault vault;
    vault.put_secret(kSecretName, kApiKey);
    vault.put_secret(kDisabledSecret, "never-shown", {}, false);
    vault.start();
    testing::FakeDfs dfs;
    dfs.create_filesystem(kFilesystem);

    nlohmann::json description = {
        {"pigment",
         {{"url", pigment.base_url()},
          {"api_key", kApiKey},
          {"small_block", kSmallBlock},
          {"large_block", kLargeBlock}}},
        {"user_assigned", {{"client_id", kUserClientId}, {"resource_id", kUserResourceId}}},
        {"imds", {{"url", imds.base_url()}}},
        {"app_service", {{"url", app_service.endpoint()}, {"identity_header", app_service.options().identity_header}}},
        {"arc", {{"url", arc.endpoint()}, {"imds_endpoint", arc.imds_endpoint()}, {"key_dir", arc_keys.path()}}},
        {"entra",
         {{"url", entra.authority()},
          {"tenant", entra.tenant()},
          {"client_id", kClientId},
          {"client_secret", kClientSecret},
          {"federated_token", kFederatedToken}}},
        {"key_vault",
         {{"url", vault.base_url()},
          {"secret", kSecretName},
          {"value", kApiKey},
          {"disabled_secret", kDisabledSecret}}},
        {"dfs",
         {{"url", dfs.base_url()},
          {"account", dfs.account()},
          {"key", testing::Azurite::kKey},
          {"filesystem", kFilesystem}}}};
    std::cout << description.dump() << std::endl;

    std::thread stdin_watch([] {
        char buffer[256];
        while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
        }
        ::kill(::getpid(), SIGTERM);
    });
    stdin_watch.detach();
    int received = 0;
    sigwait(&signals, &received);
    return 0;
}
