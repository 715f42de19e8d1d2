// Interrupting the binary mid-upload must still delete the DFS temporary file: the delete is
// sent as a clean-up request that survives cancellation.
#include <catch2/catch.hpp>

#include <signal.h>

#include <thread>

#include "fakes/azurite.hpp"
#include "fakes/csv_generator.hpp"
#include "fakes/fake_dfs.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"

using namespace testing;

namespace {

const std::string kApiKey = "pgx_export_key_signal_7d2a";
const std::string kId = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";

}  // namespace

TEST_CASE("binary → DFS: a terminating signal mid-upload deletes the temporary file and leaves the destination",
          "[storage][binary][dfs][signal]") {
    // SIGHUP (closed terminal) and SIGQUIT once ended the run with no clean-up (issue 12, item 10).
    auto [signo, expected_exit] =
        GENERATE(table<int, int>({{SIGTERM, 143}, {SIGINT, 130}, {SIGHUP, 129}, {SIGQUIT, 131}}));
    CAPTURE(signo);
    FakePigment pigment{kApiKey};
    pigment.add_block("metric", kId, generate_csv_string(600'000));
    pigment.push_fault({PigmentFault::Kind::slow, 0, "", 0, std::chrono::milliseconds(20)});
    FakeDfs dfs;
    dfs.create_filesystem("lake");
    dfs.put_file("lake", "finance/monthly.csv", "old;content\n");
    RunOptions options;
    options.env = {{"AZURE_STORAGE_KEY", Azurite::kKey}, {"PIGMENT_API_KEY", kApiKey}};
    std::thread killer;
    options.on_started = [&](int pid) {
        killer = std::thread([pid, &dfs, signo = signo] {
            for (int i = 0; i < 200 && dfs.calls(DfsOp::append) < 2; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
            ::kill(pid, signo);
        });
    };
    auto result = run_program(
        {"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
         dfs.url("lake", "finance/monthly.csv"), "--storage-api", "dfs", "--chunk-size", "64KiB", "--progress", "off"},
        options);
    killer.join();
    INFO(result.err);
    CHECK(result.exit_code == expected_exit);
    CHECK(dfs.file("lake", "finance/monthly.csv")->content == "old;content\n");
    CHECK(dfs.temp_paths("lake").empty());
}
