#pragma once
// A streaming compressor between the CSV and the chunks: the pipeline hands it the export's
// bytes and the free space of the chunk being filled, so compressed bytes are written once,
// straight into the buffer that is uploaded. Its memory is fixed when it is made, whatever
// the export's size.
#include <cstddef>
#include <memory>

#include "pigment_export/core/compression.hpp"

namespace pe {

struct CompressStep {
    std::size_t consumed = 0;  // input bytes taken
    std::size_t produced = 0;  // output bytes written
    bool ended = false;        // finish(): the stream's last byte is written
};

class Compressor {
public:
    virtual ~Compressor() = default;

    // Takes as much of `in` as it can while `out` has room. Progress is guaranteed while
    // out_size > 0: something is consumed or produced. Throws Failure (store) on a library error.
    virtual CompressStep compress(const char* in, std::size_t in_size, char* out, std::size_t out_size) = 0;

    // Ends the stream: writes what is buffered and the trailer. Call again with fresh room until
    // `ended`. Throws Failure (store) on a library error.
    virtual CompressStep finish(char* out, std::size_t out_size) = 0;

    // Whether the library compresses on threads of its own, so that compress() mostly hands
    // bytes over; the pipeline then calls it on the download thread instead of on a thread of
    // its own (measured: a third thread beside zstd's two workers costs zstd 7 % on 2 cores).
    virtual bool has_workers() const noexcept { return false; }
};

// The compressor for `settings`, or nullptr for Codec::none.
std::unique_ptr<Compressor> make_compressor(const CompressionSettings& settings);

}  // namespace pe
