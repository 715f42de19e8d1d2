// Issue 15 item 2: the round trips of a cold start that wait for one another, counted through the
// binary. Every fake answers each request 100 ms late (tests/fakes/round_trips), and the longest
// chain of requests that each began after the previous one was answered is the number of
// sequential round trips. docs/performance.md lists each one and why it stays.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "fakes/azurite.hpp"
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

    RunResult run() { return run_to(dfs.url("lake", "finance/monthly.csv"), {}); }

    RunResult run_to(const std::string& dest, std::map<std::string, std::string> env,
                     const std::vector<std::string>& extra = {}) {
        RunOptions options;
        options.env = std::move(env);
        options.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = imds.base_url();
        options.timeout = std::chrono::seconds(60);
        std::vector<std::string> args{"--pigment-url",   pigment.base_url(),
                                      "--block-type",    "metric",
                                      "--block-id",      kId,
                                      "--key-vault-url", vault.base_url(),
                                      "--secret-name",   "pigment-key",
                                      "--credential",    "managed-identity",
                                      "--dest",          dest,
                                      "--storage-api",   "dfs",
                                      "--progress",      "off"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_program(args, options);
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
    // read-back. The storage token comes while Key Vault answers, the sink opens (the listing
    // beside the create, which takes the lease) while Key Vault answers and Pigment prepares, the
    // append goes with clearing the expiry, the properties with the rename, and the lease release
    // beside the read-back: identity, Key Vault, Pigment, append, flush, rename, read-back.
    CHECK(chain.size() <= 7);
    CHECK(c.recorder.exchanges().size() <= 13);
}

// The sink opens while Key Vault answers, so a secret stage that fails must both stop that open and
// remove what it made, and report the secret's failure rather than the open's.
TEST_CASE("binary, cold start: a Key Vault refusal removes the temporary file the open made meanwhile",
          "[round-trips][binary][dfs]") {
    ColdStart c;
    c.vault.deny("ForbiddenByRbac");
    auto result = c.run();
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(result.err.find("secret") != std::string::npos);
    CHECK(result.err.find("ForbiddenByRbac") != std::string::npos);
    CHECK(c.dfs.temp_paths("lake").empty());
    CHECK_FALSE(c.dfs.file("lake", "finance/monthly.csv"));
    CHECK(c.pigment.export_requests() == 0);
}

TEST_CASE("binary, cold start: a Key Vault refusal is reported when the storage endpoint never answers",
          "[round-trips][binary][dfs]") {
    ColdStart c;
    c.vault.deny("ForbiddenByRbac");
    // Accepts connections (the kernel's backlog) and never answers one.
    int silent = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(silent >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(silent, 16) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    std::string dest =
        "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/devstoreaccount1/lake/finance/monthly.csv";
    auto result =
        c.run_to(dest, {{"AZURE_STORAGE_KEY", Azurite::kKey}}, {"--stall-timeout", "2", "--max-retries", "1"});
    close(silent);
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(result.err.find("error: secret: HTTP 403 ForbiddenByRbac") != std::string::npos);
    // The create went out unanswered: the run cannot know whether it landed, tries to delete it,
    // and says what happens to it if it did.
    CHECK(result.err.find("could not make sure that the temporary file") != std::string::npos);
    CHECK(result.err.find("the next run reclaims it") != std::string::npos);
}
