// Issue 14, item 2, through the binary: every request names the tool (User-Agent), every Azure
// request attempt carries a fresh x-ms-client-request-id (Pigment gets none), and a storage
// error line and the summary end with the service's request id.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <mutex>
#include <regex>
#include <set>

#include "fakes/fake_dfs.hpp"
#include "fakes/fake_pigment.hpp"
#include "fakes/loopback_server.hpp"
#include "fakes/process_runner.hpp"
#include "fakes/run_helpers.hpp"

using namespace testing;

namespace {

const std::string kApiKey = "pgx_export_key_trace_5d2c";
const std::string kId = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
const std::string kFs = "lake";
const std::string kPath = "finance/monthly.csv";
const std::string kUserAgentPrefix = std::string("pigment-export/") + PIGMENT_EXPORT_VERSION + " (";
const std::regex kUuidV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

}  // namespace

TEST_CASE("binary → DFS: a storage error line and the summary end with the request id the service sent",
          "[storage][binary][dfs][trace]") {
    FakePigment pigment(kApiKey);
    pigment.add_block("metric", kId, "a;b\n1;2\n");
    FakeDfs dfs;
    dfs.create_filesystem(kFs);
    dfs.put_file(kFs, kPath, "old;content\n");
    dfs.inject({DfsOp::create, 1, -1, 403, "AuthorizationPermissionMismatch"});
    TempDir dir;
    std::string summary = dir.file("summary.json");
    RunOptions options;
    options.env = {{"AZURE_STORAGE_KEY",
                    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="},
                   {"PIGMENT_API_KEY", kApiKey}};
    auto r = run_program({"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
                          dfs.url(kFs, kPath), "--storage-api", "dfs", "--progress", "off", "--summary-json", summary,
                          "--log-level", "debug"},
                         options);
    INFO(r.err);
    CHECK(r.exit_code == 5);
    auto traces = dfs.traces();
    REQUIRE_FALSE(traces.empty());
    std::vector<std::string> shown;
    std::set<std::string> client_ids;
    for (const auto& trace : traces) {
        if (r.err.find("AuthorizationPermissionMismatch") != std::string::npos &&
            r.err.find("(request id " + trace.request_id + ", 20") != std::string::npos) {
            shown.push_back(trace.request_id);
        }
        CHECK(trace.user_agent.rfind(kUserAgentPrefix, 0) == 0);
        CHECK(std::regex_match(trace.client_request_id, kUuidV4));
        client_ids.insert(trace.client_request_id);
    }
    REQUIRE(shown.size() == 1);  // the refused create's, and no other
    CHECK(client_ids.size() == traces.size());
    auto json = nlohmann::json::parse(read_file(summary));
    CHECK(json["error"]["request_id"] == shown.front());
    CHECK(std::regex_match(json["error"]["time"].get<std::string>(),
                           std::regex(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)")));
    CHECK(dfs.file(kFs, kPath)->content == "old;content\n");
}

TEST_CASE("binary → Pigment: the request names the tool but carries no Azure client request id",
          "[export][binary][trace]") {
    LoopbackServer pigment;
    std::mutex mutex;
    httplib::Headers seen;
    pigment.server().Post(".*", [&](const httplib::Request& request, httplib::Response& response) {
        std::lock_guard lock(mutex);
        seen = request.headers;
        response.set_content("a;b\n1;2\n", "text/csv");
    });
    pigment.start();
    TempDir dir;
    RunOptions options;
    options.env = {{"PIGMENT_API_KEY", kApiKey}};
    auto r = run_program({"--pigment-url", pigment.base_url(), "--block-type", "metric", "--block-id", kId, "--dest",
                          dir.file("out.csv"), "--progress", "off"},
                         options);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::lock_guard lock(mutex);
    CHECK(seen.count("User-Agent") == 1);
    CHECK(seen.find("User-Agent")->second.rfind(kUserAgentPrefix, 0) == 0);
    CHECK(seen.count("x-ms-client-request-id") == 0);
}
