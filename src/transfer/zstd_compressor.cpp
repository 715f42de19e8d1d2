#include "pigment_export/transfer/zstd_compressor.hpp"

#include <zstd.h>

#include <algorithm>
#include <thread>

#include "pigment_export/core/failure.hpp"

namespace pe {

namespace {

// libzstd's default job is 4 windows (8 MiB at level 3, 32 MiB at 19) and it keeps a few per
// worker; 2 MiB jobs keep its memory to a few MiB per worker at the fast levels (the benchmark's
// stored size stays that of the zstd CLI, docs/performance.md).
constexpr int kJobSize = 2 << 20;
// Each worker holds about 9 MiB at level 1 (its 2 MiB jobs in flight and their outputs, plus
// its match state): two keep the default run under 64 MiB on any machine, and two are already
// more than the download of one export keeps busy at the fast levels.
constexpr unsigned kMaxWorkers = 2;

void check(std::size_t rc) {
    if (ZSTD_isError(rc)) {
        throw Failure(FailureInfo{Stage::store, 0, "CompressionFailed",
                                  std::string("libzstd failed: ") + ZSTD_getErrorName(rc),
                                  "please report this as a bug"});
    }
}

}  // namespace

void ZstdCompressor::Free::operator()(ZSTD_CCtx_s* context) const noexcept {
    ZSTD_freeCCtx(context);
}

unsigned ZstdCompressor::default_workers() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxWorkers);
}

ZstdCompressor::ZstdCompressor(int level, unsigned workers) : context_(ZSTD_createCCtx()), workers_(workers) {
    if (!context_) throw std::bad_alloc();
    check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_compressionLevel, level));
    check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_checksumFlag, 1));
    check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_nbWorkers, static_cast<int>(workers)));
    if (workers > 0) check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_jobSize, kJobSize));
}

CompressStep ZstdCompressor::compress(const char* in, std::size_t in_size, char* out, std::size_t out_size) {
    ZSTD_inBuffer input{in, in_size, 0};
    ZSTD_outBuffer output{out, out_size, 0};
    check(ZSTD_compressStream2(context_.get(), &output, &input, ZSTD_e_continue));
    return CompressStep{input.pos, output.pos, false};
}

CompressStep ZstdCompressor::finish(char* out, std::size_t out_size) {
    ZSTD_inBuffer input{nullptr, 0, 0};
    ZSTD_outBuffer output{out, out_size, 0};
    std::size_t remaining = ZSTD_compressStream2(context_.get(), &output, &input, ZSTD_e_end);
    check(remaining);
    return CompressStep{0, output.pos, remaining == 0};
}

}  // namespace pe
