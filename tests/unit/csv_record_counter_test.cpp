#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "pigment_export/transfer/csv_record_counter.hpp"

using pe::CsvRecordCounter;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

struct Counts {
    std::uint64_t records = 0;
    std::uint64_t data_rows = 0;
    bool inside_quotes = false;
    std::uint64_t bytes = 0;

    bool operator==(const Counts& o) const {
        return records == o.records && data_rows == o.data_rows && inside_quotes == o.inside_quotes && bytes == o.bytes;
    }
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
    return os << "{records=" << c.records << ", data_rows=" << c.data_rows << ", inside_quotes=" << c.inside_quotes
              << ", bytes=" << c.bytes << "}";
}

Counts counts_of(const CsvRecordCounter& c) {
    return {c.records(), c.data_rows(), c.inside_quotes(), c.bytes()};
}

Counts one_feed(const std::string& text, CsvRecordCounter::Isa isa = CsvRecordCounter::best_isa()) {
    CsvRecordCounter c(isa);
    c.feed(text.data(), text.size());
    return counts_of(c);
}

Counts fed_in_pieces(const std::string& text, const std::vector<std::size_t>& cuts,
                     CsvRecordCounter::Isa isa = CsvRecordCounter::best_isa()) {
    CsvRecordCounter c(isa);
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        c.feed(text.data() + from, cut - from);
        from = cut;
    }
    c.feed(text.data() + from, text.size() - from);
    return counts_of(c);
}

Counts byte_by_byte(const std::string& text) {
    CsvRecordCounter c;
    for (char ch : text) c.feed(&ch, 1);
    return counts_of(c);
}

// The reference: one byte at a time, the obvious way. A record is a line (ended by LF
// outside quotes, or the final unterminated line) that holds anything other than CRs.
// A leading UTF-8 BOM is not content; a partial BOM is.
Counts reference_count(const std::string& text) {
    std::size_t start = text.rfind(kBom, 0) == 0 ? 3 : 0;
    std::uint64_t records = 0;
    bool quoted = false;
    bool content = false;
    for (std::size_t i = start; i < text.size(); ++i) {
        char ch = text[i];
        if (quoted) {
            if (ch == '"') quoted = false;
            continue;
        }
        if (ch == '"') {
            quoted = true;
            content = true;
        } else if (ch == '\n') {
            if (content) ++records;
            content = false;
        } else if (ch != '\r') {
            content = true;
        }
    }
    if (content) ++records;
    return {records, records == 0 ? 0 : records - 1, quoted, text.size()};
}

// Every way of cutting `text` into two pieces, and (for short inputs) three, must agree
// with a single feed and with byte-by-byte feeding.
void check_split_invariance(const std::string& text) {
    INFO("input: " << ::Catch::Detail::stringify(text));
    const Counts whole = one_feed(text);
    CHECK(byte_by_byte(text) == whole);
    for (std::size_t i = 0; i <= text.size(); ++i) {
        INFO("cut at " << i);
        REQUIRE(fed_in_pieces(text, {i}) == whole);
    }
    if (text.size() <= 64) {
        for (std::size_t i = 0; i <= text.size(); ++i) {
            for (std::size_t j = i; j <= text.size(); ++j) {
                INFO("cuts at " << i << " and " << j);
                REQUIRE(fed_in_pieces(text, {i, j}) == whole);
            }
        }
    }
}

}  // namespace

TEST_CASE("an empty stream has no records and is not inside quotes", "[csv]") {
    CsvRecordCounter c;
    CHECK(c.records() == 0);
    CHECK(c.data_rows() == 0);
    CHECK_FALSE(c.inside_quotes());
    CHECK(c.bytes() == 0);
    c.feed("", 0);
    CHECK(c.records() == 0);
    CHECK(c.bytes() == 0);
}

TEST_CASE("rows are counted after the header", "[csv]") {
    CHECK(one_feed("a;b\n").records == 1);
    CHECK(one_feed("a;b\n").data_rows == 0);
    CHECK(one_feed("a;b\n1;2\n").data_rows == 1);
    CHECK(one_feed("a;b\n1;2\n3;4\n5;6\n").data_rows == 3);
    CHECK(one_feed("a;b\n1;2\n3;4\n5;6\n").records == 4);
}

TEST_CASE("a final line without a newline still counts", "[csv]") {
    CHECK(one_feed("h\n1\n2").data_rows == 2);
    CHECK(one_feed("h").records == 1);
    CHECK(one_feed("h").data_rows == 0);
    CHECK(one_feed("h\r\n1\r\n2").data_rows == 2);
}

TEST_CASE("CRLF line ends count once", "[csv]") {
    auto c = one_feed("a,b\r\n1,2\r\n3,4\r\n");
    CHECK(c.records == 3);
    CHECK(c.data_rows == 2);
    CHECK(one_feed("a\r\n1\n2\r\n").data_rows == 2);  // mixed line ends
}

TEST_CASE("blank lines are not records", "[csv]") {
    CHECK(one_feed("h\n\n1\n\n\n2\n").data_rows == 2);
    CHECK(one_feed("h\r\n\r\n1\r\n\r\n").data_rows == 1);
    CHECK(one_feed("\n\n").records == 0);
    CHECK(one_feed("\r\n").records == 0);
    CHECK(one_feed("h\n1\n\n").data_rows == 1);
}

TEST_CASE("the delimiter inside quotes does not matter - quoted fields count as content", "[csv]") {
    CHECK(one_feed("name;note\n\"a;b\";\"c;d\"\n").data_rows == 1);
    CHECK(one_feed("h\n\"\"\n").data_rows == 1);  // a line holding only an empty quoted field is a record
    CHECK(one_feed("h\n\"\"").data_rows == 1);
}

TEST_CASE("doubled quotes inside a quoted field do not close it", "[csv]") {
    auto c = one_feed("h\n\"he said \"\"hi\"\"\n and left\";x\n2\n");
    CHECK(c.data_rows == 2);
    CHECK_FALSE(c.inside_quotes);
    auto d = one_feed("h\n\"\"\"\"\n");  // a field holding one quote character
    CHECK(d.data_rows == 1);
    CHECK_FALSE(d.inside_quotes);
}

TEST_CASE("embedded LF and CRLF inside quoted fields do not end the record", "[csv]") {
    CHECK(one_feed("h\n\"line1\nline2\";x\n").data_rows == 1);
    CHECK(one_feed("h\r\n\"line1\r\nline2\r\n\r\nline3\";x\r\n2\r\n").data_rows == 2);
    CHECK(one_feed("h\n\"\n\n\n\"\n").data_rows == 1);
}

TEST_CASE("a leading UTF-8 BOM is skipped but counted in bytes", "[csv]") {
    auto c = one_feed(kBom + "h\n1\n");
    CHECK(c.records == 2);
    CHECK(c.data_rows == 1);
    CHECK(c.bytes == 7);
    // A BOM alone, or a BOM followed by blank lines, is no record.
    CHECK(one_feed(kBom).records == 0);
    CHECK(one_feed(kBom + "\n\r\n").records == 0);
    // A BOM is recognised at the start only; later it is content.
    CHECK(one_feed("\n" + kBom + "\n").records == 1);
    // A BOM directly followed by a quoted field.
    CHECK(one_feed(kBom + "\"h\"\n\"1\"\n").data_rows == 1);
}

TEST_CASE("a BOM split across feeds is still skipped", "[csv]") {
    const std::string text = kBom + "\n";  // only a BOM then a blank line: no record
    for (std::size_t i = 0; i <= text.size(); ++i) {
        INFO("cut at " << i);
        CHECK(fed_in_pieces(text, {i}).records == 0);
    }
    CHECK(byte_by_byte(text).records == 0);
    CHECK(byte_by_byte(kBom + "h\n1\n").data_rows == 1);
}

TEST_CASE("a partial BOM-like prefix is content", "[csv]") {
    // 0xEF 0xBB then a newline: those two bytes form a (strange) record.
    CHECK(one_feed("\xEF\xBB\n").records == 1);
    CHECK(one_feed("\xEF\n").records == 1);
    CHECK(one_feed("\xEF"
                   "a\n1\n")
              .data_rows == 1);
    CHECK(one_feed("\xEF\xBB"
                   "a\n1\n")
              .data_rows == 1);
    CHECK(byte_by_byte("\xEF\xBB\n").records == 1);
    CHECK(fed_in_pieces("\xEF\xBB\n", {1}).records == 1);
    CHECK(fed_in_pieces("\xEF\xBB\n", {2}).records == 1);
    // A partial BOM followed by a quote: the quote still opens a field.
    auto q = one_feed("\xEF\"a\nb\"\n");
    CHECK(q.records == 1);
    CHECK_FALSE(q.inside_quotes);
}

TEST_CASE("inside_quotes() reports a stream cut inside a quoted field", "[csv]") {
    CHECK(one_feed("h\n\"unterminated").inside_quotes);
    CHECK(one_feed("h\n\"a\nb").inside_quotes);
    CHECK(one_feed("h\n\"a\"\"").inside_quotes);  // "a"" : the doubled quote is an escaped quote
    CHECK_FALSE(one_feed("h\n\"a\"").inside_quotes);
    CHECK_FALSE(one_feed("h\n\"a\"\"\"").inside_quotes);
    // A truncated record inside quotes still counts as a (partial) record.
    CHECK(one_feed("h\n\"abc").records == 2);
}

TEST_CASE("bytes() counts every byte fed", "[csv]") {
    CsvRecordCounter c;
    c.feed("abc", 3);
    c.feed("\n\"", 2);
    c.feed("", 0);
    CHECK(c.bytes() == 5);
}

TEST_CASE("every split point gives the same counts as one feed", "[csv]") {
    const std::vector<std::string> inputs = {
        "",
        "a",
        "h\n",
        "a;b\n1;2\n3;4",
        "a;b\r\n1;2\r\n3;4\r\n",
        "h\r\n\r\n1\r\n\r\n",
        "h\n\"a;b\";\"c\"\"d\"\n\"x\ny\";z\r\n\"p\r\nq\"\r\n",
        "h\n\"\"\"\"\n\"\"\n",
        kBom + "h\r\n1\r\n",
        kBom,
        kBom + "\"q\"\n",
        "\xEF\xBB"
        "a\n1\n",
        "\xEF\n",
        "h\n\"open\nfield",
        "\n\n\nh\n\n1",
        "h;\"\r\n\"\r\n",
        "a\r\n\"\r\"\r\n",
    };
    for (const auto& text : inputs) {
        check_split_invariance(text);
        CHECK(one_feed(text) == reference_count(text));
    }
}

TEST_CASE("lines made only of carriage returns are blank whatever the feed boundaries", "[csv]") {
    // "h\n\r\r\n1\n": the middle line holds two CRs and nothing else. Fed byte by byte it is
    // a blank line (the CR is never content); fed at once, it counts as a record.
    const std::string text = "h\n\r\r\n1\n";
    CHECK(byte_by_byte(text).data_rows == 1);
    CHECK(one_feed(text).data_rows == byte_by_byte(text).data_rows);
}

TEST_CASE("randomized CSV matches a byte-at-a-time reference under random splits", "[csv]") {
    std::mt19937 rng(20240611u);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const std::vector<std::string> plain = {"a", "bc", "12,5", " ", "\xC3\xA9", "x y", ";", ","};
    const std::vector<std::string> in_quotes = {"a", ";", ",", "\"\"", "\n", "\r\n", "\r", " ", "\xE2\x82\xAC", ""};
    for (int round = 0; round < 400; ++round) {
        std::string text;
        if (pick(4) == 0) text += kBom;
        const int lines = pick(8);
        const bool crlf = pick(2) == 0;
        for (int l = 0; l < lines; ++l) {
            const int kind = pick(10);
            if (kind == 0) {
                // a blank line
            } else {
                const int fields = 1 + pick(4);
                for (int f = 0; f < fields; ++f) {
                    if (f > 0) text += ';';
                    if (pick(3) == 0) {
                        text += '"';
                        const int parts = pick(5);
                        for (int p = 0; p < parts; ++p)
                            text += in_quotes[static_cast<std::size_t>(pick(static_cast<int>(in_quotes.size())))];
                        text += '"';
                    } else {
                        const int parts = pick(3);
                        for (int p = 0; p < parts; ++p)
                            text += plain[static_cast<std::size_t>(pick(static_cast<int>(plain.size())))];
                    }
                }
            }
            const bool last = l + 1 == lines;
            if (!last || pick(2) == 0) text += crlf ? "\r\n" : "\n";
        }
        if (pick(10) == 0) text += "\"cut";  // a truncated quoted field
        INFO("round " << round << " input: " << ::Catch::Detail::stringify(text));
        const Counts expected = reference_count(text);
        REQUIRE(one_feed(text) == expected);
        REQUIRE(byte_by_byte(text) == expected);
        for (int s = 0; s < 5; ++s) {
            std::vector<std::size_t> cuts;
            const int n = pick(6);
            for (int k = 0; k < n; ++k)
                cuts.push_back(text.empty() ? 0 : static_cast<std::size_t>(rng() % (text.size() + 1)));
            std::sort(cuts.begin(), cuts.end());
            REQUIRE(fed_in_pieces(text, cuts) == expected);
        }
    }
}

TEST_CASE("large inputs split into many chunks keep exact counts", "[csv]") {
    std::string text = kBom + "id;comment\r\n";
    for (int i = 0; i < 5000; ++i) {
        text += std::to_string(i) + ";\"multi\r\nline; \"\"quoted\"\"\"\r\n";
        if (i % 100 == 0) text += "\r\n";  // blank
    }
    const Counts expected = reference_count(text);
    REQUIRE(expected.data_rows == 5000);
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 4096u, 65536u}) {
        CsvRecordCounter c;
        for (std::size_t from = 0; from < text.size(); from += chunk) {
            c.feed(text.data() + from, std::min(chunk, text.size() - from));
        }
        INFO("chunk " << chunk);
        CHECK(counts_of(c) == expected);
    }
}

// The 64-byte block path only runs on long inputs: random texts of a few KiB, dense with
// quotes, CR runs, blank lines and line ends at block edges, fed whole and in random pieces,
// through the baseline block loop and through this CPU's best one.
TEST_CASE("long random texts match the reference on the block path", "[csv]") {
    using Isa = CsvRecordCounter::Isa;
    std::vector<Isa> loops = {Isa::baseline};
    if (CsvRecordCounter::best_isa() == Isa::avx2) {
        loops.push_back(Isa::avx2);
    } else {
        WARN("this CPU lacks AVX2/PCLMUL/POPCNT: only the baseline block loop is exercised");
    }
    std::mt19937 rng(20261129u);
    const std::vector<std::string> atoms = {"a",  ";",    "\"",   "\"\"",    "\n",          "\r\n",
                                            "\r", "\r\r", "\n\n", "xyz;1,5", "\xE2\x82\xAC"};
    for (int round = 0; round < 300; ++round) {
        std::string text = round % 5 == 0 ? kBom : "";
        const std::size_t target = 64 + rng() % 4000;
        const bool dense = round % 2 == 0;
        while (text.size() < target) {
            // Mostly plain cells so quotes balance over long stretches; dense rounds mix all atoms.
            std::size_t pick = dense ? rng() % atoms.size() : (rng() % 8 == 0 ? rng() % atoms.size() : 0);
            text += atoms[pick];
        }
        const Counts expected = reference_count(text);
        std::vector<std::size_t> cuts;
        for (int k = 0; k < 4; ++k) cuts.push_back(static_cast<std::size_t>(rng() % (text.size() + 1)));
        std::sort(cuts.begin(), cuts.end());
        for (Isa isa : loops) {
            INFO("round " << round << (isa == Isa::avx2 ? ", AVX2 loop" : ", baseline loop"));
            REQUIRE(one_feed(text, isa) == expected);
            REQUIRE(fed_in_pieces(text, cuts, isa) == expected);
        }
    }
}
