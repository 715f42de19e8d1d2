// The binary against the DFS fake: a run killed with SIGKILL leaves its leased temporary file,
// and the next run to the same destination deletes it once the lease lapsed; a live run's
// temporary file (lease held), or one of another destination, is never touched; the folder
// listing is followed across pages.
#include <catch2/catch.hpp>

#include <signal.h>

#include <thread>

#include "fakes/azurite.hpp"
#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"

using namespace testing;
using namespace std::chrono_literals;

namespace {

const std::string kApiKey = "pgx_export_key_reclaim_3e9b";
const std::string kId = "6c5d4e3f-2a1b-4c9d-8e7f-1a2b3c4d5e6f";
const std::string kFs = "lake";
const std::string kPath = "finance/monthly.csv";
const std::string kReclaimedOne = "reclaimed 1 abandoned temporary path(s) of earlier runs";

struct Reclaim {
    FakePigment pigment{kApiKey};
    FakeDfs dfs;
    std::string csv = generate_csv_string(200'000);

    Reclaim() {
        dfs.create_filesystem(kFs);
        dfs.put_file(kFs, kPath, "old;content\n");
        pigment.add_block("metric", kId, csv);
    }

    // A Pigment stream of about 6 s, so a run is still writing while the test acts.
    void next_export_slow() { pigment.push_fault({PigmentFault::Kind::slow, 0, "", 0, 2ms}); }

    RunResult run(const std::function<void(int)>& on_started = {}) {
        RunOptions options;
        options.env = {{"AZURE_STORAGE_KEY", Azurite::kKey}, {"PIGMENT_API_KEY", kApiKey}};
        options.on_started = on_started;
        return run_program({"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
                            dfs.url(kFs, kPath), "--storage-api", "dfs", "--chunk-size", "64KiB", "--progress", "off",
                            "--max-retries", "2"},
                           options);
    }

    // A slow run SIGKILLed once its first chunk is appended: it leaves its leased temporary.
    RunResult run_killed_after_first_append() {
        next_export_slow();
        std::thread killer;
        auto killed = run([&](int pid) {
            killer = std::thread([this, pid] {
                wait_for_appends(1);
                ::kill(pid, SIGKILL);
            });
        });
        killer.join();
        return killed;
    }

    void wait_for_appends(int n) const {
        for (int i = 0; i < 400 && dfs.calls(DfsOp::append) < n; ++i) std::this_thread::sleep_for(25ms);
    }

    // A temporary file as a killed run leaves it: data appended, never flushed, untouched for
    // longer than a lease (a younger one may be another run's between its create and its lease).
    std::string abandoned(const std::string& destination, const std::string& hex, bool aged = true) {
        auto slash = destination.rfind('/');
        std::string path =
            destination.substr(0, slash + 1) + "." + destination.substr(slash + 1) + ".pigment-tmp-" + hex;
        dfs.put_file(kFs, path, "");
        if (aged) dfs.advance_clock(31s);
        return path;
    }
};

}  // namespace

TEST_CASE("binary → DFS: after kill -9 the next run reclaims the temporary file once its lease lapsed",
          "[storage][binary][dfs][signal]") {
    Reclaim r;
    auto killed = r.run_killed_after_first_append();
    CHECK(killed.exit_code == 128 + SIGKILL);
    auto left = r.dfs.temp_paths(kFs);
    REQUIRE(left.size() == 1);
    CHECK(r.dfs.file(kFs, left[0])->lease_state == "leased");  // a kill cannot release it

    r.dfs.advance_clock(31s);
    CHECK(r.dfs.file(kFs, left[0])->lease_state == "expired");
    auto next = r.run();
    INFO(next.err);
    CHECK(next.exit_code == 0);
    CHECK(next.err.find(kReclaimedOne) != std::string::npos);
    CHECK(r.dfs.temp_paths(kFs).empty());
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
    CHECK(r.dfs.file(kFs, kPath)->lease_state == "available");
}

TEST_CASE("binary → DFS: a run never reclaims the temporary file of a live run to the same destination",
          "[storage][binary][dfs]") {
    Reclaim r;
    r.next_export_slow();
    RunResult a;
    std::thread run_a([&] { a = r.run(); });
    r.wait_for_appends(1);
    auto a_temp = r.dfs.temp_paths(kFs);
    REQUIRE(a_temp.size() == 1);

    // B runs while A writes; A's lease also outlives a clock jump shorter than its duration.
    r.dfs.advance_clock(20s);
    auto b = r.run();
    INFO(b.err);
    CHECK(b.exit_code == 0);
    CHECK(b.err.find("reclaimed") == std::string::npos);
    CHECK(r.dfs.temp_paths(kFs) == a_temp);  // A is still writing, its file intact
    run_a.join();
    INFO(a.err);
    CHECK(a.exit_code == 0);
    CHECK(r.dfs.temp_paths(kFs).empty());
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
    CHECK(r.dfs.file(kFs, kPath)->size == r.csv.size());
}

TEST_CASE("binary → DFS: temporaries of another destination in the same folder are never touched",
          "[storage][binary][dfs]") {
    Reclaim r;
    auto other = r.abandoned("finance/weekly.csv", "00112233445566aa");
    auto same = r.abandoned(kPath, "ffeeddccbbaa9988");
    r.dfs.put_file(kFs, "finance/.monthly.csv.pigment-tmp-notours", "");
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find(kReclaimedOne) != std::string::npos);
    CHECK(r.dfs.file(kFs, other));
    CHECK_FALSE(r.dfs.file(kFs, same));
    CHECK(r.dfs.file(kFs, "finance/.monthly.csv.pigment-tmp-notours"));
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
}

TEST_CASE("binary → DFS: the abandoned temporary file is found on a later page of the listing",
          "[storage][binary][dfs]") {
    Reclaim r;
    r.dfs.list_page_size(2);
    // '-' sorts before '.', so the temporary file comes after three full pages.
    for (const char* name : {"-1.csv", "-2.csv", "-3.csv", "-4.csv", "-5.csv", "-6.csv"}) {
        r.dfs.put_file(kFs, std::string("finance/") + name, "x\n");
    }
    r.dfs.put_file(kFs, "finance/sub/deeper.csv", "x\n");
    auto same = r.abandoned(kPath, "0123456789abcdef");
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find(kReclaimedOne) != std::string::npos);
    CHECK_FALSE(r.dfs.file(kFs, same));
    CHECK(r.dfs.calls(DfsOp::list) >= 4);
    CHECK(r.dfs.paths(kFs).size() == 8);  // the six files, deeper.csv, the destination
}

TEST_CASE("binary → DFS: a listing refused (SAS without list permission) does not fail the run",
          "[storage][binary][dfs]") {
    Reclaim r;
    auto same = r.abandoned(kPath, "0123456789abcdef");
    r.dfs.inject({DfsOp::list, 1, -1, 403, "AuthorizationPermissionMismatch"});
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("could not look for abandoned temporary files") != std::string::npos);
    CHECK(r.dfs.file(kFs, same));
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
}

TEST_CASE("binary → DFS: what leases and reclaim add to the requests of a run", "[storage][binary][dfs]") {
    Reclaim r;  // 200 kB in 64 KiB chunks: 4 appends
    bool with_abandoned = GENERATE(false, true);
    if (with_abandoned) r.abandoned(kPath, "0123456789abcdef");
    auto result = r.run();
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    std::string counts;
    for (auto [name, op] : {std::pair{"create", DfsOp::create},
                            {"append", DfsOp::append},
                            {"flush", DfsOp::flush},
                            {"properties", DfsOp::set_properties},
                            {"rename", DfsOp::rename},
                            {"head", DfsOp::head},
                            {"delete", DfsOp::remove},
                            {"lease", DfsOp::lease},
                            {"list", DfsOp::list},
                            {"expiry", DfsOp::set_expiry}}) {
        counts += std::string(name) + "=" + std::to_string(r.dfs.calls(op)) + " ";
    }
    WARN("abandoned temporary: " << with_abandoned << "; " << counts << "total=" << r.dfs.total_calls());
    // Without them: create + 4 appends + flush + rename (carrying the properties) + HEAD = 8.
    // With them: + list + release on the destination (+ HEAD and delete per abandoned file) + the
    // temporary's expiry set and cleared (hierarchical namespace; the fake's default). The lease
    // itself comes with the create.
    CHECK(r.dfs.calls(DfsOp::list) == 1);
    CHECK(r.dfs.calls(DfsOp::lease) == 1);
    CHECK(r.dfs.calls(DfsOp::set_properties) == 0);
    CHECK(r.dfs.calls(DfsOp::set_expiry) == 2);
    CHECK(r.dfs.lease_actions() == std::vector<std::string>{"acquire on create", "release"});
    CHECK(r.dfs.total_calls() == (with_abandoned ? 14 : 12));
}

TEST_CASE(
    "binary → DFS with a hierarchical namespace: a killed run's temporary deletes itself and a committed file never "
    "expires",
    "[storage][binary][dfs][signal]") {
    Reclaim r;
    auto killed = r.run_killed_after_first_append();
    REQUIRE(killed.exit_code == 128 + SIGKILL);
    auto left = r.dfs.temp_paths(kFs);
    REQUIRE(left.size() == 1);
    CHECK(r.dfs.file(kFs, left[0])->expires);
    r.dfs.advance_clock(std::chrono::hours(7 * 24) + 1s);  // no later run came
    CHECK(r.dfs.temp_paths(kFs).empty());
    CHECK(r.dfs.file(kFs, kPath)->content == "old;content\n");

    auto next = r.run();
    INFO(next.err);
    CHECK(next.exit_code == 0);
    auto committed = r.dfs.file(kFs, kPath);
    CHECK(committed->content == r.csv);
    CHECK_FALSE(committed->expires);             // the fake moves an expiry with the rename: the run cleared it first
    CHECK(r.dfs.calls(DfsOp::set_expiry) == 3);  // the killed run set one; this run set and cleared its own
}

TEST_CASE("binary → DFS without a hierarchical namespace: the refused expiry costs one request and no warning",
          "[storage][binary][dfs]") {
    Reclaim r;
    r.dfs.hierarchical_namespace(false);
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("warning") == std::string::npos);
    CHECK(r.dfs.calls(DfsOp::set_expiry) == 1);
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
    CHECK_FALSE(r.dfs.file(kFs, kPath)->expires);
}

TEST_CASE("binary → DFS: an expiry refused (403) is one warning and the export lands", "[storage][binary][dfs]") {
    Reclaim r;
    r.dfs.inject({DfsOp::set_expiry, 1, -1, 403, "AuthorizationPermissionMismatch"});
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("could not give the temporary file") != std::string::npos);
    CHECK(r.dfs.calls(DfsOp::set_expiry) == 1);  // nothing set, so nothing to clear
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
    CHECK(r.dfs.temp_paths(kFs).empty());
}

TEST_CASE("binary → DFS: an expiry that cannot be cleared stops the run before the rename", "[storage][binary][dfs]") {
    Reclaim r;
    r.dfs.inject({DfsOp::set_expiry, 2, -1, 403, "AuthorizationPermissionMismatch"});
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 5);
    CHECK(result.err.find("clear the expiry of the temporary file") != std::string::npos);
    CHECK(r.dfs.calls(DfsOp::rename) == 0);
    CHECK(r.dfs.file(kFs, kPath)->content == "old;content\n");
    CHECK(r.dfs.temp_paths(kFs).empty());
}

TEST_CASE("binary → DFS: a create refused for its lease fails the run before any data moves",
          "[storage][binary][dfs]") {
    Reclaim r;
    r.dfs.inject({DfsOp::create, 1, -1, 400, "InvalidHeaderValue"});
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 5);
    CHECK(result.err.find("create the temporary file") != std::string::npos);
    CHECK(result.err.find("InvalidHeaderValue") != std::string::npos);
    CHECK(r.dfs.calls(DfsOp::append) == 0);
    CHECK(r.dfs.temp_paths(kFs).empty());
    CHECK(r.dfs.file(kFs, kPath)->content == "old;content\n");
}

TEST_CASE(
    "binary → DFS: a fresh temporary without a lease (another run between its create and its lease) is left alone",
    "[storage][binary][dfs]") {
    Reclaim r;
    auto fresh = r.abandoned(kPath, "0123456789abcdef", false);
    auto result = r.run();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("reclaimed") == std::string::npos);
    CHECK(r.dfs.file(kFs, fresh));
    CHECK(r.dfs.file(kFs, kPath)->content == r.csv);
    r.dfs.advance_clock(31s);  // still unleased a lease's duration later: abandoned
    auto next = r.run();
    CHECK(next.err.find(kReclaimedOne) != std::string::npos);
    CHECK_FALSE(r.dfs.file(kFs, fresh));
}
