#include <catch2/catch.hpp>

#include <set>

#include "pigment_export/core/random_id.hpp"

TEST_CASE("random_uuid_v4: the RFC 4122 version 4 layout and no repeats", "[core]") {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string id = pe::random_uuid_v4();
        REQUIRE(id.size() == 36);
        CHECK(id[8] == '-');
        CHECK(id[13] == '-');
        CHECK(id[14] == '4');
        CHECK(std::string("89ab").find(id[19]) != std::string::npos);
        CHECK(id.find_first_not_of("0123456789abcdef-") == std::string::npos);
        seen.insert(id);
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("random_hex: exactly the length asked for and lower-case hex only", "[core]") {
    for (std::size_t length : {0u, 1u, 6u, 16u, 33u}) {
        std::string hex = pe::random_hex(length);
        CHECK(hex.size() == length);
        CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
    }
    CHECK(pe::random_hex(16) != pe::random_hex(16));
}
