// "possum": a cheap position-aware checksum for the benchmark's integrity check.
//   A = sum of bytes, B = sum of byte * (absolute position + 1), both mod 2^64.
// It is combinable across pieces that arrive out of order (a piece at offset o with local sums
// (a, b) contributes a and b + o*a), so the discard server can check every timed run without
// buffering or hashing in stream order, at several GB/s — unlike MD5, which would cost the
// 2-core machine ~1.5 CPU-s/GiB inside the sink and distort the figures. A dropped, duplicated,
// shifted or swapped piece changes B. The full MD5 is checked in a separate, untimed pass.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace possum {

struct Sum {
    uint64_t len = 0, a = 0, b = 0;

    // Appends n bytes that follow the bytes seen so far.
    void update(const void* data, size_t n) {
        const unsigned char* p = static_cast<const unsigned char*>(data);
        uint64_t base = len;
        while (n > 0) {
            size_t m = n < 4096 ? n : 4096;
            // 255 * 4096 * 4097 / 2 < 2^32: 32-bit lanes cannot overflow inside one block.
            uint32_t sa = 0, sb = 0;
            for (size_t j = 0; j < m; ++j) {
                sa += p[j];
                sb += uint32_t(p[j]) * uint32_t(j + 1);
            }
            a += sa;
            b += uint64_t(sb) + base * uint64_t(sa);
            base += m;
            p += m;
            n -= m;
        }
        len = base;
    }

    // Adds a piece whose sums were computed from local position 0, placed at `offset`.
    void add_at(const Sum& piece, uint64_t offset) {
        a += piece.a;
        b += piece.b + offset * piece.a;
        if (offset + piece.len > len) len = offset + piece.len;
    }

    std::string hex() const {
        char out[64];
        std::snprintf(out, sizeof out, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
        return out;
    }
};

}  // namespace possum
