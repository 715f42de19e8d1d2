#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "pigment_export/core/utc_time.hpp"

using namespace pe;

namespace {

std::chrono::system_clock::time_point fixed_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 29} + hours{3} + minutes{15} + seconds{7};
}

}  // namespace

TEST_CASE("UTC formats for a fixed time point", "[core]") {
    auto t = fixed_now();
    CHECK(utc_date(t) == "2026-11-29");
    CHECK(utc_time_hms(t) == "031507");
    CHECK(utc_timestamp(t) == "20261129T031507Z");
    CHECK(utc_iso8601(t) == "2026-11-29T03:15:07Z");
    CHECK(http_date(t) == "Sun, 29 Nov 2026 03:15:07 GMT");
}

TEST_CASE("UTC formats ignore sub-second parts and handle the epoch", "[core]") {
    auto t = fixed_now() + std::chrono::milliseconds(999);
    CHECK(utc_iso8601(t) == "2026-11-29T03:15:07Z");
    std::chrono::system_clock::time_point epoch{};
    CHECK(http_date(epoch) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(utc_timestamp(epoch) == "19700101T000000Z");
    using namespace std::chrono;
    CHECK(http_date(sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59}) ==
          "Thu, 29 Feb 2024 23:59:59 GMT");
}
