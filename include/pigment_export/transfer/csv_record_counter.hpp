#pragma once
// Counts CSV records as bytes stream past, without buffering: RFC 4180 quoting, so the
// delimiter, doubled quotes and newlines inside quoted fields do not end a record.
// CRLF and LF line ends both count once; a leading UTF-8 BOM is skipped.
#include <cstddef>
#include <cstdint>

namespace pe {

class CsvRecordCounter {
public:
    // The 64-byte block loop exists twice: baseline x86-64, and AVX2 with a carry-less
    // multiply and popcount. best_isa() is this CPU's; tests hold both against a reference.
    enum class Isa { baseline, avx2 };
    static Isa best_isa() noexcept;

    explicit CsvRecordCounter(Isa isa = best_isa()) : isa_(isa) {}

    void feed(const char* data, std::size_t size);

    // Records seen so far, counting a final record that lacks a line end.
    std::uint64_t records() const noexcept;
    // Records after the header row.
    std::uint64_t data_rows() const noexcept;
    // True when the stream so far ends inside a quoted field: such an export was cut short.
    bool inside_quotes() const noexcept { return in_quotes_; }
    std::uint64_t bytes() const noexcept { return bytes_; }

private:
    const char* feed_blocks(const char* p, const char* end);  // whole 64-byte blocks; returns the rest
    const char* feed_blocks_avx2(const char* p, const char* end);
    // One block's bit masks (see the .cpp); false: not handled, feed its bytes one by one.
    bool count_block(std::uint64_t quoted, std::uint64_t newline, std::uint64_t cr);
    void feed_bytes(const char* p, const char* end);

    Isa isa_;
    std::uint64_t complete_ = 0;  // records ended by a line feed
    std::uint64_t bytes_ = 0;
    bool in_quotes_ = false;
    bool line_has_content_ = false;  // bytes since the last record end (other than CR)
    unsigned bom_matched_ = 0;       // BOM bytes matched at the start
    bool bom_done_ = false;
};

}  // namespace pe
