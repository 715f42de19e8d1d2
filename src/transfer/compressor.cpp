#include "pigment_export/transfer/compressor.hpp"

#include "pigment_export/transfer/gzip_compressor.hpp"
#include "pigment_export/transfer/zstd_compressor.hpp"

namespace pe {

std::unique_ptr<Compressor> make_compressor(const CompressionSettings& settings) {
    switch (settings.codec) {
        case Codec::gzip:
            return std::make_unique<GzipCompressor>(settings.level);
        case Codec::zstd:
            return std::make_unique<ZstdCompressor>(settings.level, ZstdCompressor::default_workers());
        case Codec::none:
            break;
    }
    return nullptr;
}

}  // namespace pe
