// The real binary against the fake Pigment, writing to local files and stdout.
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <thread>

#include "fakes/csv_generator.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

using namespace testing;

namespace {

const std::string kKey = "pgx_export_key_4f9c2b7e1d";
const std::string kId = "7c1e2b9a-4d3f-4a8e-9b0c-5e6f7a8b9c0d";

struct Fixture {
    FakePigment pigment{kKey};
    TempDir dir;
    std::string dest = dir.file("out.csv");
    std::string summary = dir.file("summary.json");

    RunResult run(std::vector<std::string> extra, std::map<std::string, std::string> env = {}) {
        const std::vector<std::string> defaults = {
            "--pigment-url", pigment.base_url(), "--dest", dest,         "--summary-json",
            summary,         "--max-retries",    "2",      "--progress", "off"};
        // A repeated option is a usage error: `extra` replaces a default, it does not follow it.
        std::vector<std::string> args;
        for (std::size_t i = 0; i + 1 < defaults.size(); i += 2) {
            if (std::find(extra.begin(), extra.end(), defaults[i]) == extra.end())
                args.insert(args.end(), {defaults[i], defaults[i + 1]});
        }
        bool has_type = false, has_id = false;
        for (const auto& a : extra) {
            has_type = has_type || a == "--block-type";
            has_id = has_id || a == "--block-id";
        }
        if (!has_type) extra.insert(extra.end(), {"--block-type", "metric"});
        if (!has_id) extra.insert(extra.end(), {"--block-id", kId});
        args.insert(args.end(), extra.begin(), extra.end());
        if (!env.count("PIGMENT_API_KEY") && !env.count("NO_KEY")) env["PIGMENT_API_KEY"] = kKey;
        env.erase("NO_KEY");
        RunOptions options;
        options.env = env;
        options.timeout = std::chrono::seconds(60);
        return run_program(args, options);
    }

    nlohmann::json summary_json() const { return nlohmann::json::parse(read_file(summary)); }
};

}  // namespace

TEST_CASE("a metric export lands byte for byte with rows and MD5 in the summary", "[export]") {
    Fixture f;
    std::uint64_t rows = 0;
    std::string csv = generate_csv_string(200'000, &rows);
    f.pigment.add_block("metric", kId, csv);
    auto r = f.run({"--chunk-size", "64KiB"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_file(f.dest) == csv);
    auto s = f.summary_json();
    CHECK(s["status"] == "ok");
    CHECK(s["stage"].is_null());
    CHECK(s["exit_code"] == 0);
    CHECK(s["bytes"] == csv.size());
    CHECK(s["rows"] == rows);
    CHECK(s["md5"] == md5_base64(csv));
    CHECK(s["block_type"] == "metric");
    CHECK(s["error"].is_null());
    CHECK(temporary_files(f.dir.path()).empty());
    CHECK(r.err.find("exported metric " + kId) != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("each block type uses its method, path and body", "[export]") {
    Fixture f;
    for (const char* type : {"view", "list", "metric", "table"}) f.pigment.add_block(type, kId, "a;b\n1;2\n");

    REQUIRE(f.run({"--block-type", "view", "--field-delimiter", ";"}).exit_code == 0);
    REQUIRE(f.run({"--block-type", "list", "--field-delimiter", ",", "--date-format", "iso8601", "--export-options",
                   R"({"friendlyHeaders":true,"fieldDelimiter":"Semicolon"})"})
                .exit_code == 0);
    REQUIRE(f.run({"--block-type", "table", "--pigment-api", "legacy"}).exit_code == 0);
    REQUIRE(f.run({"--block-type", "view", "--pigment-api", "legacy", "--date-format", "legacy"}).exit_code == 0);

    auto requests = f.pigment.requests();
    REQUIRE(requests.size() == 4);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].path == "/api/v1/export/view/" + kId);
    CHECK(requests[0].query.at("fieldDelimiter") == "Semicolon");
    CHECK(requests[0].authorization == "Bearer " + kKey);

    CHECK(requests[1].method == "POST");
    CHECK(requests[1].path == "/api/v1/export/list/" + kId);
    CHECK(requests[1].content_type == "application/json");
    auto body = nlohmann::json::parse(requests[1].body);
    CHECK(body["friendlyHeaders"] == true);
    CHECK(body["fieldDelimiter"] == "Comma");  // the explicit option wins over the JSON
    CHECK(body["dateFormat"] == "Iso8601");

    CHECK(requests[2].path == "/api/export/table/" + kId);
    CHECK(requests[2].body == "{}");
    CHECK(requests[3].query.at("dateFormat") == "Legacy");
}

TEST_CASE("Pigment errors give exit 4, one line with status and hint, and keep the old file", "[export][faults]") {
    struct Case {
        int status;
        std::string type;
        std::string needle;
    };
    auto c = GENERATE(Case{401, "metric", "not an Export key"}, Case{403, "metric", "acts as the user"},
                      Case{404, "metric", "was not found"}, Case{413, "view", "export the underlying block"},
                      Case{422, "view", "underlying block is not a list"}, Case{400, "list", "export-options"});
    Fixture f;
    f.pigment.add_block(c.type, kId, "a;b\n1;2\n");
    write_file(f.dest, "yesterday's good file\n");
    PigmentFault fault;
    fault.status = c.status;
    f.pigment.push_fault(fault);
    auto r = f.run({"--block-type", c.type});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("export: HTTP " + std::to_string(c.status)) != std::string::npos);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(read_file(f.dest) == "yesterday's good file\n");
    CHECK(temporary_files(f.dir.path()).empty());
    CHECK(f.pigment.export_requests() == 1);  // client errors are not retried
    auto s = f.summary_json();
    CHECK(s["status"] == "failed");
    CHECK(s["stage"] == "export");
    CHECK(s["exit_code"] == 4);
    CHECK(s["error"]["http_status"] == c.status);
    CHECK_FALSE(s["error"]["hint"].get<std::string>().empty());
}

TEST_CASE("a wrong API key is refused by the fake and reported as 401", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a\n1\n");
    auto r = f.run({}, {{"PIGMENT_API_KEY", "wrong-key-123456"}});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("HTTP 401") != std::string::npos);
}

TEST_CASE("transient Pigment failures are retried, honouring Retry-After", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a;b\n1;2\n");
    PigmentFault throttled;
    throttled.status = 429;
    throttled.retry_after = "1";
    PigmentFault unavailable;
    unavailable.status = 503;
    f.pigment.push_fault(throttled);
    f.pigment.push_fault(unavailable);
    auto r = f.run({"--max-retries", "3"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(f.dest) == "a;b\n1;2\n");
    CHECK(f.pigment.export_requests() == 3);
    CHECK(r.wall >= std::chrono::milliseconds(1000));  // Retry-After: 1 was honoured
    CHECK(r.err.find("retry 1/3") != std::string::npos);
}

TEST_CASE("retries run out: exit 4 after max-retries + 1 attempts", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a\n1\n");
    for (int i = 0; i < 3; ++i) {
        PigmentFault fault;
        fault.status = 500;
        fault.retry_after = "0";
        f.pigment.push_fault(fault);
    }
    auto r = f.run({"--max-retries", "2"});
    CHECK(r.exit_code == 4);
    CHECK(f.pigment.export_requests() == 3);
    CHECK(r.err.find("HTTP 500") != std::string::npos);
}

TEST_CASE("option --max-retries 0 disables retries", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a\n1\n");
    PigmentFault fault;
    fault.status = 503;
    f.pigment.push_fault(fault);
    auto r = f.run({"--max-retries", "0"});
    CHECK(r.exit_code == 4);
    CHECK(f.pigment.export_requests() == 1);
}

TEST_CASE("streams that end badly are failed exports and never replace the file", "[export][faults]") {
    struct Case {
        const char* name;
        PigmentFault fault;
        std::string csv;
        std::string needle;
    };
    std::string csv = generate_csv_string(300'000);
    PigmentFault cut;
    cut.kind = PigmentFault::Kind::cut_after;
    cut.bytes = 150'000;
    PigmentFault cut_before_first_byte;
    cut_before_first_byte.kind = PigmentFault::Kind::cut_after;
    cut_before_first_byte.bytes = 0;
    PigmentFault html;
    html.kind = PigmentFault::Kind::html_ok;
    PigmentFault stall;
    stall.kind = PigmentFault::Kind::stall_after;
    stall.bytes = 100'000;
    stall.delay = std::chrono::milliseconds(4000);
    PigmentFault none;
    none.kind = PigmentFault::Kind::slow;
    auto c =
        GENERATE_COPY(Case{"cut mid-stream", cut, csv, "cut short after"},
                      Case{"HTML with 200", html, csv, "HTML page instead of CSV"},
                      Case{"stall mid-stream", stall, csv, "cut short after"},
                      Case{"ends inside a quoted field", none, "a;b\n1;\"open field\n2;3\n", "inside a quoted field"});
    Fixture f;
    f.pigment.add_block("metric", kId, c.csv);
    write_file(f.dest, "old content\n");
    f.pigment.push_fault(c.fault);
    f.pigment.push_fault(cut_before_first_byte);  // must not matter: no retry once bytes flowed
    auto r = f.run({"--chunk-size", "64KiB", "--stall-timeout", "1"});
    INFO(c.name << ": " << r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(read_file(f.dest) == "old content\n");
    CHECK(temporary_files(f.dir.path()).empty());
}

TEST_CASE("a connection dropped before the first byte is retried", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a;b\n1;2\n");
    PigmentFault cut;
    cut.kind = PigmentFault::Kind::cut_after;
    cut.bytes = 0;
    f.pigment.push_fault(cut);
    auto r = f.run({});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(f.pigment.export_requests() == 2);
}

TEST_CASE("option --no-overwrite refuses an existing file with exit 5 and leaves it alone", "[export][store]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a\n1\n");
    write_file(f.dest, "keep me\n");
    auto r = f.run({"--no-overwrite"});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("DestinationExists") != std::string::npos);
    CHECK(read_file(f.dest) == "keep me\n");
    CHECK(f.pigment.export_requests() == 0);  // refused before spending an export

    std::remove(f.dest.c_str());
    CHECK(f.run({"--no-overwrite"}).exit_code == 0);
    CHECK(read_file(f.dest) == "a\n1\n");
}

TEST_CASE("placeholders and missing parent folders", "[export][store]") {
    Fixture f;
    f.pigment.add_block("list", kId, "x\n1\n2\n");
    f.dest = f.dir.path() + "/deep/er/{block_type}-{block_id}.csv";
    auto r = f.run({"--block-type", "list"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_file(f.dir.path() + "/deep/er/list-" + kId + ".csv") == "x\n1\n2\n");
    CHECK(f.summary_json()["rows"] == 2);
}

TEST_CASE("option --dest - writes the CSV to stdout and nothing else", "[export][store]") {
    Fixture f;
    std::string csv = generate_csv_string(150'000);
    f.pigment.add_block("metric", kId, csv);
    f.dest = "-";
    auto r = f.run({"--chunk-size", "64KiB", "--parallel", "8"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == csv);
}

TEST_CASE("a header-only export has zero rows and an empty export is committed as empty", "[export]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "\xEF\xBB\xBFRegion;Value\r\n");
    auto r = f.run({});
    CHECK(r.exit_code == 0);
    CHECK(f.summary_json()["rows"] == 0);
    CHECK(read_file(f.dest) == "\xEF\xBB\xBFRegion;Value\r\n");
}

TEST_CASE("a multi-chunk export with parallel writes stays exact", "[export][pipeline]") {
    Fixture f;
    f.pigment.add_generated_block("table", kId, 24u << 20);
    std::string expected;
    std::uint64_t rows = 0;
    expected = generate_csv_string(24u << 20, &rows);
    auto r = f.run({"--block-type", "table", "--chunk-size", "256KiB", "--parallel", "8"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::string got = read_file(f.dest);
    CHECK(got.size() == expected.size());
    CHECK(got == expected);
    CHECK(f.summary_json()["rows"] == rows);
    CHECK(f.summary_json()["md5"] == md5_base64(expected));
}

TEST_CASE("the key from --api-key-file is used and never printed, even at trace level", "[export][secrets]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a\n1\n");
    std::string key_file = f.dir.file("key.txt");
    write_file(key_file, kKey + "\n");
    auto r = f.run({"--api-key-file", key_file, "--log-level", "trace"}, {{"NO_KEY", "1"}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("Authorization: REDACTED") != std::string::npos);  // the trace shows the header, not its value
    CHECK(leaks_none(r, {kKey}, {f.summary}));
}

TEST_CASE("no secret at trace level on failures either", "[export][secrets]") {
    Fixture f;
    f.pigment.add_block("metric", kId, "a\n1\n");
    PigmentFault fault;
    fault.status = 403;
    f.pigment.push_fault(fault);
    auto r = f.run({"--log-level", "trace", "--log-format", "json"});
    CHECK(r.exit_code == 4);
    CHECK(leaks_none(r, {kKey}, {f.summary}));
    // Every stderr line is one JSON object.
    std::size_t start = 0;
    while (start < r.err.size()) {
        auto end = r.err.find('\n', start);
        auto line = r.err.substr(start, end - start);
        CHECK_NOTHROW(nlohmann::json::parse(line));
        start = end == std::string::npos ? r.err.size() : end + 1;
    }
}

TEST_CASE("SIGTERM mid-stream: exit 143, old file intact, no temporary file", "[export][signals]") {
    Fixture f;
    f.pigment.add_block("metric", kId, generate_csv_string(200'000));
    PigmentFault slow;
    slow.kind = PigmentFault::Kind::slow;
    slow.delay = std::chrono::milliseconds(5);
    f.pigment.push_fault(slow);
    write_file(f.dest, "old\n");
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kKey}};
    options.on_started = [](int pid) {
        std::thread([pid] {
            std::this_thread::sleep_for(std::chrono::milliseconds(700));
            kill(pid, SIGTERM);
        }).detach();
    };
    auto r = run_program({"--block-type", "metric", "--block-id", kId, "--pigment-url", f.pigment.base_url(), "--dest",
                          f.dest, "--summary-json", f.summary, "--chunk-size", "64KiB"},
                         options);
    INFO(r.err);
    CHECK(r.exit_code == 143);
    CHECK(read_file(f.dest) == "old\n");
    CHECK(temporary_files(f.dir.path()).empty());
    CHECK(f.summary_json()["stage"] == "interrupted");
}

TEST_CASE("option --timeout ends a slow export as an export failure", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, generate_csv_string(200'000));
    PigmentFault slow;
    slow.kind = PigmentFault::Kind::slow;
    slow.delay = std::chrono::milliseconds(5);
    f.pigment.push_fault(slow);
    auto r = f.run({"--timeout", "1"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("Timeout") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(f.dest));
    CHECK(temporary_files(f.dir.path()).empty());
}

// The sink opens while the secret is read (issue 15: the open needs no API key), so a key refused
// in the secret stage finds a temporary file already made: it goes, the old file stays.
TEST_CASE("a key refused in the secret stage leaves the old file and no temporary file", "[export][faults]") {
    Fixture f;
    f.pigment.add_block("metric", kId, generate_csv_string(10'000));
    write_file(f.dest, "old\n");
    auto r = f.run({}, {{"PIGMENT_API_KEY", "pgx_bad\x01key"}});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("ApiKeyMalformed") != std::string::npos);
    CHECK(read_file(f.dest) == "old\n");
    CHECK(temporary_files(f.dir.path()).empty());
    CHECK(f.pigment.export_requests() == 0);
    CHECK(f.summary_json()["stage"] == "secret");
}
