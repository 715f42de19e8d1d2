#include "pigment_export/storage/stdout_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pigment_export/core/failure.hpp"

namespace pe {

void StdoutSink::upload(unsigned, const ChunkView& chunk) {
    const char* p = chunk.data;
    std::size_t left = chunk.size;
    while (left > 0) {
        ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Failure(FailureInfo{Stage::store, 0, "StdoutWriteFailed",
                                      std::string("cannot write to stdout: ") + std::strerror(errno),
                                      errno == EPIPE ? "the reading end of the pipe closed early" : ""});
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void StdoutSink::commit(const CommitInfo&) {}

}  // namespace pe
