#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

#include "pigment_export/cli/placeholders.hpp"

using pe::cli::expand_placeholders;
using pe::cli::PlaceholderValues;

namespace {

// 2026-11-29T03:15:07Z
std::chrono::system_clock::time_point fixed_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 29} + hours{3} + minutes{15} + seconds{7};
}

PlaceholderValues values() {
    return {"metric", "3f2a-b9_c", fixed_now()};
}

std::string expand(const std::string& text) {
    return expand_placeholders(text, values());
}

std::string error_of(const std::string& text) {
    try {
        expand(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    FAIL("no std::invalid_argument for '" << text << "'");
    return {};
}

}  // namespace

TEST_CASE("text without placeholders is returned unchanged", "[cli]") {
    CHECK(expand("") == "");
    CHECK(expand("./out/data.csv") == "./out/data.csv");
    CHECK(expand("abfss://fs@acct.dfs.core.windows.net/a/b.csv") == "abfss://fs@acct.dfs.core.windows.net/a/b.csv");
}

TEST_CASE("each placeholder expands from the given values and UTC time", "[cli]") {
    CHECK(expand("{block_type}") == "metric");
    CHECK(expand("{block_id}") == "3f2a-b9_c");
    CHECK(expand("{date}") == "2026-11-29");
    CHECK(expand("{time}") == "031507");
    CHECK(expand("{timestamp}") == "20261129T031507Z");
}

TEST_CASE("placeholders combine with literal text and repeat", "[cli]") {
    CHECK(expand("out/{block_type}/{block_id}-{date}.csv") == "out/metric/3f2a-b9_c-2026-11-29.csv");
    CHECK(expand("{date}{date}") == "2026-11-292026-11-29");
    CHECK(expand("x{time}y{timestamp}z") == "x031507y20261129T031507Zz");
}

TEST_CASE("an unknown placeholder is refused with its name", "[cli]") {
    auto message = error_of("out/{blockid}.csv");
    CHECK_THAT(message, Catch::Contains("{blockid}"));
    CHECK_THAT(message, Catch::Contains("unknown placeholder"));
    CHECK_THAT(error_of("{}"), Catch::Contains("unknown placeholder {}"));
    CHECK_THAT(error_of("{Date}"), Catch::Contains("{Date}"));  // names are case-sensitive
}

TEST_CASE("an unterminated placeholder is refused, quoting the rest", "[cli]") {
    auto message = error_of("out/{date.csv");
    CHECK_THAT(message, Catch::Contains("unterminated"));
    CHECK_THAT(message, Catch::Contains("{date.csv"));
    CHECK_THAT(error_of("{"), Catch::Contains("unterminated"));
}

TEST_CASE("an unmatched closing brace is refused", "[cli]") {
    CHECK_THAT(error_of("out/date}.csv"), Catch::Contains("unmatched '}'"));
    CHECK_THAT(error_of("{date}}"), Catch::Contains("unmatched '}'"));
    CHECK_THAT(error_of("}"), Catch::Contains("unmatched"));
}

TEST_CASE("a nested brace is not a placeholder", "[cli]") {
    // "{{date}}" reads the name "{date" — unknown.
    CHECK_THROWS_AS(expand("{{date}}"), std::invalid_argument);
}

TEST_CASE("the time comes from the given time point, not the clock", "[cli]") {
    using namespace std::chrono;
    PlaceholderValues v{"view", "id", sys_days{year{1999} / 12 / 31} + hours{23} + minutes{59} + seconds{59}};
    CHECK(expand_placeholders("{timestamp}", v) == "19991231T235959Z");
    v.now += seconds{1};
    CHECK(expand_placeholders("{date} {time}", v) == "2000-01-01 000000");
}
