#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "pigment_export/app/run_summary.hpp"
#include "pigment_export/core/redactor.hpp"

using namespace pe;

namespace {

RunSummary ok_run() {
    RunSummary s;
    s.ok = true;
    s.exit_code = 0;
    s.block_type = "metric";
    s.block_id = "3f2a-01";
    s.destination = "https://acct.blob.core.windows.net/exports/m.csv";
    s.csv_bytes = 10'000'000;
    s.stored_bytes = 10'000'000;
    s.rows = 12345;
    s.md5_base64 = "1B2M2Y8AsgTpgAmY7PhCfg==";
    s.duration_s = 2.5;
    return s;
}

RunSummary failed_run() {
    RunSummary s;
    s.ok = false;
    s.failed_stage = Stage::store;
    s.exit_code = 5;
    s.block_type = "list";
    s.block_id = "L1";
    s.destination = "abfss://raw@acct.dfs.core.windows.net/x.csv";
    s.csv_bytes = 4096;
    s.stored_bytes = 4096;
    s.error = FailureInfo{Stage::store,
                          403,
                          "AuthorizationPermissionMismatch",
                          "no write access",
                          "grant a role",
                          "1a2b3c4d-0000-4000-8000-000000000001",
                          "2026-12-03T14:05:09Z"};
    s.duration_s = 0.25;
    return s;
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    return keys;
}

}  // namespace

TEST_CASE("a successful run's summary JSON: exact keys, order and values", "[app]") {
    redactor::clear_for_tests();
    CHECK(
        summary_json(ok_run()) ==
        R"({"status":"ok","committed":true,"unchanged":false,"stage":null,"exit_code":0,"block_type":"metric","block_id":"3f2a-01",)"
        R"("destination":"https://acct.blob.core.windows.net/exports/m.csv","bytes":10000000,"csv_bytes":10000000,)"
        R"("stored_bytes":10000000,"compression":"none","rows":12345,)"
        R"("md5":"1B2M2Y8AsgTpgAmY7PhCfg==","reclaimed":0,"duration_s":2.5,"error":null})");
}

TEST_CASE("summary JSON types", "[app]") {
    redactor::clear_for_tests();
    auto j = nlohmann::ordered_json::parse(summary_json(ok_run()));
    CHECK(keys_of(j) == std::vector<std::string>{"status", "committed", "unchanged", "stage", "exit_code", "block_type",
                                                 "block_id", "destination", "bytes", "csv_bytes", "stored_bytes",
                                                 "compression", "rows", "md5", "reclaimed", "duration_s", "error"});
    CHECK(j["status"].is_string());
    CHECK(j["stage"].is_null());
    CHECK(j["exit_code"].is_number_integer());
    CHECK(j["bytes"].is_number_unsigned());
    CHECK(j["rows"].is_number_unsigned());
    CHECK(j["md5"].is_string());
    CHECK(j["duration_s"].is_number_float());
    CHECK(j["error"].is_null());
}

TEST_CASE("a failed run's summary names the stage and carries the error", "[app]") {
    redactor::clear_for_tests();
    auto j = nlohmann::ordered_json::parse(summary_json(failed_run()));
    CHECK(j["status"] == "failed");
    CHECK(j["stage"] == "store");
    CHECK(j["exit_code"] == 5);
    CHECK(j["md5"].is_null());  // no MD5 when nothing was committed
    CHECK(j["rows"] == 0);
    CHECK(j["bytes"] == 4096);
    REQUIRE(j["error"].is_object());
    CHECK(keys_of(j["error"]) ==
          std::vector<std::string>{"http_status", "code", "message", "hint", "request_id", "time"});
    CHECK(j["error"]["http_status"] == 403);
    CHECK(j["error"]["code"] == "AuthorizationPermissionMismatch");
    CHECK(j["error"]["message"] == "no write access");
    CHECK(j["error"]["hint"] == "grant a role");
    CHECK(j["error"]["request_id"] == "1a2b3c4d-0000-4000-8000-000000000001");
    CHECK(j["error"]["time"] == "2026-12-03T14:05:09Z");
}

TEST_CASE("http_status is null when no response was received", "[app]") {
    redactor::clear_for_tests();
    auto s = failed_run();
    s.failed_stage = Stage::usage;
    s.error = FailureInfo{Stage::usage, 0, "", "--dest is required", ""};
    auto j = nlohmann::ordered_json::parse(summary_json(s));
    CHECK(j["stage"] == "usage");
    CHECK(j["error"]["http_status"].is_null());
    CHECK(j["error"]["code"] == "");
    CHECK(j["error"]["hint"] == "");
    CHECK(j["error"]["request_id"].is_null());  // no service answered: nothing to trace
    CHECK(j["error"]["time"].is_null());
}

TEST_CASE("every stage name appears as the summary's stage", "[app]") {
    redactor::clear_for_tests();
    const std::pair<Stage, const char*> stages[] = {{Stage::usage, "usage"},       {Stage::secret, "secret"},
                                                    {Stage::export_, "export"},    {Stage::store, "store"},
                                                    {Stage::internal, "internal"}, {Stage::interrupted, "interrupted"}};
    for (auto [stage, name] : stages) {
        auto s = failed_run();
        s.failed_stage = stage;
        CHECK(nlohmann::json::parse(summary_json(s))["stage"] == name);
    }
}

TEST_CASE("the destination's query is stripped", "[app]") {
    redactor::clear_for_tests();
    auto s = ok_run();
    s.destination = "https://acct.blob.core.windows.net/exports/m.csv?sv=2022&sig=SECRETSIG";
    auto text = summary_json(s);
    CHECK(text.find("SECRETSIG") == std::string::npos);
    CHECK(nlohmann::json::parse(text)["destination"] == "https://acct.blob.core.windows.net/exports/m.csv");
    CHECK(summary_line(s).find("SECRETSIG") == std::string::npos);
}

TEST_CASE("registered secrets are scrubbed from the summary", "[app]") {
    redactor::clear_for_tests();
    redactor::add("pk_live_ABCDEFG123");
    auto s = failed_run();
    s.error->message = "server echoed pk_live_ABCDEFG123";
    s.error->hint = "rotate pk_live_ABCDEFG123";
    auto text = summary_json(s);
    CHECK(text.find("pk_live_ABCDEFG123") == std::string::npos);
    auto j = nlohmann::json::parse(text);
    CHECK(j["error"]["message"] == "server echoed [REDACTED]");
    CHECK(j["error"]["hint"] == "rotate [REDACTED]");
    redactor::clear_for_tests();
}

TEST_CASE("duration is truncated to milliseconds", "[app]") {
    redactor::clear_for_tests();
    auto s = ok_run();
    s.duration_s = 1.23456;
    CHECK(nlohmann::json::parse(summary_json(s))["duration_s"].get<double>() == Approx(1.234).margin(1e-9));
    s.duration_s = 0;
    CHECK(nlohmann::json::parse(summary_json(s))["duration_s"].get<double>() == 0.0);
}

TEST_CASE("invalid UTF-8 in an error does not break the summary", "[app]") {
    redactor::clear_for_tests();
    auto s = failed_run();
    s.error->message = "bad \xFF byte";
    std::string text;
    REQUIRE_NOTHROW(text = summary_json(s));
    auto j = nlohmann::json::parse(text);
    CHECK(j["error"]["message"] == "bad \xEF\xBF\xBD byte");  // U+FFFD
}

TEST_CASE("summary_line for a successful run", "[app]") {
    redactor::clear_for_tests();
    CHECK(summary_line(ok_run()) ==
          "exported metric 3f2a-01: 12345 rows, 9.5 MiB (2.50 s, 4.0 MB/s) -> "
          "https://acct.blob.core.windows.net/exports/m.csv");
    auto zero = ok_run();
    zero.duration_s = 0;
    zero.csv_bytes = 0;
    zero.stored_bytes = 0;
    zero.rows = 0;
    zero.destination = "-";
    CHECK(summary_line(zero) == "exported metric 3f2a-01: 0 rows, 0 B (0.00 s, 0.0 MB/s) -> -");
}

TEST_CASE("committed: true for a success or a failure after the commit and false for an earlier failure", "[app]") {
    redactor::clear_for_tests();
    CHECK(committed(ok_run()));
    CHECK_FALSE(committed(failed_run()));
    CHECK(nlohmann::ordered_json::parse(summary_json(failed_run()))["committed"] == false);
    RunSummary after = failed_run();
    after.failed_stage = Stage::after_commit;
    after.exit_code = 6;
    CHECK(committed(after));
    CHECK(nlohmann::ordered_json::parse(summary_json(after))["committed"] == true);
}

TEST_CASE("a compressed run's summary gives the CSV's and the stored bytes and the codec", "[app][compress]") {
    redactor::clear_for_tests();
    RunSummary s = ok_run();
    s.compression = Codec::zstd;
    s.stored_bytes = 2'500'000;
    auto j = nlohmann::ordered_json::parse(summary_json(s));
    CHECK(j["compression"] == "zstd");
    CHECK(j["csv_bytes"] == 10'000'000);
    CHECK(j["stored_bytes"] == 2'500'000);
    CHECK(j["bytes"] == 2'500'000);  // the stored object's size, as md5 is of the stored bytes
    CHECK(summary_line(s) ==
          "exported metric 3f2a-01: 12345 rows, 9.5 MiB of CSV stored as 2.4 MiB zstd (2.50 s, 4.0 MB/s) -> "
          "https://acct.blob.core.windows.net/exports/m.csv");
}

TEST_CASE("an unchanged destination: status ok but not committed and the line says why", "[app]") {
    redactor::clear_for_tests();
    RunSummary s = ok_run();
    s.unchanged = true;
    auto j = nlohmann::ordered_json::parse(summary_json(s));
    CHECK(j["status"] == "ok");
    CHECK(j["unchanged"] == true);
    CHECK(j["committed"] == false);
    CHECK(summary_line(s).find("(unchanged: it already held these bytes, nothing was written)") != std::string::npos);
    CHECK(summary_line(ok_run()).find("unchanged") == std::string::npos);
}
