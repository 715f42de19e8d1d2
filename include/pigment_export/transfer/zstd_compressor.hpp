#pragma once
// zstd (RFC 8878) on libzstd's streaming API, with its own worker threads and a content
// checksum in the frame (so `zstd -t` verifies the data, not only the framing).
#include <memory>

#include "pigment_export/transfer/compressor.hpp"

struct ZSTD_CCtx_s;

namespace pe {

class ZstdCompressor final : public Compressor {
public:
    ZstdCompressor(int level, unsigned workers);
    CompressStep compress(const char* in, std::size_t in_size, char* out, std::size_t out_size) override;
    CompressStep finish(char* out, std::size_t out_size) override;
    bool has_workers() const noexcept override { return workers_ > 0; }

    // The worker threads a run uses: one per core, at most two (their memory, zstd_compressor.cpp).
    static unsigned default_workers();

private:
    struct Free {
        void operator()(ZSTD_CCtx_s* context) const noexcept;
    };
    std::unique_ptr<ZSTD_CCtx_s, Free> context_;
    unsigned workers_;
};

}  // namespace pe
