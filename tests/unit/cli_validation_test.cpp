#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "pigment_export/cli/validation.hpp"

using namespace pe::cli;

namespace {

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    FAIL("no std::invalid_argument");
    return {};
}

}  // namespace

TEST_CASE("block ids: UUIDs and safe segments pass", "[cli]") {
    CHECK_NOTHROW(check_block_id("3f2a1c9e-0b7d-4e6f-9a8b-1c2d3e4f5a6b"));
    CHECK_NOTHROW(check_block_id("a"));
    CHECK_NOTHROW(check_block_id("Block_42-x"));
    CHECK_NOTHROW(check_block_id(std::string(128, 'a')));
}

TEST_CASE("block ids: empty, too long and unsafe characters are refused", "[cli]") {
    CHECK_THAT(error_of([] { check_block_id(""); }), Catch::Contains("--block-id must be 1-128"));
    CHECK_THAT(error_of([] { check_block_id(std::string(129, 'a')); }), Catch::Contains("1-128"));
    for (const char* bad : {"a/b", "..", "a b", "a%2F", "a?x=1", "a.b", "ä"}) {
        INFO(bad);
        CHECK_THAT(error_of([&] { check_block_id(bad); }), Catch::Contains("--block-id"));
    }
}

TEST_CASE("block ids: the rejected value is shown printable and bounded", "[cli]") {
    auto message = error_of([] { check_block_id("bad\x01id\nx"); });
    CHECK_THAT(message, Catch::Contains("'bad?id?x'"));
    auto longer = error_of([] { check_block_id(std::string(100, 'a') + "/"); });
    CHECK(longer.size() < 100 + 100);  // not the whole value
}

TEST_CASE("service URLs: https passes and loses trailing slashes", "[cli]") {
    CHECK(check_service_url("--pigment-url", "https://pigment.app") == "https://pigment.app");
    CHECK(check_service_url("--pigment-url", "https://pigment.app/") == "https://pigment.app");
    CHECK(check_service_url("--pigment-url", "https://pigment.app///") == "https://pigment.app");
    CHECK(check_service_url("--pigment-url", "https://eu.pigment.app/base/") == "https://eu.pigment.app/base");
    CHECK(check_service_url("--key-vault-url", "https://kv.vault.azure.net:443") == "https://kv.vault.azure.net:443");
}

TEST_CASE("service URLs: http only for loopback hosts", "[cli]") {
    CHECK(check_service_url("--pigment-url", "http://127.0.0.1:8080/") == "http://127.0.0.1:8080");
    CHECK(check_service_url("--pigment-url", "http://localhost:1234") == "http://localhost:1234");
    CHECK(check_service_url("--pigment-url", "http://[::1]:9") == "http://[::1]:9");
    auto message = error_of([] { check_service_url("--pigment-url", "http://pigment.app"); });
    CHECK_THAT(message, Catch::Contains("--pigment-url must use https://"));
    CHECK_THAT(message, Catch::Contains("loopback"));
}

TEST_CASE("service URLs: each kind of rejection names the option", "[cli]") {
    CHECK_THAT(error_of([] { check_service_url("--key-vault-url", "ftp://kv"); }),
               Catch::Contains("--key-vault-url 'ftp://kv' must start with https://"));
    CHECK_THAT(error_of([] { check_service_url("--key-vault-url", "kv.vault.azure.net"); }),
               Catch::Contains("--key-vault-url"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://pigment.app?x=1"); }),
               Catch::Contains("--pigment-url must not carry a query or fragment"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://pigment.app/#a"); }),
               Catch::Contains("query or fragment"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://"); }),
               Catch::Contains("--pigment-url has no host"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https:///path"); }), Catch::Contains("no host"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://u:p@pigment.app"); }),
               Catch::Contains("--pigment-url must not contain credentials"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://pigment.app/a b"); }),
               Catch::Contains("whitespace"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://pigment.app\n"); }),
               Catch::Contains("control character"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "https://pigment.app\x7F"); }),
               Catch::Contains("control character"));
    CHECK_THAT(error_of([] { check_service_url("--pigment-url", "HTTPS://pigment.app"); }),
               Catch::Contains("https://"));
}

TEST_CASE("service URLs: a rejected scheme does not echo control bytes or unbounded text", "[cli]") {
    auto message = error_of([] { check_service_url("--pigment-url", "x" + std::string(200, 'y')); });
    CHECK_THAT(message, Catch::Contains("..."));
    CHECK(message.size() < 200);
}

TEST_CASE("secret names: 1-127 letters, digits and hyphens", "[cli]") {
    CHECK_NOTHROW(check_secret_name("pigment-export-key"));
    CHECK_NOTHROW(check_secret_name("A"));
    CHECK_NOTHROW(check_secret_name(std::string(127, 'k')));
    CHECK_THAT(error_of([] { check_secret_name(""); }), Catch::Contains("--secret-name"));
    CHECK_THROWS_AS(check_secret_name(std::string(128, 'k')), std::invalid_argument);
    for (const char* bad : {"a_b", "a/b", "a.b", "a b", "key?x"}) {
        INFO(bad);
        CHECK_THAT(error_of([&] { check_secret_name(bad); }), Catch::Contains("1-127 letters, digits and hyphens"));
    }
}

TEST_CASE("secret versions: exactly 32 hex digits", "[cli]") {
    CHECK_NOTHROW(check_secret_version("0123456789abcdef0123456789ABCDEF"));
    CHECK_THAT(error_of([] { check_secret_version(""); }), Catch::Contains("--secret-version must be 32 hexadecimal"));
    CHECK_THROWS_AS(check_secret_version(std::string(31, 'a')), std::invalid_argument);
    CHECK_THROWS_AS(check_secret_version(std::string(33, 'a')), std::invalid_argument);
    CHECK_THROWS_AS(check_secret_version(std::string(31, 'a') + "g"), std::invalid_argument);
    CHECK_THROWS_AS(check_secret_version(std::string(31, 'a') + "-"), std::invalid_argument);
}
