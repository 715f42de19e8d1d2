#pragma once
// Counts CSV records as bytes stream past, without buffering: RFC 4180 quoting, so the
// delimiter, doubled quotes and newlines inside quoted fields do not end a record.
// CRLF and LF line ends both count once; a leading UTF-8 BOM is skipped.
#include <cstddef>
#include <cstdint>

namespace pe {

class CsvRecordCounter {
public:
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
    const char* feed_blocks_popcnt(const char* p, const char* end);
    bool feed_block(const char* p);  // 64 bytes; false: not handled, feed them byte by byte
    void feed_bytes(const char* p, const char* end);

    std::uint64_t complete_ = 0;      // records ended by a line feed
    std::uint64_t bytes_ = 0;
    bool in_quotes_ = false;
    bool line_has_content_ = false;   // bytes since the last record end (other than CR)
    unsigned bom_matched_ = 0;        // BOM bytes matched at the start
    bool bom_done_ = false;
};

}  // namespace pe
