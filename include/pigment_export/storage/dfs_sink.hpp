#pragma once
// ADLS Gen2 through the DFS path API. Creating the destination directly would truncate a live
// file at once, so the data goes to a hidden temporary sibling: create (If-None-Match: *, taking
// the lease) → parallel appends at their positions (x-ms-content-crc64 each) → flush at the final
// length (If-Match: the create's ETag) → rename onto the destination, carrying the export's
// metadata as x-ms-properties → HEAD check, beside the lease release on the destination (in case
// the lease moved with the file).
// abort() deletes the temporary file; the destination is touched only by the rename. Where two
// requests do not depend on each other they overlap: the reclaim listing runs beside the
// temporary's create, and a single-chunk export's append beside clearing the expiry.
//
// A killed run (kill -9, OOM, an evicted pod) cannot delete its temporary file, so the lease
// is the run's liveness signal: a background thread renews it while the run lives, and every
// run first deletes the temporaries of the same destination whose lease nobody holds. On an
// account with a hierarchical namespace the temporary also expires by itself (storage/dfs_expiry),
// cleared before the rename so that the committed file never expires.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "pigment_export/storage/dfs_expiry.hpp"
#include "pigment_export/storage/storage_session.hpp"

namespace pe::storage {

// Long enough to ride out a retried request, short enough that a killed run's temporary file
// is reclaimable half a minute later.
inline constexpr std::chrono::seconds kTemporaryLeaseDuration{30};

// A third of the duration: two renewals can fail or be slow before the lease lapses.
bool lease_renewal_due(std::chrono::steady_clock::time_point last_renewal, std::chrono::steady_clock::time_point now,
                       std::chrono::seconds duration);

// True when `path` is a temporary file this tool makes for `destination` (same folder, same
// name, ".pigment-tmp-" and 16 lower-case hex digits), so a reclaim never touches anything else.
bool is_temporary_of(std::string_view path, std::string_view destination);

// A temporary changed less than a lease's duration before the listing may be another run's between
// its create and its lease (a version of this tool that leased after the create), which no lease
// state can tell: only older ones are reclaimed (one without a Last-Modified never is). Both times
// are the service's (the entry's lastModified, the listing's Date; the runner's clock only when a
// reply has no Date), so clock skew does not matter; liveness itself is still the lease's.
bool settled_for_reclaim(std::optional<std::chrono::system_clock::time_point> last_modified,
                         std::chrono::system_clock::time_point listed_at);

// "available", "expired" and "broken" mean nobody holds the lease; "leased" and "breaking" (and
// anything unknown) mean a live run may still be writing.
bool lease_abandoned(std::string_view lease_state);

class DfsSink final : public Sink {
    // The first upload worker's connection: idle while open() runs and in commit_single(), so
    // requests that overlap the control connection's go there.
    static constexpr unsigned kHousekeepingConnection = 0;

public:
    DfsSink(const Config& config, Target target, std::shared_ptr<const Auth> auth);
    ~DfsSink() override;
    DfsSink(const DfsSink&) = delete;
    DfsSink& operator=(const DfsSink&) = delete;

    unsigned max_concurrency() const override { return session_.workers(); }
    void open() override;
    void upload(unsigned worker, const ChunkView& chunk) override;
    void commit(const CommitInfo& info) override;
    void commit_single(const ChunkView& only, const CommitInfo& info) override;
    bool holds(const CommitInfo& info) override;
    void abort() noexcept override;
    std::string location() const override;

    // How many abandoned temporary files of earlier runs open() deleted.
    std::size_t reclaimed() const noexcept override { return reclaimed_; }

private:
    http::Request request(const std::string& method, std::string_view object_path, const std::string& query) const;
    void create_temporary();
    void reclaim_abandoned(unsigned connection);
    std::vector<std::string> abandoned_candidates(unsigned connection);
    http::Response list_page(unsigned connection, const std::string& folder, std::size_t max_entries,
                             const std::string& continuation);
    bool reclaim(unsigned connection, const std::string& path);
    void expire_temporary_eventually();
    void clear_temporary_expiry();
    http::Response send_expiry(const std::string& path, ExpiryMode mode, const std::string& lease_id,
                               const std::string& operation);
    http::Response without_expiry(http::Response state);
    void renew_lease();
    void renew_lease_if_due();
    void release_lease_on_destination(unsigned connection) noexcept;
    void start_lease_keeper();
    void stop_lease_keeper() noexcept;
    void keep_lease();
    void append(unsigned connection, const ChunkView& chunk);
    void flush(const CommitInfo& info);
    void rename(const CommitInfo& info);
    http::Response remove_temporary(bool with_lease);
    void warn_not_deleted(const std::string& why) const;
    http::Response head(std::string_view object_path, const std::string& operation);
    http::Response head_on(unsigned connection, std::string_view object_path, const std::string& operation);
    void verify_and_release(const CommitInfo& info);
    bool destination_matches(const CommitInfo& info);

    Session session_;
    std::string temp_path_;
    std::string lease_id_;
    std::string etag_;  // of the temporary file, after its last change
    // What abort() must clean up: `unanswered` is a create that went out with no reply yet (the
    // file may exist, under our lease id), `gone` a temporary renamed onto the destination or deleted.
    enum class Temporary { not_made, unanswered, exists, gone };
    Temporary temporary_ = Temporary::not_made;
    bool expiry_set_ = false;  // the temporary carries a server-side expiry that must go before the rename
    std::size_t reclaimed_ = 0;
    std::atomic<std::uint64_t> bytes_uploaded_{0};
    std::atomic<std::uint64_t> chunks_uploaded_{0};

    // The keeper owns the control connection between open() and commit()/abort(), when the
    // calling thread does not use it.
    std::mutex lease_mutex_;
    std::condition_variable lease_wakeup_;
    bool keeper_stop_ = false;
    std::chrono::steady_clock::time_point lease_renewed_at_;
    std::thread lease_keeper_;
};

}  // namespace pe::storage
