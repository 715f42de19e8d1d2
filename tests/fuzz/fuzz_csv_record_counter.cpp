// CsvRecordCounter: fed whole, split at a boundary derived from the first byte, and one byte at
// a time, it must agree with itself and with the simple reference below (RFC 4180 quoting; LF
// or CRLF ends a record; a line of nothing but carriage returns is not a record; a leading
// UTF-8 BOM is skipped).
//
// Known, reported findings (docs/reliability.md, "Fuzz findings") can be tolerated with
// PE_FUZZ_TOLERATE_KNOWN=1 so that a smoke run keeps hunting for new ones; by default every
// mismatch aborts.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/transfer/csv_record_counter.hpp"

namespace {

struct Reference {
    std::uint64_t records = 0;
    bool inside_quotes = false;
};

Reference reference_count(std::string_view s) {
    if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    Reference r;
    std::string line;  // the current record's bytes (line end excluded)
    auto end_record = [&] {
        if (line.find_first_not_of('\r') != std::string::npos) ++r.records;
        line.clear();
    };
    for (char c : s) {
        if (c == '"') r.inside_quotes = !r.inside_quotes;
        if (c == '\n' && !r.inside_quotes) {
            end_record();
        } else {
            line.push_back(c);
        }
    }
    end_record();
    return r;
}

struct Counted {
    std::uint64_t records, data_rows, bytes;
    bool inside_quotes;
    bool operator==(const Counted&) const = default;
};

Counted count(const pe::CsvRecordCounter& c) {
    return {c.records(), c.data_rows(), c.bytes(), c.inside_quotes()};
}

std::string describe(const char* how, const Counted& c) {
    return std::string(how) + ": records=" + std::to_string(c.records) + " quotes=" + (c.inside_quotes ? "1" : "0");
}

// Known finding F1 (docs/reliability.md): a stream that is nothing but the start of a BOM
// ("\xEF", "\xEF\xBB", possibly followed by CRs) counts 0 records where the reference counts 1.
bool known_case(std::string_view s) {
    if (s.empty() || static_cast<unsigned char>(s[0]) != 0xEF) return false;
    std::size_t n = s.find_first_not_of("\xEF\xBB\r");
    return n == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view csv(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t split = csv.empty() ? 0 : (static_cast<std::size_t>(data[0]) * (csv.size() + 1)) / 256;

    pe::CsvRecordCounter whole;
    whole.feed(csv.data(), csv.size());

    pe::CsvRecordCounter two;
    two.feed(csv.data(), split);
    two.feed(csv.data() + split, csv.size() - split);

    pe::CsvRecordCounter bytewise;
    for (char c : csv) bytewise.feed(&c, 1);
    bytewise.feed(csv.data(), 0);  // an empty feed changes nothing

    Reference ref = reference_count(csv);
    Counted w = count(whole), t = count(two), b = count(bytewise);
    Counted expected{ref.records, ref.records == 0 ? 0 : ref.records - 1, csv.size(), ref.inside_quotes};

    bool known = fuzz::tolerate_known() && known_case(csv);
    if (!(w == t) || !(w == b)) {
        if (!known)
            fuzz::fail("splitting the input changed the count", describe("whole", w) + " | " + describe("split", t) +
                                                                    " at " + std::to_string(split) + " | " +
                                                                    describe("bytewise", b));
    }
    if (!(w == expected) && !known) {
        fuzz::fail("counter disagrees with the reference",
                   describe("counter", w) + " | " + describe("reference", expected));
    }
    fuzz::check(w.bytes == csv.size() && t.bytes == csv.size(), "bytes() is not the number of bytes fed");
    return 0;
}
