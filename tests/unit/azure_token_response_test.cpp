#include <catch2/catch.hpp>

#include "pigment_export/azure/token_response.hpp"

using namespace pe::azure;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

const system_clock::time_point kNow{seconds(1'700'000'000)};

long long epoch(system_clock::time_point t) {
    return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

}  // namespace

TEST_CASE("IMDS sends every number as a string", "[azure][token]") {
    auto token = parse_token_response(
        R"({"access_token":"eyJ.imds.tok","refresh_token":"","expires_in":"3599","expires_on":"1700003599",)"
        R"("not_before":"1700000000","resource":"https://vault.azure.net","token_type":"Bearer"})",
        kNow);
    CHECK(token.token.reveal() == "eyJ.imds.tok");
    CHECK(epoch(token.expires_on) == 1'700'003'599);
}

TEST_CASE("Entra v2 sends expires_in as a number", "[azure][token]") {
    auto token = parse_token_response(
        R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"abc.def.ghi"})", kNow);
    CHECK(epoch(token.expires_on) == 1'700'003'599);
}

TEST_CASE("expires_on alone: epoch number, epoch string, RFC 3339, RFC 1123, App Service 2017", "[azure][token]") {
    auto with_expiry = [](const std::string& value) {
        return epoch(
            parse_token_response(R"({"access_token":"tok.tok.tok","expires_on":)" + value + "}", kNow).expires_on);
    };
    CHECK(with_expiry("1700003600") == 1'700'003'600);
    CHECK(with_expiry("\"1700003600\"") == 1'700'003'600);
    CHECK(with_expiry("\"2023-11-14T23:13:20Z\"") == 1'700'003'600);
    CHECK(with_expiry("\"2023-11-15T00:13:20.1234567+01:00\"") == 1'700'003'600);
    CHECK(with_expiry("\"Tue, 14 Nov 2023 23:13:20 GMT\"") == 1'700'003'600);
    CHECK(with_expiry("\"11/14/2023 11:13:20 PM +00:00\"") == 1'700'003'600);
}

TEST_CASE("The 2017 date's 12-hour clock: 12 AM is midnight, 00 PM is noon", "[azure][token]") {
    CHECK(epoch(*parse_expiry_text("09/14/2017 12:00:00 AM +00:00")) == 1'505'347'200);
    CHECK(epoch(*parse_expiry_text("09/14/2017 00:00:00 PM +00:00")) == 1'505'347'200 + 12 * 3600);
    CHECK_FALSE(parse_expiry_text("next tuesday"));
    CHECK_FALSE(parse_expiry_text("2017-02-30T00:00:00Z"));
}

TEST_CASE("Unusable token responses say what is wrong without quoting the body", "[azure][token]") {
    CHECK_THROWS_AS(parse_token_response("<html>gateway</html>", kNow), TokenResponseError);
    CHECK_THROWS_AS(parse_token_response(R"({"expires_in":"3599"})", kNow), TokenResponseError);
    CHECK_THROWS_AS(parse_token_response(R"({"access_token":"","expires_in":"3599"})", kNow), TokenResponseError);
    try {
        parse_token_response(R"({"access_token":"very-secret-token-value","expires_on":"soon"})", kNow);
        FAIL("expected a TokenResponseError");
    } catch (const TokenResponseError& e) {
        CHECK(std::string(e.what()).find("very-secret-token-value") == std::string::npos);
        CHECK(std::string(e.what()).find("expires_on") != std::string::npos);
    }
}

TEST_CASE("A token that cannot be a Bearer header, or a response nested too deep, is refused", "[azure][token]") {
    CHECK_THROWS_WITH(parse_token_response(R"({"access_token":"ab\r\nX-Injected: 1","expires_in":"3599"})", kNow),
                      "the access_token has a line break at byte 3");
    CHECK_THROWS_WITH(parse_token_response(R"({"access_token":"ab cd","expires_in":"3599"})", kNow),
                      "the access_token has whitespace at byte 3");
    std::string deep =
        R"({"access_token":"t","expires_in":"1","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK_THROWS_AS(parse_token_response(deep, kNow), TokenResponseError);
    CHECK(access_token_problem(std::string(kMaxAccessToken + 1, 'a')) == "is larger than 64 KiB");
}

TEST_CASE("epoch_expiry refuses what the clock cannot hold", "[azure][token]") {
    CHECK(epoch(*epoch_expiry(4'102'444'800)) == 4'102'444'800);
    CHECK_FALSE(epoch_expiry(-1));
    CHECK_FALSE(epoch_expiry(99'999'999'999'999));
    CHECK_FALSE(parse_expiry_text("99999999999999"));
}
