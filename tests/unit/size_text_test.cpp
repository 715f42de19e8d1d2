#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "pigment_export/core/size_text.hpp"

using namespace pe;

TEST_CASE("parse_size reads plain numbers and binary units", "[core]") {
    CHECK(parse_size("0") == 0);
    CHECK(parse_size("1048576") == 1048576);
    CHECK(parse_size("1048576B") == 1048576);
    CHECK(parse_size("512KiB") == 512u * 1024);
    CHECK(parse_size("512K") == 512u * 1024);
    CHECK(parse_size("8MiB") == 8u << 20);
    CHECK(parse_size("8M") == 8u << 20);
    CHECK(parse_size("2GiB") == 2ull << 30);
    CHECK(parse_size("3G") == 3ull << 30);
    CHECK(parse_size("18446744073709551615") == UINT64_MAX);
    CHECK(parse_size("17179869183GiB") == 17179869183ull << 30);
}

TEST_CASE("parse_size refuses garbage, unknown units and overflow", "[core]") {
    for (const char* bad :
         {"", "MiB", "-1", "+5", " 8MiB", "8 MiB", "8MiB ", "8mib", "8KB", "8k", "1.5MiB", "8MiBx", "0x10", "8TiB"}) {
        INFO("'" << bad << "'");
        CHECK_THROWS_AS(parse_size(bad), std::invalid_argument);
    }
    CHECK_THROWS_WITH(parse_size("8XB"), Catch::Contains("unknown size unit 'XB'"));
    CHECK_THROWS_WITH(parse_size("abc"), Catch::Contains("not a size: 'abc'"));
    CHECK_THROWS_WITH(parse_size("18446744073709551616"), Catch::Contains("not a size"));  // 2^64
    CHECK_THROWS_WITH(parse_size("17179869184GiB"), Catch::Contains("too large"));         // 2^34 GiB = 2^64
    CHECK_THROWS_WITH(parse_size("18014398509481984KiB"), Catch::Contains("too large"));   // 2^54 KiB
}

TEST_CASE("format_size picks the largest binary unit", "[core]") {
    CHECK(format_size(0) == "0 B");
    CHECK(format_size(1) == "1 B");
    CHECK(format_size(1023) == "1023 B");
    CHECK(format_size(1024) == "1.0 KiB");
    CHECK(format_size(1536) == "1.5 KiB");
    CHECK(format_size(8u << 20) == "8.0 MiB");
    CHECK(format_size(12'500'000) == "11.9 MiB");
    CHECK(format_size(3ull << 30) == "3.0 GiB");
    CHECK(format_size(5ull << 40) == "5.0 TiB");
    CHECK(format_size(2048ull << 40) == "2048.0 TiB");  // TiB is the largest unit
}
