#pragma once
// What both storage sinks share: one keep-alive connection per upload worker plus one for the
// control requests, the retry loop that re-authorizes every attempt, and the error context.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pigment_export/core/config.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/http/retry_policy.hpp"
#include "pigment_export/storage/sink.hpp"
#include "pigment_export/storage/storage_auth.hpp"
#include "pigment_export/storage/storage_errors.hpp"
#include "pigment_export/storage/storage_url.hpp"

namespace pe::storage {

class Session {
public:
    Session(const Config& config, Target target, std::shared_ptr<const Auth> auth);

    unsigned workers() const noexcept { return workers_; }
    unsigned control_connection() const noexcept { return workers_; }  // the connection index for non-upload requests
    const Target& target() const noexcept { return target_; }
    const Auth& auth() const noexcept { return *auth_; }
    bool overwrite() const noexcept { return overwrite_; }
    // The stored object's Content-Type (core/compression's stored_content_type for --compress).
    const char* content_type() const noexcept { return content_type_; }

    // Sends on connection `connection` with retries; `build` is called once per attempt and the
    // result is authorized afresh. Transport failures become Failure (store), cancellation wins.
    http::Response send(unsigned connection, const std::string& operation, std::string_view object_path,
                        const std::function<http::Request()>& build);

    std::string url(std::string_view object_path) const { return object_url(target_, object_path); }
    ErrorContext context(std::string operation, std::string_view object_path) const;
    Failure failure(const std::string& operation, std::string_view object_path, const http::Response& response) const;

private:
    Target target_;
    std::shared_ptr<const Auth> auth_;
    unsigned workers_;
    bool overwrite_;
    const char* content_type_;
    http::RetryPolicy policy_;
    std::vector<http::Client> clients_;
};

// Name/value pairs stored with the object: block type, block id, rows, export time.
std::vector<std::pair<std::string, std::string>> export_metadata(const CommitInfo& info);

// True when a HEAD reply shows an object of the export's length whose stored Content-MD5 is the
// export's (an object stored without one is never taken for the export).
bool holds_export(const http::Response& head, const CommitInfo& info);

// After a commit: reads the destination back (`read_back`, a HEAD) and checks that its size (and
// MD5, when the service stored one) match what was streamed. The old content is gone by now, so
// every failure here, a refused or failed HEAD included, is Stage::after_commit (exit 6), saying
// the export was committed and what could not be verified. A stop signal stays an interruption.
void check_after_commit(const Session& session, const std::function<http::Response()>& read_back,
                        const CommitInfo& info, const std::string& location);

}  // namespace pe::storage
