#pragma once
// ADLS Gen2 through the DFS path API. Creating the destination directly would truncate a live
// file at once, so the data goes to a hidden temporary sibling: create (If-None-Match: *) →
// parallel appends at their positions (Content-MD5 each) → flush at the final length
// (If-Match: the create's ETag) → properties → rename onto the destination → HEAD check.
// abort() deletes the temporary file; the destination is touched only by the rename.
#include <atomic>
#include <memory>
#include <string>

#include "pigment_export/storage/storage_session.hpp"

namespace pe::storage {

class DfsSink final : public Sink {
public:
    DfsSink(const Config& config, Target target, std::shared_ptr<const Auth> auth);

    unsigned max_concurrency() const override { return session_.workers(); }
    void open() override;
    void upload(unsigned worker, const ChunkView& chunk) override;
    void commit(const CommitInfo& info) override;
    void commit_single(const ChunkView& only, const CommitInfo& info) override;
    void abort() noexcept override;
    std::string location() const override;

    // The temporary file's path inside the filesystem (tests and logs).
    const std::string& temporary_path() const noexcept { return temp_path_; }

private:
    http::Request request(const std::string& method, std::string_view object_path, const std::string& query) const;
    void append(unsigned connection, const ChunkView& chunk);
    void flush(const CommitInfo& info);
    void set_properties(const CommitInfo& info);
    void rename(const CommitInfo& info);
    http::Response head(std::string_view object_path, const std::string& operation);
    bool destination_matches(const CommitInfo& info);

    Session session_;
    std::string temp_path_;
    std::string etag_;  // of the temporary file, after its last change
    bool temp_exists_ = false;
    bool renamed_ = false;
    std::atomic<std::uint64_t> bytes_uploaded_{0};
    std::atomic<std::uint64_t> chunks_uploaded_{0};
};

}  // namespace pe::storage
