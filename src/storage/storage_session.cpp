#include "pigment_export/storage/storage_session.hpp"

#include <charconv>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/utc_time.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/storage/dfs_expiry.hpp"

namespace pe::storage {

namespace {
constexpr std::size_t kUploadBuffer = 512u << 10;
}  // namespace

Session::Session(const Config& config, Target target, std::shared_ptr<const Auth> auth)
    : target_(std::move(target)),
      auth_(std::move(auth)),
      workers_(std::max(1u, config.transfer.parallel)),
      overwrite_(config.transfer.overwrite),
      content_type_(stored_content_type(config.transfer.compression.codec)) {
    policy_.max_retries = config.transfer.max_retries;
    http::ClientOptions options = http::client_options_for(config.network);
    // Chunk bodies are megabytes: a bigger send buffer than libcurl's 64 KiB means fewer
    // system calls per chunk, and it is paid once per connection, not per chunk.
    options.upload_buffer = kUploadBuffer;
    clients_.reserve(workers_ + 1);
    for (unsigned i = 0; i <= workers_; ++i) {
        clients_.emplace_back(options);
    }
}

http::Response Session::send(unsigned connection, const std::string& operation, std::string_view object_path,
                             const std::function<http::Request()>& build) {
    try {
        return http::send_with_retry(clients_.at(connection), policy_, [&] {
            http::Request request = build();
            auth_->authorize(request);
            return request;
        });
    } catch (const http::TransportError& e) {
        cancellation::throw_if_requested();
        throw transport_failure(context(operation, object_path), e);
    }
}

ErrorContext Session::context(std::string operation, std::string_view object_path) const {
    ErrorContext context;
    context.operation = std::move(operation);
    context.location = url(object_path);
    context.api = target_.api;
    context.container = target_.container;
    context.credential = auth_->describe();
    context.max_retries = policy_.max_retries;
    return context;
}

Failure Session::failure(const std::string& operation, std::string_view object_path,
                         const http::Response& response) const {
    return storage_failure(context(operation, object_path), response);
}

std::vector<std::pair<std::string, std::string>> export_metadata(const CommitInfo& info) {
    return {{"pigment_block_type", info.block_type},
            {"pigment_block_id", info.block_id},
            {"pigment_rows", std::to_string(info.rows)},
            {"pigment_exported_at", utc_iso8601(info.exported_at)}};
}

namespace {

void verify_committed(const http::Response& head, const CommitInfo& info, const std::string& location) {
    std::uint64_t length = 0;
    auto header = http::find_header(head.headers, "Content-Length");
    bool parsed = header && std::from_chars(header->data(), header->data() + header->size(), length).ec == std::errc();
    if (!parsed || length != info.total_bytes) {
        throw Failure(http::with_service_trace(
            FailureInfo{Stage::after_commit,
                        head.status,
                        {},
                        location + " holds " + (parsed ? std::to_string(length) : std::string("an unknown number of")) +
                            " bytes after the commit, expected " + std::to_string(info.total_bytes),
                        "run the export again; the destination may hold another writer's data"},
            head.headers));
    }
    if (auto md5 = http::find_header(head.headers, "Content-MD5"); md5 && !md5->empty() && *md5 != info.md5_base64) {
        throw Failure(http::with_service_trace(
            FailureInfo{
                Stage::after_commit,
                head.status,
                {},
                location + " has Content-MD5 " + std::string(*md5) + " after the commit, expected " + info.md5_base64,
                "run the export again; the destination may hold another writer's data"},
            head.headers));
    }
    if (announces_expiry(head.headers)) {
        throw Failure(FailureInfo{Stage::after_commit,
                                  head.status,
                                  {},
                                  location + " carries a server-side expiry (x-ms-expiry-time " +
                                      std::string(*http::find_header(head.headers, "x-ms-expiry-time")) +
                                      ") and will delete itself",
                                  "clear it with Set Blob Expiry (x-ms-expiry-option: NeverExpire)"});
    }
}

}  // namespace

bool holds_export(const http::Response& head, const CommitInfo& info) {
    auto length = http::find_header(head.headers, "Content-Length");
    auto md5 = http::find_header(head.headers, "Content-MD5");
    return head.status == 200 && length && *length == std::to_string(info.total_bytes) && md5 &&
           *md5 == info.md5_base64;
}

void check_after_commit(const Session& session, const std::function<http::Response()>& read_back,
                        const CommitInfo& info, const std::string& location) {
    try {
        http::Response state = read_back();
        if (state.status != 200) throw session.failure("read back", session.target().path, state);
        verify_committed(state, info, location);
    } catch (const Failure& f) {
        FailureInfo failure = f.info();
        if (failure.stage == Stage::interrupted && failure.service_code != "Timeout") throw;
        failure.stage = Stage::after_commit;
        failure.message =
            "the export was committed to " + location + ", but the check after the commit failed: " + failure.message;
        if (failure.http_status == 403) {
            failure.hint =
                "the credential may write but not read: grant read (SAS 'r', or a data reader role) to have "
                "commits verified; " +
                failure.hint;
        }
        throw Failure(std::move(failure));
    }
}

}  // namespace pe::storage
