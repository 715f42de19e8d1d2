#include "pigment_export/transfer/gzip_compressor.hpp"

#include "pigment_export/core/failure.hpp"

namespace pe {

namespace {

// ISA-L's suggested ("default") working memory per level; level 0 needs none.
std::uint32_t level_buffer_size(int level) {
    switch (level) {
        case 1: return ISAL_DEF_LVL1_DEFAULT;
        case 2: return ISAL_DEF_LVL2_DEFAULT;
        case 3: return ISAL_DEF_LVL3_DEFAULT;
        default: return 0;
    }
}

[[noreturn]] void library_error(int code) {
    throw Failure(FailureInfo{Stage::store, 0, "CompressionFailed", "ISA-L's gzip compressor failed (code " + std::to_string(code) + ")",
                              "please report this as a bug"});
}

}  // namespace

GzipCompressor::GzipCompressor(int level) {
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

CompressStep GzipCompressor::run(const char* in, std::size_t in_size, char* out, std::size_t out_size) {
    // ISA-L counts in 32 bits; the pipeline's pieces are a chunk at most (512 MiB).
    stream_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in));
    stream_.avail_in = static_cast<std::uint32_t>(in_size);
    stream_.next_out = reinterpret_cast<std::uint8_t*>(out);
    stream_.avail_out = static_cast<std::uint32_t>(out_size);
    if (int rc = isal_deflate(&stream_); rc != COMP_OK) library_error(rc);
    CompressStep step;
    step.consumed = in_size - stream_.avail_in;
    step.produced = out_size - stream_.avail_out;
    step.ended = stream_.internal_state.state == ZSTATE_END;
    return step;
}

CompressStep GzipCompressor::compress(const char* in, std::size_t in_size, char* out, std::size_t out_size) {
    stream_.end_of_stream = 0;
    return run(in, in_size, out, out_size);
}

CompressStep GzipCompressor::finish(char* out, std::size_t out_size) {
    stream_.end_of_stream = 1;
    return run(nullptr, 0, out, out_size);
}

}  // namespace pe
