#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "pigment_export/core/random_id.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/http/user_agent.hpp"

using namespace pe::http;

TEST_CASE("client request ids are fresh UUID v4s", "[http][trace]") {
    static const std::regex kV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        Header h = client_request_id_header();
        CHECK(h.name == "x-ms-client-request-id");
        CHECK(std::regex_match(h.value, kV4));
        seen.insert(h.value);
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("the service's request id and the answer's time go into the failure", "[http][trace]") {
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'780'000'000));
    auto info = with_service_trace(
        pe::FailureInfo{pe::Stage::store, 403, "X", "m", "h"},
        {{"X-MS-Request-Id", "1a2b3c4d-501e-0044-3c1b-0a5d2b000000"}, {"Date", "Thu, 03 Dec 2026 14:05:09 GMT"}}, now);
    CHECK(info.request_id == "1a2b3c4d-501e-0044-3c1b-0a5d2b000000");
    CHECK(info.time == "2026-12-03T14:05:09Z");
    auto undated = with_service_trace(pe::FailureInfo{}, {{"Date", "yesterday"}}, now);
    CHECK(undated.request_id.empty());
    CHECK(undated.time == "2026-05-28T20:26:40Z");
}

TEST_CASE("a request id that is not a plain id is not echoed", "[http][trace]") {
    CHECK(service_request_id({{"x-ms-request-id", "a b"}}).empty());
    CHECK(service_request_id({{"x-ms-request-id", "id\x1b[31m"}}).empty());
    CHECK(service_request_id({{"x-ms-request-id", std::string(129, 'a')}}).empty());
    CHECK(service_request_id({{"x-ms-request-id", std::string(128, 'a')}}).size() == 128);
    CHECK(service_request_id({}).empty());
}

TEST_CASE("the User-Agent names the tool and version and the OS and machine", "[http][trace]") {
    CHECK(user_agent_for("0.1.0", "Linux", "x86_64") == "pigment-export/0.1.0 (Linux; x86_64)");
    CHECK(user_agent_for("1.2", "Weird OS\r\n", "") == "pigment-export/1.2 (Weird_OS__; unknown)");
    CHECK(user_agent().rfind(std::string("pigment-export/") + PIGMENT_EXPORT_VERSION + " (", 0) == 0);
}
