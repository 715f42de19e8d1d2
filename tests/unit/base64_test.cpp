#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "pigment_export/core/base64.hpp"

using namespace pe;

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
