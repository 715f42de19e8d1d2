#pragma once
// gzip (RFC 1952) on ISA-L's igzip: deflate several times faster than zlib at its fast levels,
// with the gzip header and CRC-32/length trailer written by ISA-L itself.
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
    CompressStep run(const char* in, std::size_t in_size, char* out, std::size_t out_size);

    isal_zstream stream_{};
    std::unique_ptr<std::uint8_t[]> level_buffer_;  // the hash tables of levels 1-3
};

}  // namespace pe
