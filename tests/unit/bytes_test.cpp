#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "pigment_export/core/bytes.hpp"

using namespace pe;

namespace {

std::chrono::system_clock::time_point fixed_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 29} + hours{3} + minutes{15} + seconds{7};
}

}  // namespace

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[core]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 decodes the RFC 4648 test vectors", "[core]") {
    CHECK(base64_decode("") == "");
    CHECK(base64_decode("Zg==") == "f");
    CHECK(base64_decode("Zm8=") == "fo");
    CHECK(base64_decode("Zm9v") == "foo");
    CHECK(base64_decode("Zm9vYg==") == "foob");
    CHECK(base64_decode("Zm9vYmE=") == "fooba");
    CHECK(base64_decode("Zm9vYmFy") == "foobar");
}

TEST_CASE("base64 uses '+' and '/' and handles high bytes", "[core]") {
    CHECK(base64_encode("\xFB\xFF\xFE") == "+//+");
    CHECK(base64_encode("\xFB\xFF") == "+/8=");
    CHECK(base64_decode("+//+") == "\xFB\xFF\xFE");
    CHECK(base64_encode(std::string("\0\0\0", 3)) == "AAAA");
    CHECK(base64_decode("AAAA") == std::string("\0\0\0", 3));
}

TEST_CASE("base64 round-trips every length and byte value", "[core]") {
    std::mt19937 rng(7);
    for (std::size_t len = 0; len < 70; ++len) {
        std::string bytes;
        for (std::size_t i = 0; i < len; ++i) bytes.push_back(static_cast<char>(rng() & 0xFF));
        auto encoded = base64_encode(bytes);
        INFO("length " << len);
        CHECK(encoded.size() == (len + 2) / 3 * 4);
        CHECK(base64_decode(encoded) == bytes);
    }
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    CHECK(base64_decode(base64_encode(all)) == all);
}

TEST_CASE("base64 rejects invalid characters and bad padding", "[core]") {
    CHECK_THROWS_AS(base64_decode("Zm9v!A=="), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zm 9v"), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zm9v\n"), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zg"), std::invalid_argument);  // padding required
    CHECK_THROWS_AS(base64_decode("Zm9"), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Z==="), std::invalid_argument);  // three '='
    CHECK_THROWS_AS(base64_decode("===="), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zg==Zg=="), std::invalid_argument);  // data after padding
    CHECK_THROWS_AS(base64_decode("Z=g="), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("\xC3\xA9\xC3\xA9"), std::invalid_argument);
}

TEST_CASE("base64url decodes '-' and '_' and needs no padding", "[core]") {
    CHECK(base64url_decode("-__-") == "\xFB\xFF\xFE");
    CHECK(base64url_decode("-_8") == "\xFB\xFF");
    CHECK(base64url_decode("-_8=") == "\xFB\xFF");
    CHECK(base64url_decode("Zg") == "f");
    CHECK(base64url_decode("Zm8") == "fo");
    CHECK(base64url_decode("Zm9vYmFy") == "foobar");
    // A JWT header segment.
    CHECK(base64url_decode("eyJhbGciOiJSUzI1NiJ9") == R"({"alg":"RS256"})");
    CHECK_THROWS_AS(base64url_decode("Zm9v.YmFy"), std::invalid_argument);
    CHECK_THROWS_AS(base64url_decode("Zg==="), std::invalid_argument);
}

TEST_CASE("base64url rejects a length that cannot hold whole bytes", "[core]") {
    // One base64 character carries 6 bits, never a byte: "Z" and "Zm9vY" are not valid
    // encodings, yet they decode silently (dropping the dangling bits).
    CHECK_THROWS_AS(base64url_decode("Z"), std::invalid_argument);
    CHECK_THROWS_AS(base64url_decode("Zm9vY"), std::invalid_argument);
}

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

TEST_CASE("percent_encode keeps RFC 3986 unreserved characters only", "[core]") {
    CHECK(percent_encode("") == "");
    CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(percent_encode("a b") == "a%20b");
    CHECK(percent_encode("a/b") == "a%2Fb");
    CHECK(percent_encode("a+b=c&d?e#f%") == "a%2Bb%3Dc%26d%3Fe%23f%25");
    CHECK(percent_encode("\xC3\xA9t\xC3\xA9") == "%C3%A9t%C3%A9");  // UTF-8 bytes, upper-case hex
    CHECK(percent_encode(std::string("\0\x7F\xFF", 3)) == "%00%7F%FF");
    CHECK(percent_encode("!*'();:@$,[]") == "%21%2A%27%28%29%3B%3A%40%24%2C%5B%5D");
}

TEST_CASE("percent_encode keeps '/' only when asked", "[core]") {
    CHECK(percent_encode("dir/sub dir/f.csv", true) == "dir/sub%20dir/f.csv");
    CHECK(percent_encode("dir/sub dir/f.csv", false) == "dir%2Fsub%20dir%2Ff.csv");
    CHECK(percent_encode("a\\b", true) == "a%5Cb");
}
