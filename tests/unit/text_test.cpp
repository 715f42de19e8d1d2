#include <catch2/catch.hpp>

#include "pigment_export/core/text.hpp"

TEST_CASE("ascii_lower folds A-Z only and leaves other bytes as they are", "[core]") {
    CHECK(pe::ascii_lower("HTTPS://Acct.DFS.Core.Windows.NET") == "https://acct.dfs.core.windows.net");
    CHECK(pe::ascii_lower("") == "");
    CHECK(pe::ascii_lower("\xC3\x89t\xC3\xA9 [Z]") == "\xC3\x89t\xC3\xA9 [z]");
}

TEST_CASE("ascii_iequals compares header names without case", "[core]") {
    CHECK(pe::ascii_iequals("Content-MD5", "content-md5"));
    CHECK_FALSE(pe::ascii_iequals("Content-MD5", "Content-MD"));
    CHECK_FALSE(pe::ascii_iequals("x-ms-a", "x-ms-b"));
    CHECK(pe::ascii_iequals("", ""));
}
