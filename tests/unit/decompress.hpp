#pragma once
// Decoders for the compressor tests, on the libraries' own decompressors (ISA-L's inflate for
// gzip, libzstd's for zstd). Each throws std::runtime_error on a malformed or truncated stream,
// or on bytes after the stream's end.
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace testing {

inline std::string gunzip(const std::string& data) {
    inflate_state state;
    isal_inflate_init(&state);
    state.crc_flag = ISAL_GZIP;
    state.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(data.data()));
    state.avail_in = static_cast<std::uint32_t>(data.size());
    std::string out;
    std::vector<std::uint8_t> buffer(64 << 10);
    while (state.block_state != ISAL_BLOCK_FINISH) {
        state.next_out = buffer.data();
        state.avail_out = static_cast<std::uint32_t>(buffer.size());
        int rc = isal_inflate(&state);
        if (rc != ISAL_DECOMP_OK) throw std::runtime_error("not a valid gzip stream: " + std::to_string(rc));
        std::size_t produced = buffer.size() - state.avail_out;
        out.append(reinterpret_cast<char*>(buffer.data()), produced);
        if (produced == 0 && state.avail_in == 0 && state.block_state != ISAL_BLOCK_FINISH)
            throw std::runtime_error("truncated gzip stream");
    }
    if (state.avail_in != 0) throw std::runtime_error("bytes after the gzip stream");
    return out;
}

inline std::string unzstd(const std::string& data) {
    ZSTD_DCtx* context = ZSTD_createDCtx();
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::string out;
    std::vector<char> buffer(ZSTD_DStreamOutSize());
    std::size_t rc = 1;
    while (rc != 0) {
        ZSTD_outBuffer o{buffer.data(), buffer.size(), 0};
        rc = ZSTD_decompressStream(context, &o, &in);
        if (ZSTD_isError(rc)) {
            ZSTD_freeDCtx(context);
            throw std::runtime_error(std::string("not a valid zstd stream: ") + ZSTD_getErrorName(rc));
        }
        out.append(buffer.data(), o.pos);
        if (rc != 0 && o.pos == 0 && in.pos == in.size) {
            ZSTD_freeDCtx(context);
            throw std::runtime_error("truncated zstd stream");
        }
    }
    ZSTD_freeDCtx(context);
    if (in.pos != in.size) throw std::runtime_error("bytes after the zstd frame");
    return out;
}

}  // namespace testing
