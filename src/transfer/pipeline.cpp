#include "pigment_export/transfer/pipeline.hpp"

#include <algorithm>
#include <cstring>

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/size_text.hpp"

namespace pe {

Pipeline::Pipeline(Sink& sink, const PipelineOptions& options)
    : sink_(sink),
      options_(options),
      pool_(options.chunk_size, std::max(1u, options.parallel) + 1),
      compressor_(make_compressor(options.compression)) {}

Pipeline::~Pipeline() {
    if (!finished_) {
        abort();
    }
    stop_threads();
}

void Pipeline::start() {
    // Before open(): an open that fails half-way (a temporary file made, its lease refused) is
    // aborted like any later failure, so what it made is removed.
    started_ = true;
    sink_.open();
    // The pipeline's threads work for the run that started it and share its --timeout.
    cancellation::RunDeadline* deadline = cancellation::current_deadline();
    hasher_ = std::thread([this, deadline] {
        cancellation::DeadlineBinding bound(deadline);
        hash_loop();
    });
    if (compressor_ && !compressor_->has_workers()) {
        compressing_ = std::thread([this, deadline] {
            cancellation::DeadlineBinding bound(deadline);
            compress_loop();
        });
    }
    unsigned workers = std::max(1u, std::min(options_.parallel, sink_.max_concurrency()));
    for (unsigned w = 0; w < workers; ++w) {
        uploaders_.emplace_back([this, w, deadline] {
            cancellation::DeadlineBinding bound(deadline);
            upload_loop(w);
        });
    }
}

bool Pipeline::feed(const char* data, std::size_t size) {
    bytes_in_.fetch_add(size, std::memory_order_relaxed);
    if (!header_checked_ && options_.guards.expect_header) {
        check_header(data, size);
    }
    // The CSV's checks read Pigment's bytes (still in cache from libcurl's write), whatever is stored.
    counter_.feed(data, size);
    rows_.store(counter_.data_rows(), std::memory_order_relaxed);
    bool stored = !compressor_              ? store(data, size)
                  : compressing_.joinable() ? hand_to_compressor(data, size)
                                            : compress(data, size);
    return stored && !failed_.load(std::memory_order_relaxed);
}

bool Pipeline::hand_to_compressor(const char* data, std::size_t size) {
    while (size > 0) {
        // Blocks while every input block is in flight (back-pressure); nullptr once the
        // compressing thread has stopped.
        if (input_ == nullptr && (input_ = input_pool_.acquire()) == nullptr) return false;
        std::size_t n = std::min(size, input_->capacity - input_->size);
        std::memcpy(input_->data.get() + input_->size, data, n);
        input_->size += n;
        data += n;
        size -= n;
        if (input_->size == input_->capacity) queue_input_block();
    }
    return true;
}

void Pipeline::queue_input_block() {
    {
        std::lock_guard lock(input_mutex_);
        input_queue_.push_back(input_);
    }
    input_ = nullptr;
    input_ready_.notify_one();
}

void Pipeline::compress_loop() {
    for (;;) {
        ChunkBuffer* block = nullptr;
        {
            std::unique_lock lock(input_mutex_);
            input_ready_.wait(lock, [&] { return input_closed_ || !input_queue_.empty(); });
            if (input_queue_.empty()) break;  // closed and drained
            block = input_queue_.front();
            input_queue_.pop_front();
        }
        bool compressing = false;
        try {
            compressing = compress(block->data.get(), block->size);
        } catch (const Failure& f) {
            record_failure(f.info());
        } catch (const std::exception& e) {
            record_failure(FailureInfo{Stage::store, 0, "CompressionFailed", e.what(), {}});
        }
        input_pool_.release(block);
        if (!compressing) break;
    }
    input_pool_.close();
}

void Pipeline::close_compression_input() noexcept {
    {
        std::lock_guard lock(input_mutex_);
        input_closed_ = true;
    }
    input_ready_.notify_all();
    if (compressing_.joinable()) compressing_.join();
}

ChunkBuffer* Pipeline::chunk_to_fill() {
    if (current_ == nullptr) {
        current_ = pool_.acquire();  // blocks while every buffer is busy: back-pressure
    }
    return current_;
}

void Pipeline::filled(std::size_t n) {
    // While the bytes are still in cache: the chunk's CRC for its upload.
    current_->crc64 = crc64(current_->data.get() + current_->size, n, current_->crc64);
    current_->size += n;
    stored_ += n;
    if (current_->size == current_->capacity) {
        dispatch(current_);
        current_ = nullptr;
    }
}

bool Pipeline::store(const char* data, std::size_t size) {
    while (size > 0) {
        if (failed_.load(std::memory_order_relaxed) || chunk_to_fill() == nullptr) {
            return false;
        }
        std::size_t n = std::min(size, current_->capacity - current_->size);
        std::memcpy(current_->data.get() + current_->size, data, n);
        filled(n);
        data += n;
        size -= n;
    }
    return true;
}

bool Pipeline::compress(const char* data, std::size_t size) {
    while (size > 0) {
        if (failed_.load(std::memory_order_relaxed) || chunk_to_fill() == nullptr) {
            return false;
        }
        CompressStep step = compressor_->compress(data, size, current_->data.get() + current_->size,
                                                  current_->capacity - current_->size);
        filled(step.produced);
        data += step.consumed;
        size -= step.consumed;
    }
    return true;
}

bool Pipeline::finish_compression() {
    for (;;) {
        if (failed_.load() || chunk_to_fill() == nullptr) {
            return false;
        }
        CompressStep step =
            compressor_->finish(current_->data.get() + current_->size, current_->capacity - current_->size);
        filled(step.produced);
        if (step.ended) {
            return true;
        }
    }
}

// Compares the first line with --expect-header as soon as it has arrived, so a wrong
// export is refused before gigabytes are uploaded.
void Pipeline::check_header(const char* data, std::size_t size) {
    constexpr std::size_t kMaxHeader = 1u << 20;
    std::string_view piece(data, size);
    auto newline = piece.find('\n');
    header_.append(piece.substr(0, std::min(newline, kMaxHeader - std::min(kMaxHeader, header_.size()))));
    if (newline == std::string_view::npos && header_.size() < kMaxHeader) {
        return;
    }
    header_checked_ = true;
    std::string_view header = header_;
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) header.remove_prefix(3);
    if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
    if (header != *options_.guards.expect_header) {
        std::string shown(header.substr(0, 200));
        record_failure(FailureInfo{
            Stage::export_, 0, "UnexpectedHeader",
            "the export's header is '" + shown + "', not the expected '" + *options_.guards.expect_header + "'",
            "the block's columns changed: check the block in Pigment, then update --expect-header"});
    }
}

void Pipeline::dispatch(ChunkBuffer* buffer) {
    auto job = std::make_unique<Job>();
    job->buffer = buffer;
    job->index = next_index_++;
    job->offset = next_offset_;
    next_offset_ += buffer->size;
    {
        std::lock_guard lock(mutex_);
        hash_queue_.push_back(job.get());
        upload_queue_.push_back(job.get());
        jobs_.push_back(std::move(job));
        ++jobs_in_flight_;
    }
    work_.notify_all();
}

void Pipeline::done_with(Job* job) {
    if (job->readers.fetch_sub(1) != 1) {
        return;
    }
    pool_.release(job->buffer);
    {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(jobs_.begin(), jobs_.end(), [job](const auto& j) { return j.get() == job; });
        jobs_.erase(it);
        --jobs_in_flight_;
    }
    idle_.notify_all();
}

Pipeline::Job* Pipeline::next_job(std::deque<Job*>& queue) {
    std::unique_lock lock(mutex_);
    work_.wait(lock, [&] { return stopping_ || !queue.empty(); });
    if (queue.empty()) {
        return nullptr;
    }
    Job* job = queue.front();
    queue.pop_front();
    return job;
}

void Pipeline::hash_loop() {
    while (Job* job = next_job(hash_queue_)) {
        md5_.update(job->buffer->data.get(), job->buffer->size);
        done_with(job);
    }
}

void Pipeline::upload_loop(unsigned worker) {
    while (Job* job = next_job(upload_queue_)) {
        if (!failed_.load()) {
            try {
                const ChunkBuffer& b = *job->buffer;
                sink_.upload(worker, ChunkView{job->index, job->offset, b.data.get(), b.size, b.crc64});
                bytes_out_.fetch_add(job->buffer->size, std::memory_order_relaxed);
            } catch (const Failure& f) {
                record_failure(f.info());
            } catch (const std::exception& e) {
                record_failure(FailureInfo{Stage::store, 0, {}, e.what(), {}});
            }
        }
        done_with(job);
    }
}

void Pipeline::record_failure(FailureInfo info) {
    {
        std::lock_guard lock(mutex_);
        if (!failure_) {
            failure_ = std::move(info);
        }
    }
    failed_.store(true);
    pool_.close();  // release a producer blocked waiting for a buffer
    idle_.notify_all();
}

std::optional<FailureInfo> Pipeline::failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

void Pipeline::wait_until_drained() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return jobs_in_flight_ == 0; });
}

PipelineResult Pipeline::finish(CommitInfo info) {
    try {
        if (failed_.load()) {
            throw Failure(*failure());
        }
        if (compressor_) {
            // The last, partial block; after the join, this thread owns the chunks again. A thread
            // that stopped early did so on a failure, which failed_ reports.
            if (input_ != nullptr) queue_input_block();
            close_compression_input();
            if (failed_.load() || !finish_compression()) {
                throw Failure(failure().value_or(FailureInfo{Stage::store, 0, {}, "the upload stopped", {}}));
            }
        }
        bool single = next_index_ == 0;
        if (!single && current_ != nullptr && current_->size > 0) {
            dispatch(current_);
            current_ = nullptr;
        }
        wait_until_drained();
        if (auto f = failure()) {
            throw Failure(*f);
        }
        if (single && current_ != nullptr) {
            md5_.update(current_->data.get(), current_->size);
        }
        if (options_.guards.expect_header && !header_checked_) {
            check_header("\n", 1);  // an export without a line end: its only line is the header
            if (auto f = failure()) throw Failure(*f);
        }
        if (counter_.inside_quotes()) {
            throw Failure(FailureInfo{
                Stage::export_, 0, "TruncatedCsv", "the export ended inside a quoted field, so it was cut short",
                "retry; if it persists, export a smaller block or use a block export instead of a view"});
        }
        if (options_.guards.min_rows && counter_.data_rows() < *options_.guards.min_rows) {
            throw Failure(FailureInfo{Stage::export_, 0, "TooFewRows",
                                      "the export has " + std::to_string(counter_.data_rows()) +
                                          " rows, fewer than --min-rows " + std::to_string(*options_.guards.min_rows) +
                                          "; the destination was left as it was",
                                      "check the block's filters and data in Pigment, or lower --min-rows"});
        }
        PipelineResult result;
        result.csv_bytes = bytes_in_.load();
        result.stored_bytes = stored_;
        result.rows = counter_.data_rows();
        // Nothing stored is no chunk at all, so every sink's count check agrees with what it uploaded
        // (an empty export compressed is still a gzip or zstd frame: one chunk).
        result.chunks = stored_ == 0 ? 0 : single ? 1 : next_index_;
        if (result.csv_bytes == 0) {
            spdlog::warn(
                "the export is empty (0 bytes, not even a header row); committing an empty file "
                "(--min-rows 1 or --expect-header would refuse it)");
        }
        result.md5_base64 = base64_encode(md5_.finish());
        info.total_bytes = result.stored_bytes;
        info.chunk_count = result.chunks;
        info.md5_base64 = result.md5_base64;
        info.rows = result.rows;
        spdlog::debug("stream complete: {} of CSV, {} rows; {} stored in {} chunk(s); committing",
                      format_size(result.csv_bytes), result.rows, format_size(result.stored_bytes), result.chunks);
        if (options_.if_changed && sink_.holds(info)) {
            // Committing the same bytes again would fire storage events and move Last-Modified.
            result.unchanged = true;
            sink_.abort();
        } else if (single) {
            static const char kEmpty = '\0';
            ChunkView only{0, 0, &kEmpty, 0, 0};
            if (current_ != nullptr) {
                only = ChunkView{0, 0, current_->data.get(), current_->size, current_->crc64};
            }
            sink_.commit_single(only, info);
        } else {
            sink_.commit(info);
        }
        bytes_out_.store(result.stored_bytes);
        finished_ = true;
        stop_threads();
        return result;
    } catch (...) {
        abort();
        throw;
    }
}

void Pipeline::abort() noexcept {
    if (aborted_) {
        return;
    }
    aborted_ = true;
    failed_.store(true);
    pool_.close();
    stop_threads();
    if (started_) {
        sink_.abort();
    }
}

void Pipeline::stop_threads() noexcept {
    // First: the compressing thread may still dispatch chunks to the others.
    close_compression_input();
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        if (failed_.load()) {
            // Unstarted uploads are dropped; the ordered readers may finish their queues harmlessly.
            for (Job* job : upload_queue_) {
                job->readers.fetch_sub(1);
            }
            upload_queue_.clear();
        }
    }
    work_.notify_all();
    if (hasher_.joinable()) hasher_.join();
    for (auto& t : uploaders_) {
        if (t.joinable()) t.join();
    }
    uploaders_.clear();
}

}  // namespace pe
