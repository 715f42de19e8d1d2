#include "pigment_export/storage/blob_sink.hpp"

#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/md5.hpp"
#include "pigment_export/core/random_id.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::storage {

BlobSink::BlobSink(const Config& config, Target target, std::shared_ptr<const Auth> auth)
    : session_(config, std::move(target), std::move(auth)), run_tag_(random_hex(8)) {}

std::string BlobSink::location() const {
    return session_.url(session_.target().path);
}

http::Request BlobSink::request(const std::string& method, const std::string& query) const {
    http::Request r;
    r.method = method;
    r.url = session_.url(session_.target().path) + query;
    return r;
}

http::Response BlobSink::head() {
    return session_.send(session_.control_connection(), "check", session_.target().path,
                         [&] { return request("HEAD", ""); });
}

void BlobSink::open() {
    if (session_.overwrite()) {
        return;
    }
    // Fail before the export runs; the commit's If-None-Match still guards the race.
    auto response = head();
    if (response.status == 200) {
        throw Failure(map_storage_error(session_.context("write", session_.target().path), 409,
                                        {"BlobAlreadyExists", "the destination already exists"}));
    }
    auto error = parse_service_error(response.status, response.headers, response.body);
    if (response.status != 404 || error.code == "ContainerNotFound") {
        throw session_.failure("check", session_.target().path, response);
    }
}

void BlobSink::upload(unsigned worker, const ChunkView& chunk) {
    if (chunk.index >= kMaxBlocks) {
        throw Failure(Stage::store, "the export needs more than " + std::to_string(kMaxBlocks) + " blocks",
                      "raise --chunk-size (a blob holds at most 50,000 blocks)");
    }
    std::string_view data(chunk.data, chunk.size);
    // Transactional only: the block list commit stores the whole-file MD5. CRC64 because a
    // second MD5 pass over every byte was the largest single CPU cost of an export.
    std::string checksum = crc64_base64(chunk.crc64);
    std::string query = "?comp=block&blockid=" + percent_encode(block_id(run_tag_, chunk.index));
    auto response = session_.send(worker, "upload a block of", session_.target().path, [&] {
        auto r = request("PUT", query);
        r.headers.push_back({"x-ms-content-crc64", checksum});
        r.body = data;
        return r;
    });
    if (response.status != 201) {
        throw session_.failure("upload a block of", session_.target().path, response);
    }
    bytes_uploaded_ += chunk.size;
    ++chunks_uploaded_;
}

void BlobSink::add_commit_headers(http::Request& r, const CommitInfo& info) const {
    r.headers.push_back({"x-ms-blob-content-type", session_.content_type()});
    r.headers.push_back({"x-ms-blob-content-md5", info.md5_base64});
    for (const auto& [name, value] : export_metadata(info)) {
        r.headers.push_back({"x-ms-meta-" + name, value});
    }
    if (!session_.overwrite()) {
        r.headers.push_back({"If-None-Match", "*"});
    }
}

void BlobSink::commit(const CommitInfo& info) {
    if (bytes_uploaded_ != info.total_bytes || chunks_uploaded_ != info.chunk_count) {
        throw Failure(Stage::internal, "the upload saw " + std::to_string(bytes_uploaded_) + " bytes in " +
                                           std::to_string(chunks_uploaded_) + " blocks, the export " +
                                           std::to_string(info.total_bytes) + " bytes in " +
                                           std::to_string(info.chunk_count));
    }
    std::string body = R"(<?xml version="1.0" encoding="utf-8"?><BlockList>)";
    body.reserve(body.size() + info.chunk_count * 60 + 16);
    for (std::uint64_t i = 0; i < info.chunk_count; ++i) {
        body += "<Latest>" + block_id(run_tag_, i) + "</Latest>";
    }
    body += "</BlockList>";
    std::string body_md5 = Md5::base64_of(body);
    unsigned attempts = 0;
    auto response =
        session_.send(session_.control_connection(), "commit the block list of", session_.target().path, [&] {
            ++attempts;
            auto r = request("PUT", "?comp=blocklist");
            r.headers.push_back({"Content-Type", "application/xml"});
            r.headers.push_back({"Content-MD5", body_md5});
            add_commit_headers(r, info);
            r.body = body;
            return r;
        });
    finish(response, attempts, info, "commit the block list of");
}

void BlobSink::commit_single(const ChunkView& only, const CommitInfo& info) {
    std::string_view data(only.data, only.size);
    unsigned attempts = 0;
    auto response = session_.send(session_.control_connection(), "upload", session_.target().path, [&] {
        ++attempts;
        auto r = request("PUT", "");
        r.headers.push_back({"x-ms-blob-type", "BlockBlob"});
        // Transactional: the service checks the body against it.
        r.headers.push_back({"Content-MD5", info.md5_base64});
        add_commit_headers(r, info);
        r.body = data;
        return r;
    });
    finish(response, attempts, info, "upload");
}

void BlobSink::finish(const http::Response& response, unsigned attempts, const CommitInfo& info,
                      const std::string& operation) {
    if (response.status != 201) {
        // With --no-overwrite, a retry after a lost 201 meets our own blob: accept it when it is
        // byte-for-byte what we sent (same length and MD5).
        bool ours = false;
        if (attempts > 1 && (response.status == 409 || response.status == 412)) {
            ours = holds_export(head(), info);
        }
        if (!ours) {
            throw session_.failure(operation, session_.target().path, response);
        }
    }
    check_after_commit(
        session_, [&] { return head(); }, info, location());
}

bool BlobSink::holds(const CommitInfo& info) {
    auto state = head();
    if (state.status != 200 && state.status != 404) throw session_.failure("check", session_.target().path, state);
    return holds_export(state, info);
}

void BlobSink::abort() noexcept {
    spdlog::debug("blob upload aborted; its uncommitted blocks are discarded by the service");
}

}  // namespace pe::storage
