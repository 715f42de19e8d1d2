#include <catch2/catch.hpp>

#include <string>

#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/redactor.hpp"
#include "pigment_export/pigment/api_key.hpp"

using namespace pe;
using pe::pigment::ApiKeyOrigin;
using pe::pigment::checked_api_key;

namespace {

FailureInfo refusal(std::string value, ApiKeyOrigin origin = ApiKeyOrigin::file) {
    try {
        checked_api_key(std::move(value), origin, "--api-key-file 'k.txt'");
    } catch (const Failure& f) {
        return f.info();
    }
    FAIL("checked_api_key accepted the value");
    return {};
}

}  // namespace

TEST_CASE("credential text: visible ASCII within the limit, and nothing else", "[core]") {
    CHECK_FALSE(credential_text_problem("pk_0123456789", 4096));
    CHECK_FALSE(credential_text_problem("eyJ0eXAi.eyJhdWQi.c2ln-_~+/=", 4096));
    CHECK(*credential_text_problem("", 4096) == "is empty");
    CHECK(*credential_text_problem(" \t\r\n", 4096) == "is only whitespace");
    CHECK(*credential_text_problem(std::string(4097, 'a'), 4096) == "is larger than 4 KiB");
    CHECK(*credential_text_problem("abc\r\nX-Injected: 1", 4096) == "has a line break at byte 4");
    CHECK(*credential_text_problem("abc\n", 4096) == "has a line break at byte 4");
    CHECK(*credential_text_problem(" abc", 4096) == "has whitespace at byte 1");
    CHECK(*credential_text_problem("ab c", 4096) == "has whitespace at byte 3");
    CHECK(*credential_text_problem(std::string("ab\0c", 4), 4096) == "has a control character at byte 3");
    CHECK(*credential_text_problem("ab\x7f", 4096) == "has a control character at byte 3");
    CHECK(*credential_text_problem("ab\xc3\xa9", 4096) == "has a non-ASCII byte at byte 3");
}

TEST_CASE("exactly one trailing line break is stripped", "[core]") {
    auto stripped = [](std::string s) {
        strip_one_line_break(s);
        return s;
    };
    CHECK(stripped("key\n") == "key");
    CHECK(stripped("key\r\n") == "key");
    CHECK(stripped("key\n\n") == "key\n");
    CHECK(stripped("key\r") == "key\r");
    CHECK(stripped("key") == "key");
    CHECK(stripped("\n").empty());
    CHECK(stripped("").empty());
}

TEST_CASE("every API key source keeps a key with one line end and refuses the rest (exit 3)", "[pigment]") {
    redactor::clear_for_tests();
    CHECK(checked_api_key("pk_0123456789\n", ApiKeyOrigin::key_vault, "Key Vault").reveal() == "pk_0123456789");
    CHECK(checked_api_key("pk_0123456789\r\n", ApiKeyOrigin::environment, "PIGMENT_API_KEY").reveal() ==
          "pk_0123456789");
    for (const char* bad :
         {"", "\n", "   ", "pk_one\npk_two", "pk_0123456789\n\n", "pk_0123\r\nX-Injected: 1", " pk_0123"}) {
        INFO(::Catch::Detail::stringify(std::string(bad)));
        auto info = refusal(bad);
        CHECK(info.stage == Stage::secret);
        CHECK(exit_code(info.stage) == 3);
        CHECK(info.service_code == "ApiKeyMalformed");
        CHECK_THAT(info.message, Catch::StartsWith("the Pigment API key from --api-key-file 'k.txt' "));
        CHECK(info.message.find("pk_") == std::string::npos);
    }
    CHECK_THAT(refusal(std::string(5000, 'k')).message, Catch::EndsWith("is larger than 4 KiB"));
    CHECK_THAT(refusal(" ", ApiKeyOrigin::key_vault).hint, Catch::Contains("az keyvault secret set --value"));
    CHECK_THAT(refusal(" ", ApiKeyOrigin::environment).hint, Catch::Contains("PIGMENT_API_KEY"));
    redactor::clear_for_tests();
}

TEST_CASE("a checked key is registered for scrubbing", "[pigment]") {
    redactor::clear_for_tests();
    auto key = checked_api_key("pk_registered_987\n", ApiKeyOrigin::file, "k");
    CHECK(redactor::scrub("x pk_registered_987 y") == "x [REDACTED] y");
    redactor::clear_for_tests();
}
