#pragma once
// Block blobs: Put Block in parallel (fixed-length ids, x-ms-content-crc64 each), then one Put Block
// List that switches the blob to the new content atomically; a small export is one Put Blob.
// Nothing is visible before the commit. abort() has nothing to delete: uncommitted blocks are
// not part of any blob and the service garbage-collects them (within a week, or at once on the
// next Put Blob to that name).
#include <atomic>
#include <memory>
#include <string>

#include "pigment_export/storage/storage_session.hpp"

namespace pe::storage {

class BlobSink final : public Sink {
public:
    BlobSink(const Config& config, Target target, std::shared_ptr<const Auth> auth);

    unsigned max_concurrency() const override { return session_.workers(); }
    void open() override;
    void upload(unsigned worker, const ChunkView& chunk) override;
    void commit(const CommitInfo& info) override;
    void commit_single(const ChunkView& only, const CommitInfo& info) override;
    bool holds(const CommitInfo& info) override;
    void abort() noexcept override;
    std::string location() const override;

private:
    http::Request request(const std::string& method, const std::string& query) const;
    void add_commit_headers(http::Request& request, const CommitInfo& info) const;
    void finish(const http::Response& response, unsigned attempts, const CommitInfo& info,
                const std::string& operation);
    http::Response head();

    Session session_;
    std::string run_tag_;
    std::atomic<std::uint64_t> bytes_uploaded_{0};
    std::atomic<std::uint64_t> chunks_uploaded_{0};
};

}  // namespace pe::storage
