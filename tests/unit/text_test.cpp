#include <catch2/catch.hpp>

#include <string>

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

TEST_CASE("first_line: the first non-blank line, cut with an ellipsis", "[core]") {
    CHECK(pe::first_line("The specified blob does not exist.\nRequestId:abc\r\nTime:now") ==
          "The specified blob does not exist.");
    CHECK(pe::first_line("\r\n\nERROR: Please run 'az login'\r\n") == "ERROR: Please run 'az login'");
    CHECK(pe::first_line("") == "");
    CHECK(pe::first_line("\n\r\n") == "");
    CHECK(pe::first_line(std::string(300, 'x')) == std::string(300, 'x'));
    CHECK(pe::first_line(std::string(301, 'x')) == std::string(300, 'x') + "...");
    CHECK(pe::first_line("abcdef", 3) == "abc...");
}
