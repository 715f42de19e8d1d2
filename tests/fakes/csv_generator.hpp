#pragma once
// A deterministic Pigment-like semicolon CSV: header plus rows with quoted fields that
// hold the delimiter, doubled quotes and line breaks, and UTF-8 text.
#include <cstdint>
#include <functional>
#include <string>

namespace testing {

struct GeneratedCsv {
    std::uint64_t bytes = 0;
    std::uint64_t rows = 0;  // data rows after the header
};

// Produces the CSV piece by piece (about 256 KiB each), so any size streams in constant memory.
class CsvGenerator {
public:
    explicit CsvGenerator(std::uint64_t min_bytes) : min_bytes_(min_bytes) {}
    bool done() const { return header_sent_ && produced_ >= min_bytes_; }
    std::string next_piece();
    std::uint64_t rows() const { return rows_; }

private:
    std::uint64_t min_bytes_;
    std::uint64_t produced_ = 0;
    std::uint64_t rows_ = 0;
    bool header_sent_ = false;
};

// Calls `out` with consecutive pieces until at least `min_bytes` were produced (whole rows).
GeneratedCsv generate_csv(std::uint64_t min_bytes, const std::function<void(const std::string&)>& out);

// The whole CSV as one string (small sizes only).
std::string generate_csv_string(std::uint64_t min_bytes, std::uint64_t* rows = nullptr);

}  // namespace testing
