#include <catch2/catch.hpp>

#include <ctime>

#include "pigment_export/azure/azure_cli_credential.hpp"
#include "pigment_export/azure/credential_unavailable.hpp"

using namespace pe::azure;

TEST_CASE("CLI output: expires_on (epoch) wins over expiresOn (local time)", "[azure][cli]") {
    auto token = parse_azure_cli_output(
        R"({"accessToken":"cli.token.value","expiresOn":"2000-01-01 00:00:00.000000","expires_on":1700003600,)"
        R"("subscription":"s","tenant":"t","tokenType":"Bearer"})");
    CHECK(token.token.reveal() == "cli.token.value");
    CHECK(std::chrono::system_clock::to_time_t(token.expires_on) == 1'700'003'600);
}

TEST_CASE("Older CLIs: expiresOn is read as local time", "[azure][cli]") {
    auto token =
        parse_azure_cli_output(R"({"accessToken":"cli.token.value","expiresOn":"2023-11-14 23:13:20.123456"})");
    std::tm tm{};
    tm.tm_year = 123;
    tm.tm_mon = 10;
    tm.tm_mday = 14;
    tm.tm_hour = 23;
    tm.tm_min = 13;
    tm.tm_sec = 20;
    tm.tm_isdst = -1;
    CHECK(std::chrono::system_clock::to_time_t(token.expires_on) == std::mktime(&tm));
}

TEST_CASE("CLI output without a token or an expiry is refused without echoing it", "[azure][cli]") {
    CHECK_THROWS_AS(parse_azure_cli_output("ERROR: something"), pe::Failure);
    try {
        parse_azure_cli_output(R"({"accessToken":"do-not-print-this-token","expiresOn":"someday"})");
        FAIL("expected a Failure");
    } catch (const pe::Failure& e) {
        CHECK(std::string(e.what()).find("do-not-print-this-token") == std::string::npos);
    }
}

TEST_CASE("CLI failures: missing and logged-out are 'unavailable', others are errors", "[azure][cli]") {
    CHECK_THROWS_AS(throw_azure_cli_failure({127, false, "", "az: not found"}), CredentialUnavailable);
    CHECK_THROWS_AS(throw_azure_cli_failure({1, false, "", "ERROR: Please run 'az login' to setup account.\n"}),
                    CredentialUnavailable);
    try {
        throw_azure_cli_failure({2, false, "", "\nERROR: AADSTS50173: grant expired\nmore"});
        FAIL("expected a Failure");
    } catch (const CredentialUnavailable&) {
        FAIL("not an 'unavailable'");
    } catch (const pe::Failure& e) {
        CHECK(e.info().message ==
              "Azure CLI: `az account get-access-token` failed with exit code 2: ERROR: AADSTS50173: grant expired");
    }
    try {
        throw_azure_cli_failure({137, true, "", ""});
        FAIL("expected a Failure");
    } catch (const pe::Failure& e) {
        CHECK(e.info().message.find("did not finish in time") != std::string::npos);
    }
}

TEST_CASE("CLI output with a token unfit for a header is refused", "[azure][cli]") {
    CHECK_THROWS_WITH(parse_azure_cli_output(R"({"accessToken":"tok\nX-Injected: 1","expires_on":1700000000})"),
                      Catch::Contains("printed an accessToken that has a line break at byte 4"));
}
