// Operability through the binary: data guards, the preflight check, progress and JSON logs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fakes/csv_generator.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

using namespace testing;

namespace {

const std::string kKey = "pgx_ops_key_8d2f4a6c0e";
const std::string kId = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d";

RunResult run_tool(const FakePigment& pigment, std::vector<std::string> extra, const std::string& dest,
                   std::map<std::string, std::string> env = {{"PIGMENT_API_KEY", kKey}}) {
    std::vector<std::string> args = {
        "--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest", dest};
    args.insert(args.end(), extra.begin(), extra.end());
    RunOptions options;
    options.env = std::move(env);
    return run_program(args, options);
}

}  // namespace

TEST_CASE("min-rows refuses to replace yesterday's file with a short export", "[ops][guards]") {
    FakePigment pigment(kKey);
    pigment.add_block("metric", kId, "Region;Value\nEMEA;1\n");
    TempDir dir;
    write_file(dir.file("out.csv"), "yesterday\n");
    auto r = run_tool(pigment, {"--min-rows", "5"}, dir.file("out.csv"));
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("TooFewRows") != std::string::npos);
    CHECK(r.err.find("1 rows, fewer than --min-rows 5") != std::string::npos);
    CHECK(read_file(dir.file("out.csv")) == "yesterday\n");
    CHECK(temporary_files(dir.path()).empty());
    CHECK(run_tool(pigment, {"--min-rows", "1"}, dir.file("out.csv")).exit_code == 0);
    CHECK(read_file(dir.file("out.csv")) == "Region;Value\nEMEA;1\n");
}

TEST_CASE("expect-header refuses an export whose columns changed, early", "[ops][guards]") {
    FakePigment pigment(kKey);
    pigment.add_generated_block("metric", kId, 8u << 20);
    TempDir dir;
    write_file(dir.file("out.csv"), "yesterday\n");
    auto r = run_tool(pigment, {"--expect-header", "Region;Month;Revenue", "--summary-json", dir.file("s.json")},
                      dir.file("out.csv"));
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("UnexpectedHeader") != std::string::npos);
    CHECK(r.err.find("'Region;Product;Month;Revenue'") != std::string::npos);
    CHECK(read_file(dir.file("out.csv")) == "yesterday\n");
    CHECK(temporary_files(dir.path()).empty());
    auto ok = run_tool(pigment, {"--expect-header", "Region;Product;Month;Revenue"}, dir.file("out.csv"));
    CHECK(ok.exit_code == 0);
}

TEST_CASE("check: every stage passes and no data moves", "[ops][check]") {
    FakePigment pigment(kKey);
    pigment.add_generated_block("metric", kId, 4u << 20);
    TempDir dir;
    std::vector<std::string> args = {
        "check", "--pigment-url", pigment.base_url(),     "--block-type", "metric", "--block-id",
        kId,     "--dest",        dir.file("sub/out.csv")};
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}};
    auto r = run_program(args, options);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("skipped credential") != std::string::npos);
    CHECK(r.out.find("ok      secret") != std::string::npos);
    CHECK(r.out.find("ok      pigment") != std::string::npos);
    CHECK(r.out.find("ok      destination") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("sub/out.csv")));
    CHECK(list_dir(dir.file("sub")).empty());  // the probe left nothing behind
    CHECK(pigment.export_requests() == 1);
}

TEST_CASE("check: a refused key and an unwritable destination are each reported with a hint", "[ops][check]") {
    FakePigment pigment(kKey);
    pigment.add_block("metric", kId, "a\n1\n");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", "not-the-right-key"}};
    auto r = run_program({"check", "--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId,
                          "--dest", "/proc/version/out.csv"},
                         options);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);  // the first failing stage decides
    CHECK(r.out.find("failed  pigment: export: HTTP 401 Unauthorized") != std::string::npos);
    CHECK(r.out.find("hint:") != std::string::npos);
    CHECK(r.out.find("failed  destination: store:") != std::string::npos);
    CHECK(r.out.find("not-the-right-key") == std::string::npos);
}

TEST_CASE("progress is drawn on stderr when asked, and nothing goes to stdout", "[ops][progress]") {
    FakePigment pigment(kKey);
    pigment.add_block("metric", kId, generate_csv_string(100'000));
    PigmentFault slow;
    slow.kind = PigmentFault::Kind::slow;
    slow.delay = std::chrono::milliseconds(1);
    pigment.push_fault(slow);
    TempDir dir;
    auto r = run_tool(pigment, {"--progress", "on"}, dir.file("out.csv"));
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("MB/s") != std::string::npos);
    CHECK(r.err.find(" rows") != std::string::npos);
}

TEST_CASE("progress appears by itself on a terminal", "[ops][progress]") {
    FakePigment pigment(kKey);
    pigment.add_block("metric", kId, generate_csv_string(100'000));
    PigmentFault slow;
    slow.kind = PigmentFault::Kind::slow;
    slow.delay = std::chrono::milliseconds(1);
    pigment.push_fault(slow);
    TempDir dir;
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}, {"TERM", "xterm"}};
    auto r = run_on_terminal({"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId,
                              "--dest", dir.file("out.csv")},
                             options);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("MB/s") != std::string::npos);  // script(1) relays the terminal's output
    CHECK(r.out.find("\r\033[K") != std::string::npos);
}

TEST_CASE("json logs: every stderr line is an object with time, level, stage and message", "[ops][logs]") {
    FakePigment pigment(kKey);
    pigment.add_block("metric", kId, "a\n1\n");
    TempDir dir;
    auto r = run_tool(pigment, {"--log-format", "json", "--log-level", "debug", "--progress", "on"}, dir.file("o.csv"));
    CHECK(r.exit_code == 0);
    std::size_t lines = 0;
    std::size_t start = 0;
    while (start < r.err.size()) {
        auto end = r.err.find('\n', start);
        auto line = r.err.substr(start, end - start);
        start = end == std::string::npos ? r.err.size() : end + 1;
        INFO(line);
        auto j = nlohmann::json::parse(line);
        CHECK(j.contains("time"));
        CHECK(j.contains("level"));
        CHECK(j.contains("stage"));
        CHECK(j.contains("message"));
        ++lines;
    }
    CHECK(lines >= 3);
}

TEST_CASE("manifest: three exports with two jobs, one failing - one summary each plus a total", "[ops][manifest]") {
    FakePigment pigment(kKey);
    const std::string other = "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d";
    const std::string missing = "3c4d5e6f-7081-4a8b-9c0d-1e2f3a4b5c6d";
    pigment.add_block("metric", kId, "m\n1\n2\n");
    pigment.add_block("list", other, "l\nx\n");
    TempDir dir;
    write_file(dir.file("missing.csv"), "old\n");
    nlohmann::json manifest = {{"defaults", {{"pigment-url", pigment.base_url()}, {"max-retries", 0}}},
                               {"exports",
                                {{{"block-type", "metric"}, {"block-id", kId}, {"dest", dir.file("{block_type}.csv")}},
                                 {{"block-type", "metric"}, {"block-id", missing}, {"dest", dir.file("missing.csv")}},
                                 {{"block-type", "list"},
                                  {"block-id", other},
                                  {"dest", dir.file("{block_type}.csv")},
                                  {"overwrite", false}}}}};
    write_file(dir.file("manifest.json"), manifest.dump());
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}};
    auto r = run_program({"--manifest", dir.file("manifest.json"), "--jobs", "2", "--summary-json", dir.file("s.json")},
                         options);
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(read_file(dir.file("metric.csv")) == "m\n1\n2\n");
    CHECK(read_file(dir.file("list.csv")) == "l\nx\n");
    CHECK(read_file(dir.file("missing.csv")) == "old\n");
    CHECK(r.err.find("1 of 3 exports failed") != std::string::npos);
    auto s = nlohmann::json::parse(read_file(dir.file("s.json")));
    REQUIRE(s["exports"].size() == 3);
    CHECK(s["exports"][0]["status"] == "ok");
    CHECK(s["exports"][0]["rows"] == 2);
    CHECK(s["exports"][1]["status"] == "failed");
    CHECK(s["exports"][1]["error"]["http_status"] == 404);
    CHECK(s["exports"][2]["status"] == "ok");
    CHECK(s["total"]["failed"] == 1);
    CHECK(s["total"]["exit_code"] == 4);
    CHECK(s["total"]["rows"] == 3);
    CHECK(pigment.export_requests() == 3);
}

TEST_CASE("manifest: a bad entry is a usage error before any request", "[ops][manifest]") {
    FakePigment pigment(kKey);
    TempDir dir;
    nlohmann::json manifest = {{"defaults", {{"pigment-url", pigment.base_url()}}},
                               {"exports",
                                {{{"block-type", "metric"}, {"block-id", kId}, {"dest", dir.file("a.csv")}},
                                 {{"block-type", "metric"}, {"block-id", "../etc"}, {"dest", dir.file("b.csv")}}}}};
    write_file(dir.file("manifest.json"), manifest.dump());
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}};
    auto r = run_program({"--manifest", dir.file("manifest.json")}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("manifest exports[1]: --block-id") != std::string::npos);
    CHECK(pigment.export_requests() == 0);
}
