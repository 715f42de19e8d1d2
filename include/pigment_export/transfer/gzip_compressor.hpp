#pragma once
// gzip (RFC 1952) on ISA-L's igzip: deflate several times faster than zlib at its fast levels,
// with the gzip header and CRC-32/length trailer written by ISA-L itself (mtime 0).
//
// ISA-L's output depends on where its input pieces end, and libcurl's pieces differ from run
// to run; so the input is staged into fixed 256 KiB blocks first, and the same CSV always
// gives the same bytes (and MD5): --if-changed can recognise a compressed export.
#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <memory>

#include "pigment_export/transfer/compressor.hpp"

namespace pe {

class GzipCompressor final : public Compressor {
public:
    explicit GzipCompressor(int level);  // ISA-L's 0-3
    CompressStep compress(const char* in, std::size_t in_size, char* out, std::size_t out_size) override;
    CompressStep finish(char* out, std::size_t out_size) override;

private:
    // Runs ISA-L on what it was handed into `out`; returns the bytes written.
    std::size_t deflate(char* out, std::size_t out_size);

    isal_zstream stream_{};
    std::unique_ptr<std::uint8_t[]> level_buffer_;  // the hash tables of levels 1-3
    std::unique_ptr<std::uint8_t[]> staging_;       // the block being filled, then read by ISA-L
    std::size_t staged_ = 0;                        // bytes in staging_ not yet handed to ISA-L
};

}  // namespace pe
