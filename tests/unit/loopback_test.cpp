#include <catch2/catch.hpp>

#include "pigment_export/core/loopback.hpp"

using pe::is_loopback_host;

TEST_CASE("loopback: literals in 127.0.0.0/8, ::1 and localhost, with or without a port", "[core][loopback]") {
    CHECK(is_loopback_host("localhost"));
    CHECK(is_loopback_host("LocalHost:8080"));
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("127.0.0.1:10000"));
    CHECK(is_loopback_host("127.255.1.2"));
    CHECK(is_loopback_host("[::1]"));
    CHECK(is_loopback_host("[::1]:10000"));
    CHECK(is_loopback_host("::1"));
    CHECK(is_loopback_host("[0:0:0:0:0:0:0:1]"));
}

TEST_CASE("loopback: names under localhost are loopback (RFC 6761)", "[core][loopback]") {
    CHECK(is_loopback_host("kv1.vault.localhost"));
    CHECK(is_loopback_host("Vault.LOCALHOST:8443"));
    CHECK_FALSE(is_loopback_host("evillocalhost"));
    CHECK_FALSE(is_loopback_host(".localhost"));
    CHECK_FALSE(is_loopback_host("a..localhost"));
    CHECK_FALSE(is_loopback_host("a_b.localhost"));
    CHECK_FALSE(is_loopback_host("localhost.localhost.evil.example"));
}

TEST_CASE("loopback: names that only look local are remote", "[core][loopback]") {
    CHECK_FALSE(is_loopback_host(""));
    CHECK_FALSE(is_loopback_host("example.com"));
    CHECK_FALSE(is_loopback_host("127.evil.example"));
    CHECK_FALSE(is_loopback_host("127.0.0.1.evil.example"));
    CHECK_FALSE(is_loopback_host("127.1"));
    CHECK_FALSE(is_loopback_host("0x7f.0.0.1"));
    CHECK_FALSE(is_loopback_host("128.0.0.1"));
    CHECK_FALSE(is_loopback_host("localhost.evil.example"));
    CHECK_FALSE(is_loopback_host("localhost:"));
    CHECK_FALSE(is_loopback_host("localhost:80x"));
    CHECK_FALSE(is_loopback_host("[::1]x"));
    CHECK_FALSE(is_loopback_host("[::2]"));
    CHECK_FALSE(is_loopback_host("[::ffff:127.0.0.1]"));
    CHECK_FALSE(is_loopback_host("10.0.0.1"));
}
