// Issue 15 item 2: the round trips of a cold start that wait for one another, counted through the
// binary. Every fake answers each request 100 ms late (tests/fakes/round_trips), and the longest
// chain of requests that each began after the previous one was answered is the number of
// sequential round trips. docs/performance.md lists each one and why it stays.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_imds.hpp"
#include "fakes/fake_key_vault.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/round_trips.hpp"

using namespace testing;
using namespace std::chrono_literals;

namespace {

const std::string kApiKey = "pgx_round_trips_key_5d1c";
const std::string kId = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

struct ColdStart {
    RoundTripRecorder recorder{100ms};  // first: every fake below starts under it
    FakePigment pigment{kApiKey};
    FakeKeyVault vault;
    FakeImds imds;
    FakeDfs dfs;
    std::string csv = generate_csv_string(1u << 20);

    ColdStart() {
        pigment.add_block("metric", kId, csv);
        vault.put_secret("pigment-key", kApiKey);
        vault.start();
        imds.start();
        dfs.create_filesystem("lake");
        dfs.require_auth(DfsAuthMode::bearer);
    }

    RunResult run() {
        RunOptions options;
        options.env = {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", imds.base_url()}};
        options.timeout = std::chrono::seconds(60);
        return run_program(
            {"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--key-vault-url",
             vault.base_url(), "--secret-name", "pigment-key", "--credential", "managed-identity", "--dest",
             dfs.url("lake", "finance/monthly.csv"), "--storage-api", "dfs", "--progress", "off"},
            options);
    }

    std::string describe(const std::vector<Exchange>& chain) const {
        std::map<int, std::string> names{{port_of(pigment.base_url()), "pigment"},
                                         {port_of(vault.base_url()), "key vault"},
                                         {port_of(imds.base_url()), "identity"},
                                         {port_of(dfs.base_url()), "storage"}};
        std::ostringstream out;
        for (std::size_t i = 0; i < chain.size(); ++i) {
            out << i + 1 << ". " << names[chain[i].port] << " " << chain[i].method << " " << chain[i].path << "\n";
        }
        return out.str();
    }

    static int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }
};

}  // namespace

TEST_CASE("binary, cold start with managed identity, Key Vault and DFS: the round trips that wait for one another",
          "[round-trips][binary][dfs]") {
    ColdStart c;
    auto result = c.run();
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(c.dfs.file("lake", "finance/monthly.csv")->content == c.csv);
    auto chain = longest_sequential_chain(c.recorder.exchanges());
    WARN("sequential round trips: " << chain.size() << " of " << c.recorder.exchanges().size() << " requests\n"
                                    << c.describe(chain));
    // One after the other these were 15: identity (vault), Key Vault, identity (storage), list,
    // create, lease, expiry, Pigment, append, flush, properties, expiry cleared, rename, release,
    // read-back. The storage token now comes while Key Vault answers, the sink opens while Pigment
    // prepares (the listing beside the create), the append goes with clearing the expiry, and the
    // lease release waits for the read-back to show that the lease moved (it does in this fake).
    CHECK(chain.size() <= 11);
}
