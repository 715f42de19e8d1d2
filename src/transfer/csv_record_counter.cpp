#include "pigment_export/transfer/csv_record_counter.hpp"

#include <algorithm>
#include <cstring>

namespace pe {

namespace {
constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
}

void CsvRecordCounter::feed(const char* data, std::size_t size) {
    bytes_ += size;
    const char* p = data;
    const char* end = data + size;
    while (!bom_done_ && p < end) {
        if (static_cast<unsigned char>(*p) == kBom[bom_matched_]) {
            ++p;
            if (++bom_matched_ == 3) bom_done_ = true;
        } else {
            // Not a BOM: the bytes matched so far were content.
            line_has_content_ = line_has_content_ || bom_matched_ > 0;
            bom_done_ = true;
        }
    }
    // Hot loop: only '"' and '\n' matter. memchr finds each (vectorised in libc) and the
    // next position of each is cached, so a chunk is scanned about twice, not per byte.
    auto find = [end](const char* from, char c) {
        if (from >= end) return end;
        const void* hit = std::memchr(from, c, static_cast<std::size_t>(end - from));
        return hit == nullptr ? end : static_cast<const char*>(hit);
    };
    const char* next_quote = find(p, '"');
    const char* next_newline = nullptr;
    while (p < end) {
        if (next_quote < p) next_quote = find(p, '"');
        if (in_quotes_) {
            if (next_quote == end) return;
            // A doubled quote re-enters quotes on the next byte, so toggling is exact.
            in_quotes_ = false;
            p = next_quote + 1;
            continue;
        }
        if (next_newline == nullptr || next_newline < p) next_newline = find(p, '\n');
        const char* stop = next_quote < next_newline ? next_quote : next_newline;
        // A carriage return alone is a line end's half, never content; the scan stops at the
        // first other byte, which is almost always the first.
        if (!line_has_content_ && std::find_if(p, stop, [](char c) { return c != '\r'; }) != stop) {
            line_has_content_ = true;
        }
        if (stop == end) return;
        if (stop == next_quote) {
            in_quotes_ = true;
            line_has_content_ = true;
        } else {
            if (line_has_content_) ++complete_;
            line_has_content_ = false;
        }
        p = stop + 1;
    }
}

std::uint64_t CsvRecordCounter::records() const noexcept {
    // A stream that ended inside what looked like a BOM ("EF", "EF BB") holds those bytes as content.
    bool partial_bom = !bom_done_ && bom_matched_ > 0;
    return complete_ + (line_has_content_ || partial_bom ? 1 : 0);
}

std::uint64_t CsvRecordCounter::data_rows() const noexcept {
    std::uint64_t r = records();
    return r == 0 ? 0 : r - 1;
}

}  // namespace pe
