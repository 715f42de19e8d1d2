// The process itself under careless launchers: closed standard descriptors, core dumps.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"

using namespace testing;

namespace {

const std::string kApiKey = "pgx_export_key_process_4b1e";
const std::string kId = "6b5c4d3e-2f10-4a9b-8c7d-6e5f4a3b2c1d";
const std::string kCsv = "Month;Revenue\nJan;1\nFeb;2\n";

std::vector<std::string> export_args(const FakePigment& pigment, const std::string& dest) {
    return {
        "--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest", dest, "--progress",
        "off",           "--log-level",      "debug"};
}

}  // namespace

TEST_CASE("binary: started with stderr closed, no log line lands in the export", "[export][binary][process]") {
    // Regression (issue 12, item 1): the temporary file took fd 2 and the log went into the export.
    FakePigment pigment{kApiKey};
    pigment.add_block("metric", kId, kCsv);
    TempDir dir;
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}};
    options.closed_fds = {2};
    auto result = run_program(export_args(pigment, dir.file("out.csv")), options);
    CHECK(result.exit_code == 0);
    CHECK(read_file(dir.file("out.csv")) == kCsv);
}

TEST_CASE("binary: with stdout closed, --dest - is refused before any request", "[usage][binary][process]") {
    FakePigment pigment{kApiKey};
    pigment.add_block("metric", kId, kCsv);
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}};
    options.closed_fds = {1};
    auto result = run_program(export_args(pigment, "-"), options);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("standard output is closed") != std::string::npos);
    CHECK(pigment.requests().empty());
}

TEST_CASE("binary: compressed bytes are not written to a terminal - plain CSV still is", "[usage][binary][process]") {
    FakePigment pigment{kApiKey};
    pigment.add_block("metric", kId, kCsv);
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}, {"TERM", "xterm"}};
    for (const char* codec : {"gzip", "zstd"}) {
        std::vector<std::string> args = export_args(pigment, "-");
        args.insert(args.end(), {"--compress", codec});
        auto refused = run_on_terminal(args, options);
        INFO(refused.out);
        CHECK(refused.exit_code == 2);
        CHECK(refused.out.find(std::string("--dest - --compress ") + codec + " but standard output is a terminal") !=
              std::string::npos);
        CHECK(refused.out.find(std::string("| ") + codec + " -dc") != std::string::npos);
    }
    CHECK(pigment.requests().empty());
    auto plain = run_on_terminal(export_args(pigment, "-"), options);
    INFO(plain.out);
    CHECK(plain.exit_code == 0);
    CHECK(plain.out.find("Feb;2") != std::string::npos);
}

TEST_CASE("binary: the process writes no core file", "[export][binary][process]") {
    // Regression (issue 12, item 9): a SIGQUIT core held copies of the API key and the tokens.
    FakePigment pigment{kApiKey};
    pigment.add_block("metric", kId, kCsv);
    pigment.push_fault({PigmentFault::Kind::slow, 0, "", 0, std::chrono::milliseconds(200)});
    TempDir dir;
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}};
    std::string limits;
    std::thread reader;
    options.on_started = [&](int pid) {
        reader = std::thread([pid, &limits] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
            for (std::string line; std::getline(in, line);) {
                if (line.rfind("Max core file size", 0) == 0) limits = line;
            }
        });
    };
    auto result = run_program(export_args(pigment, dir.file("out.csv")), options);
    reader.join();
    CHECK(result.exit_code == 0);
    INFO(limits);
    CHECK(limits.find(" 0 ") != std::string::npos);
    CHECK(limits.find("unlimited") == std::string::npos);
}

TEST_CASE("binary: --export-options from a device, a FIFO or 75,000 levels deep is a usage error", "[usage][binary]") {
    // Regression (issue 12, item 8): /dev/zero grew past 1 GiB, a FIFO hung, deep nesting crashed with SIGSEGV.
    TempDir dir;
    std::string fifo = dir.file("options.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string deep = dir.file("deep.json");
    write_file(deep, std::string(75'000, '[') + std::string(75'000, ']'));
    for (const std::string& source : {std::string("/dev/zero"), fifo, deep}) {
        CAPTURE(source);
        RunOptions options;
        options.env = {{"PIGMENT_API_KEY", kApiKey}};
        options.timeout = std::chrono::seconds(20);
        auto result = run_program({"--block-type", "metric", "--block-id", kId, "--dest", dir.file("out.csv"),
                                   "--export-options", "@" + source, "--dry-run"},
                                  options);
        INFO(result.err);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("--export-options") != std::string::npos);
    }
}
