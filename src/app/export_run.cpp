#include "pigment_export/app/export_run.hpp"

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <future>
#include <optional>

#include "pigment_export/app/run_timeout.hpp"
#include "pigment_export/app/secret_stage.hpp"
#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/concurrent_task.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/pigment/export_client.hpp"
#include "pigment_export/storage/sink_factory.hpp"
#include "pigment_export/transfer/pipeline.hpp"
#include "pigment_export/transfer/progress.hpp"

namespace pe {

namespace {
bool progress_enabled(const Config& config) {
    // JSON logs promise that every stderr line is one JSON object: no progress drawing.
    if (config.log.format == LogFormat::json) return false;
    switch (config.progress) {
        case ProgressMode::on:
            return true;
        case ProgressMode::off:
            return false;
        case ProgressMode::automatic:
            break;
    }
    const char* term = std::getenv("TERM");
    return isatty(STDERR_FILENO) == 1 && (term == nullptr || std::string(term) != "dumb");
}

// The sink's open() (storage token, reclaim, temporary file with its lease) on a second thread
// while the vault answers and Pigment prepares the export; the first bytes wait for it in ready().
// It has a deadline of its own under the run's: a run that unwinds before asking for its result
// (the secret stage failed) stops it instead of waiting for it.
class Opening {
public:
    explicit Opening(Pipeline& pipeline)
        : deadline_(cancellation::current_deadline()),
          done_(start_concurrently(
              Stage::store, [&pipeline] { pipeline.start(); }, &deadline_)) {}
    // done_'s destructor then waits for the stopped open, before the pipeline's abort runs.
    ~Opening() {
        if (done_.valid()) deadline_.expire();
    }
    Opening(const Opening&) = delete;
    Opening& operator=(const Opening&) = delete;

    bool ready() {
        if (done_.valid()) {
            try {
                done_.get();
            } catch (...) {
                failure_ = std::current_exception();
            }
        }
        return !failure_;
    }
    [[noreturn]] void rethrow() const { std::rethrow_exception(failure_); }

private:
    cancellation::RunDeadline deadline_;
    std::future<void> done_;
    std::exception_ptr failure_;
};

class Run {
public:
    Run(const Config& config, EnvLookup env, LazyCredential& credential)
        : config_(config), env_(std::move(env)), credential_(credential) {}

    RunSummary execute() {
        auto started = std::chrono::steady_clock::now();
        RunSummary summary;
        summary.block_type = block_type_name(config_.export_.block_type);
        summary.block_id = config_.export_.block_id;
        summary.destination = config_.destination.display;
        summary.compression = config_.transfer.compression.codec;
        try {
            RunTimeout timeout(config_.network.total_timeout);
            stages(summary);
            summary.ok = true;
            summary.exit_code = 0;
        } catch (const Failure& f) {
            record(summary, f.info());
        } catch (const std::exception& e) {
            record(summary, FailureInfo{Stage::internal, 0, "InternalError", e.what(), "please report this as a bug"});
        }
        log::clear_stage();
        summary.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return summary;
    }

private:
    void enter(Stage stage) {
        stage_ = stage;
        log::set_stage(stage);
    }

    void record(RunSummary& summary, FailureInfo info) {
        info = charge_timeout_to(stage_, std::move(info));
        summary.ok = false;
        summary.failed_stage = info.stage;
        summary.exit_code = exit_code(info.stage);
        summary.error = std::move(info);
    }

    // The storage token does not depend on the API key: with Key Vault as the key's source it is
    // fetched while the vault answers. An invalid future: nothing to overlap, fetched when needed.
    std::future<Secret> prefetch_storage_token() {
        if (!storage_needs_token(config_, env_) || config_.secret.key_vault_url.empty()) return {};
        return start_concurrently(Stage::store, [this] { return credential_.storage_token(); });
    }

    void stages(RunSummary& summary) {
        enter(Stage::secret);
        std::future<Secret> storage_token = prefetch_storage_token();
        // Auth asks for a token under its own lock, so the prefetched one is taken exactly once.
        auto sink = make_sink(
            config_, env_, [&] { return storage_token.valid() ? storage_token.get() : credential_.storage_token(); });
        summary.destination = sink->location();
        Pipeline pipeline(*sink, PipelineOptions{config_.transfer.chunk_size, config_.transfer.parallel, config_.guards,
                                                 config_.transfer.compression, config_.transfer.if_changed});
        // The open needs the storage token, not the API key: it runs while the vault answers.
        // Declared after the pipeline: a failing run waits for the open to end before the
        // pipeline's abort removes what it made.
        Opening opening(pipeline);
        Secret api_key = obtain_api_key(config_, env_, [&]() -> azure::TokenCredential& { return credential_.get(); });

        enter(Stage::store);
        // With --no-overwrite an existing destination refuses the run in open(): Pigment is not
        // asked to prepare an export that could not be stored.
        if (!config_.transfer.overwrite && !opening.ready()) opening.rethrow();

        enter(Stage::export_);
        auto export_started = std::chrono::system_clock::now();
        pigment::StreamEnd end = stream(api_key, pipeline, opening);
        enter(Stage::store);
        if (!opening.ready()) opening.rethrow();
        summary.reclaimed = sink->reclaimed();
        if (end == pigment::StreamEnd::stopped_by_consumer) {
            cancellation::throw_if_requested();
            throw Failure(pipeline.failure().value_or(FailureInfo{Stage::store, 0, {}, "the upload stopped", {}}));
        }

        CommitInfo info;
        info.block_type = summary.block_type;
        info.block_id = summary.block_id;
        info.exported_at = export_started;
        PipelineResult result = pipeline.finish(info);
        summary.csv_bytes = result.csv_bytes;
        summary.stored_bytes = result.stored_bytes;
        summary.rows = result.rows;
        summary.md5_base64 = result.md5_base64;
        summary.unchanged = result.unchanged;
    }

    pigment::StreamEnd stream(const Secret& api_key, Pipeline& pipeline, Opening& opening) {
        try {
            auto began = std::chrono::steady_clock::now();
            ProgressReporter progress(progress_enabled(config_), [&] {
                return ProgressSnapshot{
                    pipeline.bytes_received(), pipeline.rows_so_far(),
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began)};
            });
            pigment::ExportClient client(config_.export_, config_.network, config_.transfer.max_retries);
            return client.stream(api_key, [&](const char* data, std::size_t size) {
                return opening.ready() && pipeline.feed(data, size);
            });
        } catch (...) {
            // As when the two ran in turn: a sink that could not open is the failure to report.
            if (!opening.ready()) {
                enter(Stage::store);
                opening.rethrow();
            }
            throw;
        }
    }

    const Config& config_;
    EnvLookup env_;
    LazyCredential& credential_;
    Stage stage_ = Stage::secret;
};

}  // namespace

RunSummary run_export(const Config& config, const EnvLookup& env, LazyCredential& credential) {
    return Run(config, env, credential).execute();
}

}  // namespace pe
