#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "pigment_export/azure/caching_credential.hpp"
#include "pigment_export/azure/chained_credential.hpp"
#include "pigment_export/azure/credential_unavailable.hpp"

using namespace pe::azure;
using namespace std::chrono_literals;
using std::chrono::system_clock;

namespace {

const system_clock::time_point kStart{std::chrono::seconds(1'700'000'000)};

// Issues "token-<resource>[@tenant]-<n>" valid for `lifetime`, counting calls.
class CountingCredential : public TokenCredential {
public:
    CountingCredential(std::string name, std::chrono::seconds lifetime, const system_clock::time_point* now)
        : name_(std::move(name)), lifetime_(lifetime), now_(now) {}
    AccessToken get_token(const TokenRequest& request) override {
        ++calls;
        resources.push_back(request.resource);
        std::string tenant = request.tenant.empty() ? std::string() : "@" + request.tenant;
        return {pe::Secret("token-" + request.resource + tenant + "-" + std::to_string(calls)), *now_ + lifetime_};
    }
    std::string name() const override { return name_; }
    int calls = 0;
    std::vector<std::string> resources;

private:
    std::string name_;
    std::chrono::seconds lifetime_;
    const system_clock::time_point* now_;
};

class FailingCredential : public TokenCredential {
public:
    FailingCredential(std::string name, bool unavailable) : name_(std::move(name)), unavailable_(unavailable) {}
    AccessToken get_token(const TokenRequest&) override {
        ++calls;
        if (unavailable_) throw CredentialUnavailable(name_ + " is not here", "");
        throw pe::Failure(pe::FailureInfo{pe::Stage::secret, 401, "AADSTS7000215", name_ + " was refused", "fix it"});
    }
    std::string name() const override { return name_; }
    int calls = 0;

private:
    std::string name_;
    bool unavailable_;
};

}  // namespace

TEST_CASE("Refresh is due 5 minutes before expiry, at half-life for short and for 2 h+ tokens", "[azure][cache]") {
    CHECK(refresh_due(kStart, kStart + 1h) == kStart + 55min);
    CHECK(refresh_due(kStart, kStart + 4min) == kStart + 2min);
    CHECK(refresh_due(kStart, kStart + 24h) == kStart + 12h);
    CHECK(refresh_due(kStart, kStart - 1s) == kStart);
}

TEST_CASE("Tokens are cached per resource and refreshed near expiry", "[azure][cache]") {
    system_clock::time_point now = kStart;
    auto inner = std::make_unique<CountingCredential>("inner", 3600s, &now);
    auto* counter = inner.get();
    CachingCredential cache(std::move(inner), [&] { return now; });

    CHECK(cache.get_token({"https://vault.azure.net"}).token.reveal() == "token-https://vault.azure.net-1");
    CHECK(cache.get_token({"https://storage.azure.com/"}).token.reveal() == "token-https://storage.azure.com/-2");
    now += 54min;
    CHECK(cache.get_token({"https://storage.azure.com"}).token.reveal() == "token-https://storage.azure.com/-2");
    CHECK(counter->calls == 2);
    now += 2min;  // inside the 5-minute window: a long upload gets a fresh token in time
    CHECK(cache.get_token({"https://storage.azure.com/"}).token.reveal() == "token-https://storage.azure.com/-3");
    CHECK(counter->calls == 3);
    CHECK(cache.name() == "inner");
}

TEST_CASE("A token for one tenant is not reused for another", "[azure][cache]") {
    system_clock::time_point now = kStart;
    auto inner = std::make_unique<CountingCredential>("inner", 3600s, &now);
    auto* counter = inner.get();
    CachingCredential cache(std::move(inner), [&] { return now; });
    CHECK(cache.get_token({"https://vault.azure.net"}).token.reveal() == "token-https://vault.azure.net-1");
    CHECK(cache.get_token({"https://vault.azure.net", "t2"}).token.reveal() == "token-https://vault.azure.net@t2-2");
    CHECK(cache.get_token({"https://vault.azure.net", "t2"}).token.reveal() == "token-https://vault.azure.net@t2-2");
    CHECK(cache.get_token({"https://vault.azure.net"}).token.reveal() == "token-https://vault.azure.net-1");
    CHECK(counter->calls == 2);
}

TEST_CASE("Concurrent callers share one fetch", "[azure][cache]") {
    system_clock::time_point now = kStart;
    auto inner = std::make_unique<CountingCredential>("inner", 3600s, &now);
    auto* counter = inner.get();
    CachingCredential cache(std::move(inner), [&] { return now; });
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] { cache.get_token({"https://storage.azure.com/"}); });
    }
    for (auto& t : threads) t.join();
    CHECK(counter->calls == 1);
}

TEST_CASE("Tokens for different resources are fetched at the same time", "[azure][cache]") {
    // The vault's fetch waits (up to 5 s) for the storage fetch to begin: with one lock around
    // every fetch the second could only begin after the first ended.
    class Overlapping : public TokenCredential {
    public:
        AccessToken get_token(const TokenRequest& request) override {
            std::unique_lock lock(mutex);
            if (request.resource == "https://storage.azure.com/") {
                storage_started = true;
                changed.notify_all();
            } else {
                overlapped = changed.wait_for(lock, 5s, [&] { return storage_started; });
            }
            return {pe::Secret("token-" + request.resource), kStart + 1h};
        }
        std::string name() const override { return "overlapping"; }
        std::mutex mutex;
        std::condition_variable changed;
        bool storage_started = false;
        bool overlapped = false;
    };
    auto inner = std::make_unique<Overlapping>();
    auto* probe = inner.get();
    CachingCredential cache(std::move(inner), [] { return kStart; });
    std::thread vault([&] { cache.get_token({"https://vault.azure.net"}); });
    std::this_thread::sleep_for(50ms);  // let the vault's fetch start first
    cache.get_token({"https://storage.azure.com/"});
    vault.join();
    CHECK(probe->overlapped);
}

TEST_CASE("The chain skips unavailable sources in order and remembers the one that worked", "[azure][chain]") {
    system_clock::time_point now = kStart;
    std::vector<std::unique_ptr<TokenCredential>> sources;
    sources.push_back(std::make_unique<UnconfiguredCredential>("client secret", "AZURE_CLIENT_SECRET not set", ""));
    auto first = std::make_unique<FailingCredential>("workload identity", true);
    auto* skipped = first.get();
    sources.push_back(std::move(first));
    auto mi = std::make_unique<CountingCredential>("managed identity (IMDS)", 3600s, &now);
    auto* chosen = mi.get();
    sources.push_back(std::move(mi));
    auto cli = std::make_unique<CountingCredential>("Azure CLI", 3600s, &now);
    auto* never = cli.get();
    sources.push_back(std::move(cli));
    ChainedCredential chain(std::move(sources));

    CHECK(chain.name() == "auto");
    chain.get_token({"https://vault.azure.net"});
    chain.get_token({"https://storage.azure.com/"});
    CHECK(skipped->calls == 1);
    CHECK(chosen->calls == 2);
    CHECK(never->calls == 0);
    CHECK(chain.name() == "auto (managed identity (IMDS))");
}

TEST_CASE("When every source is unavailable the error lists each one's reason", "[azure][chain]") {
    std::vector<std::unique_ptr<TokenCredential>> sources;
    sources.push_back(std::make_unique<UnconfiguredCredential>("client secret", "AZURE_CLIENT_SECRET not set", ""));
    sources.push_back(
        std::make_unique<UnconfiguredCredential>("workload identity", "AZURE_FEDERATED_TOKEN_FILE not set", ""));
    sources.push_back(std::make_unique<FailingCredential>("managed identity (IMDS)", true));
    sources.push_back(std::make_unique<FailingCredential>("Azure CLI", true));
    ChainedCredential chain(std::move(sources));
    try {
        chain.get_token({"https://vault.azure.net"});
        FAIL("expected a Failure");
    } catch (const pe::Failure& e) {
        std::string message = e.info().message;
        CHECK(e.stage() == pe::Stage::secret);
        CHECK(message ==
              "no Azure credential is available: client secret: AZURE_CLIENT_SECRET not set; "
              "workload identity: AZURE_FEDERATED_TOKEN_FILE not set; managed identity (IMDS): "
              "managed identity (IMDS) is not here; Azure CLI: Azure CLI is not here");
        CHECK(e.info().hint.find("az login") != std::string::npos);
    }
}

TEST_CASE("A configured source that fails ends the chain with its own error", "[azure][chain]") {
    system_clock::time_point now = kStart;
    std::vector<std::unique_ptr<TokenCredential>> sources;
    sources.push_back(std::make_unique<FailingCredential>("client secret", false));
    auto cli = std::make_unique<CountingCredential>("Azure CLI", 3600s, &now);
    auto* never = cli.get();
    sources.push_back(std::move(cli));
    ChainedCredential chain(std::move(sources));
    try {
        chain.get_token({"https://vault.azure.net"});
        FAIL("expected a Failure");
    } catch (const pe::Failure& e) {
        CHECK(e.info().service_code == "AADSTS7000215");
    }
    CHECK(never->calls == 0);
}
