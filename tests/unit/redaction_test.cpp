#include <catch2/catch.hpp>

#include <string>

#include "pigment_export/core/redactor.hpp"
#include "pigment_export/http/redact.hpp"

using namespace pe::http;
namespace redactor = pe::redactor;

TEST_CASE("redact_url leaves a URL without a query alone", "[http]") {
    CHECK(redact_url("https://acct.blob.core.windows.net/c/x.csv") == "https://acct.blob.core.windows.net/c/x.csv");
    CHECK(redact_url("") == "");
}

TEST_CASE("redact_url keeps allow-listed parameters and redacts the rest", "[http]") {
    CHECK(redact_url("https://h/p?api-version=7.4&sig=abc&comp=block&blockid=QUFB") ==
          "https://h/p?api-version=7.4&sig=REDACTED&comp=block&blockid=QUFB");
    CHECK(redact_url("https://h/f?resource=file&action=append&position=0&close=true&mode=legacy&restype=container") ==
          "https://h/f?resource=file&action=append&position=0&close=true&mode=legacy&restype=container");
    CHECK(redact_url("https://pigment.app/api/export/view/x?fieldDelimiter=Semicolon&dateFormat=Iso8601") ==
          "https://pigment.app/api/export/view/x?fieldDelimiter=Semicolon&dateFormat=Iso8601");
    CHECK(redact_url("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://"
                     "storage.azure.com&client_id=abc") ==
          "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://"
          "storage.azure.com&client_id=abc");
    CHECK(redact_url("https://h/p?token=xyz&api-version=1") == "https://h/p?token=REDACTED&api-version=1");
}

TEST_CASE("redact_url scrubs every SAS field of its value", "[http]") {
    const std::string sas =
        "sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2030-01-01T00:00:00Z&st=2024-01-01&spr=https"
        "&skoid=11111111-2222&sktid=tenant&sig=AbC%2Bdef%3D";
    auto out = redact_url("https://acct.blob.core.windows.net/c/x.csv?" + sas);
    CHECK(out ==
          "https://acct.blob.core.windows.net/c/x.csv?sv=REDACTED&ss=REDACTED&srt=REDACTED&sp=REDACTED&se=REDACTED"
          "&st=REDACTED&spr=REDACTED&skoid=REDACTED&sktid=REDACTED&sig=REDACTED");
    CHECK(out.find("AbC") == std::string::npos);
    CHECK(out.find("rwdlac") == std::string::npos);
    CHECK(out.find("2030") == std::string::npos);
}

TEST_CASE("redact_url matches parameter names exactly", "[http]") {
    // A look-alike or differently cased name is not allow-listed.
    CHECK(redact_url("https://h/?API-VERSION=1") == "https://h/?API-VERSION=REDACTED");
    CHECK(redact_url("https://h/?api-version2=x") == "https://h/?api-version2=REDACTED");
    CHECK(redact_url("https://h/?Sig=x") == "https://h/?Sig=REDACTED");
}

TEST_CASE("redact_url keeps bare keys, empty values and a trailing '?'", "[http]") {
    CHECK(redact_url("https://h/p?") == "https://h/p?");
    CHECK(redact_url("https://h/p?flag") == "https://h/p?flag");
    CHECK(redact_url("https://h/p?sig=") == "https://h/p?sig=REDACTED");
    CHECK(redact_url("https://h/p?a=1&&b=2") == "https://h/p?a=REDACTED&&b=REDACTED");
    CHECK(redact_url("https://h/p?sig=a=b=c") == "https://h/p?sig=REDACTED");
}

TEST_CASE("strip_query drops everything from '?'", "[http]") {
    CHECK(strip_query("https://acct.blob.core.windows.net/c/x.csv?sv=1&sig=abc") ==
          "https://acct.blob.core.windows.net/c/x.csv");
    CHECK(strip_query("https://h/p") == "https://h/p");
    CHECK(strip_query("https://h/p?") == "https://h/p");
    CHECK(strip_query("") == "");
    CHECK(strip_query("/local/out.csv") == "/local/out.csv");
}

TEST_CASE("secret-bearing headers are redacted", "[http]") {
    for (const char* name : {"Authorization", "authorization", "x-ms-encryption-key", "x-ms-copy-source-authorization",
                             "X-IDENTITY-HEADER", "x-identity-header", "Cookie", "Set-Cookie", "Proxy-Authorization",
                             "X-Api-Key", "Ocp-Apim-Subscription-Key", "x-ms-meta"}) {
        INFO(name);
        CHECK_FALSE(is_safe_header(name));
        CHECK(redact_header_value(name, "Bearer eyJ0eXAi") == "REDACTED");
    }
}

TEST_CASE("diagnostic headers keep their values, matched case-insensitively", "[http]") {
    for (const char* name :
         {"Content-Type", "content-type", "CONTENT-LENGTH", "Content-MD5", "x-ms-version", "X-MS-DATE",
          "x-ms-request-id", "x-ms-error-code", "Retry-After", "x-ms-retry-after-ms", "ETag", "User-Agent", "Metadata",
          "x-ms-blob-type", "x-ms-resource-type", "x-ms-content-crc64"}) {
        INFO(name);
        CHECK(is_safe_header(name));
        CHECK(redact_header_value(name, "text/csv; charset=utf-8") == "text/csv; charset=utf-8");
    }
}

TEST_CASE("x-ms-meta-* headers are kept", "[http]") {
    CHECK(is_safe_header("x-ms-meta-pigment_block_id"));
    CHECK(is_safe_header("X-MS-META-rows"));
    CHECK(redact_header_value("x-ms-meta-rows", "42") == "42");
}

TEST_CASE("redactor::scrub masks every occurrence of every registered value", "[http][core]") {
    redactor::clear_for_tests();
    redactor::add("s3cr3t-value");
    CHECK(redactor::scrub("a s3cr3t-value b s3cr3t-value") == "a [REDACTED] b [REDACTED]");
    CHECK(redactor::scrub("s3cr3t-values3cr3t-value") == "[REDACTED][REDACTED]");
    CHECK(redactor::scrub("s3cr3t-value-s3cr3t-value") == "[REDACTED]-[REDACTED]");
    CHECK(redactor::scrub("nothing here") == "nothing here");
    CHECK(redactor::scrub("") == "");
    redactor::clear_for_tests();
    CHECK(redactor::scrub("s3cr3t-value") == "s3cr3t-value");
}

TEST_CASE("redactor::scrub masks the longest value first", "[http][core]") {
    redactor::clear_for_tests();
    redactor::add("abcdef");
    redactor::add("abcdefghijkl");
    // Masked whole: a "[REDACTED]ghijkl" would leak the tail of the longer secret.
    CHECK(redactor::scrub("x abcdefghijkl y") == "x [REDACTED] y");
    CHECK(redactor::scrub("abcdef") == "[REDACTED]");
    redactor::clear_for_tests();
    redactor::add("abcdefghijkl");
    redactor::add("abcdef");  // order of registration does not matter
    CHECK(redactor::scrub("abcdefghijkl") == "[REDACTED]");
    redactor::clear_for_tests();
}

TEST_CASE("redactor ignores values shorter than 6 characters", "[http][core]") {
    redactor::clear_for_tests();
    redactor::add("");
    redactor::add("a");
    redactor::add("abcde");
    CHECK(redactor::scrub("a abcde b") == "a abcde b");
    redactor::add("abcdef");
    CHECK(redactor::scrub("a abcdef b") == "a [REDACTED] b");
    redactor::clear_for_tests();
}

TEST_CASE("redactor masks overlapping repeats without leaving the value readable", "[http][core]") {
    redactor::clear_for_tests();
    redactor::add("aaaaaa");
    auto out = redactor::scrub("aaaaaaaaaaaa");  // two back-to-back copies
    CHECK(out == "[REDACTED][REDACTED]");
    CHECK(redactor::scrub("aaaaaaa").find("aaaaaa") == std::string::npos);
    redactor::clear_for_tests();
}
