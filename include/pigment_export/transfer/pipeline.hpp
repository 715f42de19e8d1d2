#pragma once
// Streams an export into a sink through bounded memory.
//
// The download thread calls feed(), which copies bytes into pooled chunk buffers (the one
// copy: libcurl owns its receive buffer) and, while those bytes are still in cache, keeps
// the chunk's CRC-64 (its upload's transactional checksum) and counts CSV records. Each
// full chunk goes at once to two readers: the hasher thread (whole-file MD5, in stream
// order: the one serial stage, a core's worth of time at full speed) and the upload workers
// (sink.upload, up to the sink's concurrency). The buffer returns to the pool when both are
// done. When the pool is empty feed() waits, which stalls the download: memory stays at
// chunk size × (parallel + 1), the one extra buffer being the one the download is filling.
//
// With --compress the CSV checks (row count, --expect-header) read the bytes as Pigment sent
// them on the download thread. A compressor without workers of its own (gzip) gets a compressing
// thread, to which the download thread hands the CSV in 1 MiB blocks from a pool of their own
// (kInputBlocks: the one filling, those queued, the one compressing): deflate is most of a compressed export's CPU
// time, and on the download thread it would be serial with receiving and counting. The compressor (transfer/compressor)
// writes into the chunk being filled: from there on (chunks, CRC-64, MD5, length) everything is of the stored,
// compressed bytes.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/md5.hpp"
#include "pigment_export/storage/sink.hpp"
#include "pigment_export/transfer/chunk_pool.hpp"
#include "pigment_export/transfer/compressor.hpp"
#include "pigment_export/transfer/csv_record_counter.hpp"

namespace pe {

struct PipelineOptions {
    std::size_t chunk_size = 4u << 20;
    unsigned parallel = 4;
    DataGuards guards;
    CompressionSettings compression;
    bool if_changed = false;  // leave a destination that already holds these bytes alone
};

struct PipelineResult {
    std::uint64_t csv_bytes = 0;     // as Pigment sent them
    std::uint64_t stored_bytes = 0;  // as stored (compressed, or the same as csv_bytes)
    std::uint64_t rows = 0;
    std::uint64_t chunks = 0;
    std::string md5_base64;  // of the stored bytes
    bool unchanged = false;  // --if-changed found the export at the destination: nothing committed
};

class Pipeline {
public:
    Pipeline(Sink& sink, const PipelineOptions& options);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Opens the sink and starts the worker threads. Throws the sink's Failure.
    void start();

    // Takes the next bytes of the export. Returns false once the sink has failed, so the
    // caller stops the download; finish() or abort() then reports that failure.
    bool feed(const char* data, std::size_t size);

    // The export ended normally: drains the workers, checks the CSV is complete and commits.
    // On any failure the sink is aborted and the Failure rethrown.
    PipelineResult finish(CommitInfo info);

    // Stops everything and aborts the sink (destination untouched). Idempotent, never throws.
    void abort() noexcept;

    // The first failure raised by a worker, if any.
    std::optional<FailureInfo> failure() const;

    std::uint64_t bytes_received() const noexcept { return bytes_in_.load(std::memory_order_relaxed); }
    std::uint64_t bytes_stored() const noexcept { return bytes_out_.load(std::memory_order_relaxed); }
    std::uint64_t rows_so_far() const noexcept { return rows_.load(std::memory_order_relaxed); }

private:
    struct Job {
        ChunkBuffer* buffer = nullptr;
        std::uint64_t index = 0;
        std::uint64_t offset = 0;
        std::atomic<int> readers{2};  // hasher, uploader
    };

    static constexpr std::size_t kInputBlock = 1u << 20;
    static constexpr std::size_t kInputBlocks = 4;

    // Copies CSV bytes into chunks, or compresses them into chunks.
    bool store(const char* data, std::size_t size);
    bool compress(const char* data, std::size_t size);
    // The download thread's side of compression: CSV bytes into the block being filled, a full
    // block queued for the compressing thread. False once that thread has stopped.
    bool hand_to_compressor(const char* data, std::size_t size);
    void queue_input_block();
    // The compressing thread: queued blocks into chunks until the input is closed and drained,
    // or the sink fails. Then closes the input pool, which stops a download waiting for a block.
    void compress_loop();
    // No more input (the export ended, or the run stops); joins the compressing thread.
    void close_compression_input() noexcept;
    // Ends the compressed stream into the chunks. False once the sink has failed.
    bool finish_compression();
    // The current chunk, acquired if needed; nullptr once the pool is closed.
    ChunkBuffer* chunk_to_fill();
    // `n` bytes were written at the current chunk's end: CRC them, dispatch a full chunk.
    void filled(std::size_t n);
    void dispatch(ChunkBuffer* buffer);
    void check_header(const char* data, std::size_t size);
    void done_with(Job* job);
    // The next job of `queue` in order, or nullptr once stopping and the queue is empty.
    Job* next_job(std::deque<Job*>& queue);
    void hash_loop();
    void upload_loop(unsigned worker);
    void record_failure(FailureInfo info);
    void wait_until_drained();
    void stop_threads() noexcept;

    Sink& sink_;
    PipelineOptions options_;
    ChunkPool pool_;
    Md5 md5_;
    CsvRecordCounter counter_;
    std::unique_ptr<Compressor> compressor_;  // null: the CSV is stored as it is
    std::uint64_t stored_ = 0;                // bytes written into chunks so far

    mutable std::mutex mutex_;
    std::condition_variable work_;  // jobs queued, or stopping
    std::condition_variable idle_;  // a job finished
    std::deque<Job*> hash_queue_;
    std::deque<Job*> upload_queue_;
    std::vector<std::unique_ptr<Job>> jobs_;  // owned until released
    std::size_t jobs_in_flight_ = 0;
    bool stopping_ = false;
    std::optional<FailureInfo> failure_;

    std::thread hasher_;
    std::vector<std::thread> uploaders_;
    std::thread compressing_;  // only for a compressor without workers of its own
    ChunkPool input_pool_{kInputBlock, kInputBlocks};
    ChunkBuffer* input_ = nullptr;  // the block the download thread is filling
    std::mutex input_mutex_;
    std::condition_variable input_ready_;  // a block queued, or the input closed
    std::deque<ChunkBuffer*> input_queue_;
    bool input_closed_ = false;
    ChunkBuffer* current_ = nullptr;
    std::uint64_t next_index_ = 0;
    std::uint64_t next_offset_ = 0;
    std::string header_;  // the first line, while --expect-header is pending
    bool header_checked_ = false;
    bool started_ = false;
    bool finished_ = false;
    bool aborted_ = false;
    std::atomic<bool> failed_{false};
    std::atomic<std::uint64_t> bytes_in_{0};
    std::atomic<std::uint64_t> bytes_out_{0};
    std::atomic<std::uint64_t> rows_{0};
};

}  // namespace pe
