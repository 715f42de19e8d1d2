#include <catch2/catch.hpp>

#include <string>

#include "pigment_export/app/secret_stage.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/redactor.hpp"

using namespace pe;

namespace {

FailureInfo failure_of(std::string content) {
    try {
        parse_api_key_file(std::move(content), "/etc/pigment/key.txt");
    } catch (const Failure& f) {
        return f.info();
    }
    FAIL("parse_api_key_file accepted the content");
    return {};
}

}  // namespace

TEST_CASE("the key file's content is the key, without trailing line breaks", "[app]") {
    redactor::clear_for_tests();
    CHECK(parse_api_key_file("pk_0123456789", "k").reveal() == "pk_0123456789");
    CHECK(parse_api_key_file("pk_0123456789\n", "k").reveal() == "pk_0123456789");
    CHECK(parse_api_key_file("pk_0123456789\r\n", "k").reveal() == "pk_0123456789");
    CHECK(parse_api_key_file("pk_0123456789\n\n\r\n", "k").reveal() == "pk_0123456789");
    // Other whitespace is part of the value as written.
    CHECK(parse_api_key_file(" pk_0123456789", "k").reveal() == " pk_0123456789");
    redactor::clear_for_tests();
}

TEST_CASE("the parsed key is registered for scrubbing", "[app]") {
    redactor::clear_for_tests();
    auto key = parse_api_key_file("pk_registered_987\n", "k");
    CHECK(redactor::scrub("x pk_registered_987 y") == "x [REDACTED] y");
    redactor::clear_for_tests();
}

TEST_CASE("an empty key file is refused at the secret stage", "[app]") {
    redactor::clear_for_tests();
    for (const char* content : {"", "\n", "\r\n", "\n\n"}) {
        INFO(::Catch::Detail::stringify(std::string(content)));
        auto info = failure_of(content);
        CHECK(info.stage == Stage::secret);
        CHECK(info.service_code == "KeyFileEmpty");
        CHECK_THAT(info.message, Catch::Contains("'/etc/pigment/key.txt' is empty"));
        CHECK(exit_code(info.stage) == 3);
    }
}

TEST_CASE("a multi-line key file is refused without echoing the key", "[app]") {
    redactor::clear_for_tests();
    for (const char* content : {"pk_line_one_1\npk_line_two_2", "pk_line_one_1\r\npk_line_two_2\n", "pk_line_one_1\rx"}) {
        auto info = failure_of(content);
        CHECK(info.stage == Stage::secret);
        CHECK(info.service_code == "KeyFileMalformed");
        CHECK_THAT(info.message, Catch::Contains("more than one line"));
        CHECK(info.message.find("pk_line") == std::string::npos);
    }
    redactor::clear_for_tests();
}

TEST_CASE("describe_key_source names the source without the key", "[app]") {
    Config c;
    c.secret.api_key_from_env = true;
    CHECK(describe_key_source(c) == "environment variable PIGMENT_API_KEY");
    c.secret.api_key_file = "/run/secrets/pigment";
    CHECK(describe_key_source(c) == "file /run/secrets/pigment");
    c.secret.key_vault_url = "https://kv.vault.azure.net";
    c.secret.secret_name = "pigment-key";
    CHECK(describe_key_source(c) == "Key Vault https://kv.vault.azure.net/secrets/pigment-key");
    c.secret.secret_version = "0123456789abcdef0123456789abcdef";
    CHECK(describe_key_source(c) == "Key Vault https://kv.vault.azure.net/secrets/pigment-key/0123456789abcdef0123456789abcdef");
}
