#include <catch2/catch.hpp>

#include <string>

#include "pigment_export/core/url.hpp"

using namespace pe;

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

TEST_CASE("split_url gives scheme, authority, path, query and what is there", "[core][url]") {
    auto p = split_url("https://user@host:8443/a/b%20c?x=1&y=2#frag");
    REQUIRE(p);
    CHECK(p->scheme == "https");
    CHECK(p->authority == "user@host:8443");
    CHECK(p->path == "/a/b%20c");
    CHECK(p->query == "x=1&y=2");
    CHECK(p->has_query);
    CHECK(p->has_fragment);

    auto bare = split_url("http://127.0.0.1:10000");
    REQUIRE(bare);
    CHECK(bare->authority == "127.0.0.1:10000");
    CHECK(bare->path.empty());
    CHECK_FALSE(bare->has_query);
    CHECK_FALSE(bare->has_fragment);

    // A '?' or '#' ends the authority even before any '/'.
    auto query_only = split_url("https://host?a/b");
    REQUIRE(query_only);
    CHECK(query_only->authority == "host");
    CHECK(query_only->path.empty());
    CHECK(query_only->query == "a/b");
    auto fragment_first = split_url("https://host/p#x?y");
    REQUIRE(fragment_first);
    CHECK(fragment_first->path == "/p");
    CHECK_FALSE(fragment_first->has_query);

    CHECK_FALSE(split_url("host/path"));
    CHECK_FALSE(split_url("://host/path"));
}

TEST_CASE("hostname_of drops userinfo, port and IPv6 brackets, and folds case", "[core][url]") {
    CHECK(hostname_of("Vault.Azure.NET:443") == "vault.azure.net");
    CHECK(hostname_of("[::1]:8080") == "::1");
    CHECK(hostname_of("127.0.0.1@evil.example") == "evil.example");  // where a client would connect
    CHECK(hostname_of("") == "");
    CHECK_FALSE(hostname_of("[::1"));
}

TEST_CASE("percent_decode is strict, the lenient one keeps what is not an escape", "[core][url]") {
    CHECK(percent_decode("a%20b%2fc") == "a b/c");
    CHECK(percent_decode("plain") == "plain");
    CHECK_FALSE(percent_decode("a%2"));
    CHECK_FALSE(percent_decode("a%zz"));
    CHECK_FALSE(percent_decode("%"));
    CHECK(percent_decode_lenient("a%20b") == "a b");
    CHECK(percent_decode_lenient("a%2") == "a%2");
    CHECK(percent_decode_lenient("100%zz") == "100%zz");
    CHECK(percent_decode(percent_encode("dir/é x", true)) == "dir/é x");
}

TEST_CASE("with_query appends after '?' or '&'", "[core][url]") {
    CHECK(with_query("http://169.254.169.254/token", "a=1") == "http://169.254.169.254/token?a=1");
    CHECK(with_query("http://localhost:40342/token?x=y", "a=1&b=2") == "http://localhost:40342/token?x=y&a=1&b=2");
}

TEST_CASE("without_trailing_slashes drops every trailing '/' and nothing else", "[core][url]") {
    CHECK(without_trailing_slashes("https://storage.azure.com/") == "https://storage.azure.com");
    CHECK(without_trailing_slashes("https://host//") == "https://host");
    CHECK(without_trailing_slashes("https://host/a/b") == "https://host/a/b");
    CHECK(without_trailing_slashes("/") == "");
    CHECK(without_trailing_slashes("") == "");
}
