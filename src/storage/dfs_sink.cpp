#include "pigment_export/storage/dfs_sink.hpp"

#include "pigment_export/core/bytes.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/log.hpp"

namespace pe::storage {

namespace {

std::string header_or_empty(const http::Response& response, std::string_view name) {
    auto value = http::find_header(response.headers, name);
    return value ? std::string(*value) : std::string();
}

// x-ms-properties: "name=base64(value),..." (values must be base64 so any text survives).
std::string properties_header(const CommitInfo& info) {
    std::string out;
    for (const auto& [name, value] : export_metadata(info)) {
        if (!out.empty()) out.push_back(',');
        out += name + "=" + base64_encode(value);
    }
    return out;
}

}  // namespace

DfsSink::DfsSink(const Config& config, Target target, std::shared_ptr<const Auth> auth)
    : session_(config, std::move(target), std::move(auth)),
      temp_path_(temporary_sibling(session_.target().path, random_hex(16))) {}

std::string DfsSink::location() const { return session_.url(session_.target().path); }

http::Request DfsSink::request(const std::string& method, std::string_view object_path, const std::string& query) const {
    http::Request r;
    r.method = method;
    r.url = session_.url(object_path) + query;
    return r;
}

http::Response DfsSink::head(std::string_view object_path, const std::string& operation) {
    return session_.send(session_.control(), operation, object_path, [&] { return request("HEAD", object_path, ""); });
}

void DfsSink::open() {
    const std::string& destination = session_.target().path;
    if (!session_.overwrite()) {
        // Fail before the export runs; the rename's If-None-Match still guards the race.
        auto response = head(destination, "check");
        if (response.status == 200) {
            throw Failure(map_storage_error(session_.context("write", destination), 409,
                                            {"PathAlreadyExists", "the destination already exists"}));
        }
        auto error = parse_service_error(response.status, response.headers, response.body);
        if (response.status != 404 || error.code == "FilesystemNotFound") {
            throw session_.failure("check", destination, response);
        }
    }
    unsigned attempts = 0;
    auto response = session_.send(session_.control(), "create the temporary file", temp_path_, [&] {
        ++attempts;
        auto r = request("PUT", temp_path_, "?resource=file");
        r.headers.push_back({"If-None-Match", "*"});
        r.headers.push_back({"x-ms-content-type", "text/csv"});
        return r;
    });
    if (response.status == 409 && attempts > 1) {
        // A retry after a lost 201: nobody else uses this random name.
        auto state = head(temp_path_, "check the temporary file");
        if (state.status == 200 && header_or_empty(state, "Content-Length") == "0") {
            response = std::move(state);
        }
    }
    if (response.status != 201 && response.status != 200) {
        throw session_.failure("create the temporary file", temp_path_, response);
    }
    temp_exists_ = true;
    etag_ = header_or_empty(response, "ETag");
    spdlog::debug("DFS temporary file {}", session_.url(temp_path_));
}

void DfsSink::upload(unsigned worker, const ChunkView& chunk) {
    append(worker, chunk);
}

void DfsSink::append(unsigned connection, const ChunkView& chunk) {
    std::string_view data(chunk.data, chunk.size);
    // Transactional only (the service checks this body against it); the flush carries the
    // whole-file MD5 the file keeps. CRC64 because a second MD5 pass over every byte was
    // the largest single CPU cost of an export.
    std::string checksum = crc64_base64(chunk.crc64);
    std::string query = "?action=append&position=" + std::to_string(chunk.offset);
    auto response = session_.send(connection, "append to the temporary file", temp_path_, [&] {
        auto r = request("PATCH", temp_path_, query);
        r.headers.push_back({"x-ms-content-crc64", checksum});
        r.body = data;
        return r;
    });
    if (response.status != 202) {
        throw session_.failure("append to the temporary file", temp_path_, response);
    }
    bytes_uploaded_ += chunk.size;
    ++chunks_uploaded_;
}

void DfsSink::flush(const CommitInfo& info) {
    std::string query = "?action=flush&position=" + std::to_string(info.total_bytes) + "&close=true";
    unsigned attempts = 0;
    auto response = session_.send(session_.control(), "flush the temporary file", temp_path_, [&] {
        ++attempts;
        auto r = request("PATCH", temp_path_, query);
        r.headers.push_back({"If-Match", etag_});
        r.headers.push_back({"x-ms-content-md5", info.md5_base64});
        r.headers.push_back({"x-ms-content-type", "text/csv"});
        return r;
    });
    if (response.status == 412 && attempts > 1) {
        // The first flush may have landed with its reply lost; its new ETag then fails If-Match.
        auto state = head(temp_path_, "check the temporary file");
        if (state.status == 200 && header_or_empty(state, "Content-Length") == std::to_string(info.total_bytes)) {
            response = std::move(state);
        }
    }
    if (response.status != 200) {
        throw session_.failure("flush the temporary file", temp_path_, response);
    }
    etag_ = header_or_empty(response, "ETag");
}

void DfsSink::set_properties(const CommitInfo& info) {
    // Sent with the content headers again: a property update must not reset them.
    auto response = session_.send(session_.control(), "set properties on the temporary file", temp_path_, [&] {
        auto r = request("PATCH", temp_path_, "?action=setProperties");
        r.headers.push_back({"x-ms-properties", properties_header(info)});
        r.headers.push_back({"x-ms-content-md5", info.md5_base64});
        r.headers.push_back({"x-ms-content-type", "text/csv"});
        return r;
    });
    if (response.status != 200) {
        throw session_.failure("set properties on the temporary file", temp_path_, response);
    }
    etag_ = header_or_empty(response, "ETag");
}

void DfsSink::rename(const CommitInfo& info) {
    const std::string& destination = session_.target().path;
    // The source is /{filesystem}/{path} on every endpoint (no account segment), with the SAS.
    std::string source = "/" + percent_encode(session_.target().container) + "/" + encode_path(temp_path_) +
                         session_.auth().rename_source_query();
    unsigned attempts = 0;
    auto response = session_.send(session_.control(), "rename the temporary file onto", destination, [&] {
        ++attempts;
        auto r = request("PUT", destination, "");
        r.headers.push_back({"x-ms-rename-source", source});
        r.headers.push_back({"x-ms-source-if-match", etag_});
        if (!session_.overwrite()) {
            r.headers.push_back({"If-None-Match", "*"});
        }
        return r;
    });
    if (response.status != 201 && attempts > 1 && destination_matches(info)) {
        // An earlier attempt renamed it and its reply was lost.
        renamed_ = true;
        temp_exists_ = false;
        return;
    }
    if (response.status != 201) {
        throw session_.failure("rename the temporary file onto", destination, response);
    }
    renamed_ = true;
    temp_exists_ = false;
}

bool DfsSink::destination_matches(const CommitInfo& info) {
    auto temp = head(temp_path_, "check the temporary file");
    if (temp.status != 404) return false;
    auto destination = head(session_.target().path, "check");
    return destination.status == 200 &&
           header_or_empty(destination, "Content-Length") == std::to_string(info.total_bytes) &&
           header_or_empty(destination, "Content-MD5") == info.md5_base64;
}

void DfsSink::commit(const CommitInfo& info) {
    if (bytes_uploaded_ != info.total_bytes || chunks_uploaded_ != info.chunk_count) {
        throw Failure(Stage::internal, "the upload saw " + std::to_string(bytes_uploaded_) + " bytes in " +
                                           std::to_string(chunks_uploaded_) + " chunks, the export " +
                                           std::to_string(info.total_bytes) + " bytes in " +
                                           std::to_string(info.chunk_count));
    }
    flush(info);
    set_properties(info);
    rename(info);
    check_after_commit(session_, [&] { return head(session_.target().path, "read back"); }, info, location());
}

void DfsSink::commit_single(const ChunkView& only, const CommitInfo& info) {
    // An empty append is invalid; an empty export is a create plus a flush at 0.
    if (only.size > 0) {
        append(session_.control(), only);
    }
    commit(info);
}

void DfsSink::abort() noexcept {
    if (!temp_exists_ || renamed_) {
        return;
    }
    try {
        auto response = session_.send(session_.control(), "delete the temporary file", temp_path_, [&] {
            auto r = request("DELETE", temp_path_, "");
            r.survives_cancellation = true;  // an interrupted run must still clean up
            return r;
        });
        if (response.status == 200 || response.status == 202 || response.status == 404) {
            temp_exists_ = false;
            return;
        }
        auto error = parse_service_error(response.status, response.headers, response.body);
        spdlog::warn("could not delete the temporary file {} (HTTP {} {}); delete it by hand", session_.url(temp_path_),
                     response.status, error.code);
    } catch (const std::exception& e) {
        spdlog::warn("could not delete the temporary file {} ({}); delete it by hand", session_.url(temp_path_), e.what());
    }
}

}  // namespace pe::storage
