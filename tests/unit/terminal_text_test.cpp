#include <catch2/catch.hpp>

#include "pigment_export/core/terminal_text.hpp"

using pe::printable;

TEST_CASE("printable: plain and UTF-8 text is unchanged", "[core][terminal_text]") {
    CHECK(printable("SecretNotFound: no such secret") == "SecretNotFound: no such secret");
    CHECK(printable("r\xC3\xA9sum\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
          "r\xC3\xA9sum\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    CHECK(printable("\xC2\xA0") == "\xC2\xA0");
}

TEST_CASE("printable: line breaks become spaces, other controls visible escapes", "[core][terminal_text]") {
    CHECK(printable("a\nb\r\nc\td") == "a b  c d");
    CHECK(printable("\x1B[2J\x07ok") == "\\x1B[2J\\x07ok");
    CHECK(printable(std::string_view("a\0b", 3)) == "a\\x00b");
    CHECK(printable("\x7F") == "\\x7F");
}

TEST_CASE("printable: C1 controls and broken UTF-8 are escaped byte by byte", "[core][terminal_text]") {
    CHECK(printable("\xC2\x9B"
                    "2J") == "\\xC2\\x9B2J");
    CHECK(printable("\x9B") == "\\x9B");
    CHECK(printable("\xC3") == "\\xC3");
    CHECK(printable("\xC0\xAF") == "\\xC0\\xAF");           // overlong '/'
    CHECK(printable("\xED\xA0\x80") == "\\xED\\xA0\\x80");  // surrogate
    CHECK(printable("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");
    CHECK(printable("\xE2\x82") == "\\xE2\\x82");
}
