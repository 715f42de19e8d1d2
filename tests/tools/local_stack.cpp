// The local stack behind ./scripts/demo.sh: the fake Pigment, the fake IMDS and Key Vault,
// and Azurite over HTTPS with bearer tokens, all on loopback. Prints shell `export` lines
// describing it, then runs until SIGINT or SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "fakes/azurite.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_key_vault.hpp"
#include "fakes/fake_pigment.hpp"

namespace {

constexpr const char* kApiKey = "pgx_demo_export_key_b41c09e7";
constexpr const char* kBlockId = "5d0c6a1e-8f7b-4c2d-9e3a-1b2c3d4e5f60";
constexpr const char* kSecretName = "pigment-api-key";
constexpr const char* kContainer = "exports";

}  // namespace

int main() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the servers' threads inherit the mask

    testing::FakePigment pigment(kApiKey);
    pigment.add_generated_block("metric", kBlockId, 32u << 20);
    testing::FakeImds imds;
    imds.start();
    testing::FakeKeyVault vault;
    vault.put_secret(kSecretName, kApiKey);
    vault.start();
    testing::Azurite azurite(testing::AzuriteOptions{true});
    azurite.create_container(kContainer);

    std::cout << "export PIGMENT_URL=" << pigment.base_url() << "\n"
              << "export PIGMENT_BLOCK_ID=" << kBlockId << "\n"
              << "export PIGMENT_KEY_VAULT_URL=" << vault.base_url() << "\n"
              << "export PIGMENT_SECRET_NAME=" << kSecretName << "\n"
              << "export AZURE_POD_IDENTITY_AUTHORITY_HOST=" << imds.base_url() << "\n"
              << "export DEMO_STORAGE_URL=" << azurite.base_url() << "/" << kContainer << "\n"
              << "export DEMO_CA_BUNDLE=" << azurite.ca_certificate() << "\n"
              << "export DEMO_READY=1" << std::endl;

    int received = 0;
    sigwait(&signals, &received);
    return 0;
}
