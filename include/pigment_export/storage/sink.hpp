#pragma once
// A destination for one export. The pipeline drives it:
//   open() → upload() for each full chunk (concurrently, up to max_concurrency()) → commit(),
// or commit_single() when the whole export fit in one chunk that was never uploaded,
// and abort() on any failure anywhere (export included). After abort() the destination is
// exactly as it was before open(), and no temporary object remains.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pe {

struct ChunkView {
    std::uint64_t index = 0;   // 0, 1, 2, ... in stream order
    std::uint64_t offset = 0;  // byte position of data[0] in the export
    const char* data = nullptr;
    std::size_t size = 0;
    std::uint64_t crc64 = 0;  // crc64(data, size): computed as the chunk filled, while in cache
};

struct CommitInfo {
    std::uint64_t total_bytes = 0;
    std::uint64_t chunk_count = 0;
    std::string md5_base64;  // MD5 of all bytes, base64 (as Content-MD5 carries it)
    std::uint64_t rows = 0;
    std::string block_type;
    std::string block_id;
    std::chrono::system_clock::time_point exported_at;
};

class Sink {
public:
    virtual ~Sink() = default;

    // How many upload() calls may run at once; 1 for sinks that must write in order.
    virtual unsigned max_concurrency() const = 0;

    // Prepares the destination before any data flows (checks, temporary object). Throws Failure.
    virtual void open() = 0;

    // Stores one chunk. With max_concurrency() > 1 it is called from several threads at once,
    // each passing its own worker number in [0, max_concurrency()). Throws Failure.
    virtual void upload(unsigned worker, const ChunkView& chunk) = 0;

    // Makes everything uploaded visible at the destination in one atomic step, then verifies it.
    virtual void commit(const CommitInfo& info) = 0;

    // The whole export is `only` (possibly empty) and was never passed to upload().
    virtual void commit_single(const ChunkView& only, const CommitInfo& info) {
        upload(0, only);
        commit(info);
    }

    // True when the destination already holds exactly the export `info` describes (its length
    // and whole-file MD5, or its bytes), so --if-changed can leave it alone. Throws Failure.
    virtual bool holds(const CommitInfo& info) = 0;

    // Removes every temporary object and leaves the destination as it was. Never throws.
    virtual void abort() noexcept = 0;

    // The final location for the summary, without any secret.
    virtual std::string location() const = 0;

    // Temporaries of earlier, dead runs for this destination that open() removed.
    virtual std::size_t reclaimed() const { return 0; }
};

}  // namespace pe
