#include "pigment_export/transfer/gzip_compressor.hpp"

#include <algorithm>
#include <cstring>

#include "pigment_export/core/failure.hpp"

namespace pe {

namespace {

// ISA-L's suggested ("default") working memory per level; level 0 needs none.
std::uint32_t level_buffer_size(int level) {
    switch (level) {
        case 1:
            return ISAL_DEF_LVL1_DEFAULT;
        case 2:
            return ISAL_DEF_LVL2_DEFAULT;
        case 3:
            return ISAL_DEF_LVL3_DEFAULT;
        default:
            return 0;
    }
}

constexpr std::size_t kStagingBlock = 256u << 10;

[[noreturn]] void library_error(int code) {
    throw Failure(FailureInfo{Stage::store, 0, "CompressionFailed",
                              "ISA-L's gzip compressor failed (code " + std::to_string(code) + ")",
                              "please report this as a bug"});
}

}  // namespace

GzipCompressor::GzipCompressor(int level) : staging_(std::make_unique<std::uint8_t[]>(kStagingBlock)) {
    isal_deflate_init(&stream_);
    stream_.level = static_cast<std::uint32_t>(level);
    stream_.gzip_flag = IGZIP_GZIP;
    stream_.flush = NO_FLUSH;
    if (std::uint32_t size = level_buffer_size(level); size > 0) {
        level_buffer_ = std::make_unique<std::uint8_t[]>(size);
        stream_.level_buf = level_buffer_.get();
        stream_.level_buf_size = size;
    }
}

std::size_t GzipCompressor::deflate(char* out, std::size_t out_size) {
    // ISA-L counts in 32 bits; output windows are a chunk at most (512 MiB).
    stream_.next_out = reinterpret_cast<std::uint8_t*>(out);
    stream_.avail_out = static_cast<std::uint32_t>(out_size);
    if (int rc = isal_deflate(&stream_); rc != COMP_OK) library_error(rc);
    return out_size - stream_.avail_out;
}

CompressStep GzipCompressor::compress(const char* in, std::size_t in_size, char* out, std::size_t out_size) {
    CompressStep step;
    for (;;) {
        if (stream_.avail_in == 0) {  // ISA-L has taken its block: staging_ may be refilled
            std::size_t n = std::min(in_size - step.consumed, kStagingBlock - staged_);
            std::memcpy(staging_.get() + staged_, in + step.consumed, n);
            staged_ += n;
            step.consumed += n;
            if (staged_ < kStagingBlock) return step;  // all input staged
            stream_.next_in = staging_.get();
            stream_.avail_in = static_cast<std::uint32_t>(kStagingBlock);
            staged_ = 0;
        }
        step.produced += deflate(out + step.produced, out_size - step.produced);
        // ISA-L returns when its input is used up or the output is full.
        if (stream_.avail_in > 0 || step.produced == out_size) return step;
    }
}

CompressStep GzipCompressor::finish(char* out, std::size_t out_size) {
    if (stream_.avail_in == 0 && staged_ > 0) {
        stream_.next_in = staging_.get();
        stream_.avail_in = static_cast<std::uint32_t>(staged_);
        staged_ = 0;
    }
    stream_.end_of_stream = 1;
    CompressStep step;
    step.produced = deflate(out, out_size);
    step.ended = stream_.internal_state.state == ZSTATE_END;
    return step;
}

}  // namespace pe
