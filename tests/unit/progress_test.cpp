#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "pigment_export/transfer/progress.hpp"

using pe::format_progress;
using pe::ProgressSnapshot;
using std::chrono::milliseconds;

TEST_CASE("progress at the start", "[transfer]") {
    CHECK(format_progress({0, 0, milliseconds(0)}) == "0 B  0.0 MB/s  00:00  0 rows");
}

TEST_CASE("progress shows size, decimal MB/s, mm:ss and grouped rows", "[transfer]") {
    // 12.5 MiB in 3.175 s = 4.13 MB/s
    CHECK(format_progress({13'107'200, 98'765, milliseconds(3175)}) == "12.5 MiB  4.1 MB/s  00:03  98,765 rows");
    CHECK(format_progress({100'000'000, 1'234'567'890, milliseconds(2000)}) ==
          "95.4 MiB  50.0 MB/s  00:02  1,234,567,890 rows");
}

TEST_CASE("row counts are grouped by thousands", "[transfer]") {
    CHECK(format_progress({0, 999, milliseconds(0)}) == "0 B  0.0 MB/s  00:00  999 rows");
    CHECK(format_progress({0, 1000, milliseconds(0)}) == "0 B  0.0 MB/s  00:00  1,000 rows");
    CHECK(format_progress({0, 100000, milliseconds(0)}) == "0 B  0.0 MB/s  00:00  100,000 rows");
    CHECK(format_progress({0, 1000000, milliseconds(0)}) == "0 B  0.0 MB/s  00:00  1,000,000 rows");
}

TEST_CASE("elapsed time rolls over into minutes and past an hour", "[transfer]") {
    CHECK_THAT(format_progress({0, 0, milliseconds(59'999)}), Catch::Contains("  00:59  "));
    CHECK_THAT(format_progress({0, 0, milliseconds(60'000)}), Catch::Contains("  01:00  "));
    CHECK_THAT(format_progress({0, 0, milliseconds(3'661'000)}), Catch::Contains("  61:01  "));
}

TEST_CASE("no division by zero when no time has passed", "[transfer]") {
    CHECK_THAT(format_progress({5'000'000, 1, milliseconds(0)}), Catch::Contains("  0.0 MB/s  "));
}
