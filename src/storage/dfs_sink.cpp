#include "pigment_export/storage/dfs_sink.hpp"

#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/concurrent_task.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/random_id.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/core/utc_time.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

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

constexpr std::size_t kTemporarySuffixLength = 16;

// Listings beyond this are not read: a folder that large is not where a stray temporary
// file is worth a minute of requests.
constexpr std::size_t kMaxListedEntries = 5000;

constexpr auto kLeaseCheckInterval = std::chrono::seconds(1);

bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

std::string parent_folder(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

bool is_directory_entry(const nlohmann::json& entry) {
    auto it = entry.find("isDirectory");
    if (it == entry.end()) return false;
    return it->is_boolean() ? it->get<bool>() : (it->is_string() && it->get<std::string>() == "true");
}

}  // namespace

bool lease_renewal_due(std::chrono::steady_clock::time_point last_renewal, std::chrono::steady_clock::time_point now,
                       std::chrono::seconds duration) {
    return now - last_renewal >= duration / 3;
}

bool is_temporary_of(std::string_view path, std::string_view destination) {
    std::string prefix = temporary_sibling(destination, "");
    if (path.size() != prefix.size() + kTemporarySuffixLength || path.substr(0, prefix.size()) != prefix) return false;
    auto suffix = path.substr(prefix.size());
    return std::all_of(suffix.begin(), suffix.end(), is_lower_hex);
}

bool settled_for_reclaim(std::optional<std::chrono::system_clock::time_point> last_modified,
                         std::chrono::system_clock::time_point listed_at) {
    return last_modified && listed_at - *last_modified >= kTemporaryLeaseDuration;
}

bool lease_abandoned(std::string_view lease_state) {
    return lease_state == "available" || lease_state == "expired" || lease_state == "broken";
}

DfsSink::DfsSink(const Config& config, Target target, std::shared_ptr<const Auth> auth)
    : session_(config, std::move(target), std::move(auth)),
      temp_path_(temporary_sibling(session_.target().path, random_hex(kTemporarySuffixLength))) {}

DfsSink::~DfsSink() {
    stop_lease_keeper();
}

std::string DfsSink::location() const {
    return session_.url(session_.target().path);
}

http::Request DfsSink::request(const std::string& method, std::string_view object_path,
                               const std::string& query) const {
    http::Request r;
    r.method = method;
    r.url = session_.url(object_path) + query;
    return r;
}

http::Response DfsSink::head(std::string_view object_path, const std::string& operation) {
    return head_on(session_.control_connection(), object_path, operation);
}

http::Response DfsSink::head_on(unsigned connection, std::string_view object_path, const std::string& operation) {
    return session_.send(connection, operation, object_path, [&] { return request("HEAD", object_path, ""); });
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
    // Housekeeping on the first upload connection, idle until open() returns: the listing overlaps
    // the requests that make this run's temporary file instead of going before them.
    auto reclaiming = start_concurrently(Stage::store, [this] { reclaim_abandoned(kHousekeepingConnection); });
    create_temporary();
    expire_temporary_eventually();
    reclaiming.get();
    start_lease_keeper();
}

void DfsSink::create_temporary() {
    // The create takes the lease (x-ms-version 2021-08-06 has x-ms-proposed-lease-id on create):
    // no window in which the new file is unleased, and no round trip for a Path Lease. A retry
    // after a lost 201 proposes the same id.
    lease_id_ = random_uuid_v4();
    // From the first attempt on the file may exist, whether or not a reply arrives (an open stopped
    // because the secret stage failed): abort() then deletes it under this lease, or finds nothing.
    temporary_ = Temporary::unanswered;
    unsigned attempts = 0;
    auto response = session_.send(session_.control_connection(), "create the temporary file", temp_path_, [&] {
        ++attempts;
        auto r = request("PUT", temp_path_, "?resource=file");
        r.headers.push_back({"If-None-Match", "*"});
        r.headers.push_back({"x-ms-content-type", session_.content_type()});
        r.headers.push_back({"x-ms-proposed-lease-id", lease_id_});
        r.headers.push_back({"x-ms-lease-duration", std::to_string(kTemporaryLeaseDuration.count())});
        return r;
    });
    if (response.status == 409 && attempts > 1) {
        // A retry after a lost 201: nobody else uses this random name, and the lease shows it is ours.
        auto state = head(temp_path_, "check the temporary file");
        if (state.status == 200 && header_or_empty(state, "Content-Length") == "0" &&
            header_or_empty(state, "x-ms-lease-state") == "leased") {
            response = std::move(state);
        }
    }
    if (response.status != 201 && response.status != 200) {
        throw session_.failure("create the temporary file", temp_path_, response);
    }
    temporary_ = Temporary::exists;
    etag_ = header_or_empty(response, "ETag");
    lease_renewed_at_ = std::chrono::steady_clock::now();
    spdlog::debug("DFS temporary file {}", session_.url(temp_path_));
}

void DfsSink::reclaim_abandoned(unsigned connection) {
    try {
        for (const auto& path : abandoned_candidates(connection)) {
            if (reclaim(connection, path)) ++reclaimed_;
        }
    } catch (const Failure& e) {
        cancellation::throw_if_requested();
        // Reclaiming is housekeeping: a SAS without list permission must not cost the export.
        spdlog::warn("could not look for abandoned temporary files of earlier runs ({}); continuing", e.what());
    }
    if (reclaimed_ > 0) {
        spdlog::info("reclaimed {} abandoned temporary path(s) of earlier runs", reclaimed_);
    }
}

std::vector<std::string> DfsSink::abandoned_candidates(unsigned connection) {
    const std::string& destination = session_.target().path;
    std::string folder = parent_folder(destination);
    std::vector<std::string> candidates;
    std::string continuation;
    std::size_t examined = 0;
    do {
        auto response = list_page(connection, folder, kMaxListedEntries - examined, continuation);
        if (response.status == 404) return {};  // a folder that does not exist yet holds nothing to reclaim
        if (response.status != 200) throw session_.failure("list the destination folder", folder, response);
        // The page is as large as the client buffers; only its depth needs bounding.
        auto body = parse_bounded_json(response.body, JsonBounds{response.body.size(), 16});
        if (!body.is_object() || !body.contains("paths") || !body["paths"].is_array()) break;
        auto listed_at = parse_http_date(header_or_empty(response, "Date")).value_or(std::chrono::system_clock::now());
        for (const auto& entry : body["paths"]) {
            ++examined;
            auto name = string_member(entry, "name");
            if (name.empty() || is_directory_entry(entry)) continue;
            // This run's own temporary is made while the listing runs.
            if (name == temp_path_ || !is_temporary_of(name, destination)) continue;
            auto modified = parse_http_date(string_member(entry, "lastModified"));
            if (settled_for_reclaim(modified, listed_at)) candidates.push_back(std::move(name));
        }
        continuation = header_or_empty(response, "x-ms-continuation");
    } while (!continuation.empty() && examined < kMaxListedEntries);
    return candidates;
}

http::Response DfsSink::list_page(unsigned connection, const std::string& folder, std::size_t max_entries,
                                  const std::string& continuation) {
    std::string url = session_.url("");
    url.pop_back();  // the filesystem itself, not a path inside it
    url += "?resource=filesystem&recursive=false&maxResults=" + std::to_string(max_entries);
    if (!folder.empty()) url += "&directory=" + percent_encode(folder);
    if (!continuation.empty()) url += "&continuation=" + percent_encode(continuation);
    return session_.send(connection, "list the destination folder", folder, [&] {
        http::Request r;
        r.url = url;
        return r;
    });
}

bool DfsSink::reclaim(unsigned connection, const std::string& path) {
    auto state = head_on(connection, path, "check an earlier temporary file");
    if (state.status != 200 || !lease_abandoned(header_or_empty(state, "x-ms-lease-state"))) return false;
    // If-Match: a path re-created (and leased) since the HEAD is someone else's now.
    std::string etag = header_or_empty(state, "ETag");
    auto response = session_.send(connection, "delete an abandoned temporary file", path, [&] {
        auto r = request("DELETE", path, "");
        r.headers.push_back({"If-Match", etag});
        return r;
    });
    if (response.status == 200 || response.status == 202) {
        spdlog::debug("deleted the abandoned temporary file {}", session_.url(path));
        return true;
    }
    // 404/409/412: another run reclaimed it first, or it changed hands; either way not ours.
    spdlog::debug("left the earlier temporary file {} (HTTP {})", session_.url(path), response.status);
    return false;
}

http::Response DfsSink::send_expiry(const std::string& path, ExpiryMode mode, const std::string& lease_id,
                                    const std::string& operation) {
    return session_.send(session_.control_connection(), operation, path,
                         [&] { return expiry_request(blob_endpoint_url(session_.target(), path), mode, lease_id); });
}

void DfsSink::expire_temporary_eventually() {
    const std::string operation = "give the temporary file an expiry";
    auto response = send_expiry(temp_path_, ExpiryMode::expire_after_temporary_lifetime, lease_id_, operation);
    auto error = parse_service_error(response.status, response.headers, response.body);
    switch (classify_expiry_reply(response.status, error.code)) {
        case ExpiryReply::applied:
            expiry_set_ = true;
            if (auto etag = header_or_empty(response, "ETag"); !etag.empty()) etag_ = etag;
            return;
        case ExpiryReply::no_hierarchical_namespace:
            spdlog::debug("the account has no hierarchical namespace: the temporary file's lease alone marks it");
            return;
        case ExpiryReply::failed:
            // A safety net for runs that never come back; the lease still lets the next run reclaim it.
            spdlog::warn("could not give the temporary file {} a server-side expiry (HTTP {} {}); continuing",
                         session_.url(temp_path_), response.status, error.code);
            return;
    }
}

void DfsSink::clear_temporary_expiry() {
    if (!expiry_set_) return;
    renew_lease_if_due();
    const std::string operation = "clear the expiry of the temporary file";
    auto response = send_expiry(temp_path_, ExpiryMode::never, lease_id_, operation);
    if (response.status != 200) throw session_.failure(operation, temp_path_, response);
    if (auto etag = header_or_empty(response, "ETag"); !etag.empty()) etag_ = etag;
    expiry_set_ = false;
}

// The rename may carry an expiry over after all (or another writer set one); a committed file
// that deletes itself a week later is a loss, so it is cleared here or reported after the commit.
http::Response DfsSink::without_expiry(http::Response state) {
    if (state.status != 200 || !announces_expiry(state.headers)) return state;
    const std::string& destination = session_.target().path;
    const std::string operation = "clear the expiry of";
    auto cleared = send_expiry(destination, ExpiryMode::never, "", operation);
    if (cleared.status != 200) throw session_.failure(operation, destination, cleared);
    spdlog::warn("{} carried a server-side expiry after the rename; cleared it", location());
    return head(destination, "read back");
}

void DfsSink::renew_lease() {
    auto response =
        session_.send(session_.control_connection(), "renew the lease on the temporary file", temp_path_, [&] {
            auto r = request("POST", temp_path_, "");
            r.headers.push_back({"x-ms-lease-action", "renew"});
            r.headers.push_back({"x-ms-lease-id", lease_id_});
            return r;
        });
    if (response.status != 200) {
        throw session_.failure("renew the lease on the temporary file", temp_path_, response);
    }
    std::lock_guard lock(lease_mutex_);
    lease_renewed_at_ = std::chrono::steady_clock::now();
}

void DfsSink::renew_lease_if_due() {
    if (lease_renewal_due(lease_renewed_at_, std::chrono::steady_clock::now(), kTemporaryLeaseDuration)) {
        renew_lease();
    }
}

void DfsSink::start_lease_keeper() {
    keeper_stop_ = false;
    lease_keeper_ = std::thread([this] { keep_lease(); });
}

void DfsSink::stop_lease_keeper() noexcept {
    {
        std::lock_guard lock(lease_mutex_);
        keeper_stop_ = true;
    }
    lease_wakeup_.notify_all();
    if (lease_keeper_.joinable()) lease_keeper_.join();
}

// A timer, not the appends, keeps the lease: a slow export can go longer than the lease
// between two chunks, and a lapsed lease lets a concurrent run reclaim the file.
void DfsSink::keep_lease() {
    std::unique_lock lock(lease_mutex_);
    while (!lease_wakeup_.wait_for(lock, kLeaseCheckInterval, [this] { return keeper_stop_; })) {
        if (!lease_renewal_due(lease_renewed_at_, std::chrono::steady_clock::now(), kTemporaryLeaseDuration)) continue;
        lock.unlock();
        try {
            renew_lease();
        } catch (const std::exception& e) {
            // The next write then fails with the lease's own error; retrying here would not help.
            spdlog::warn("could not renew the lease on the temporary file {} ({})", session_.url(temp_path_), e.what());
            return;
        }
        lock.lock();
    }
}

void DfsSink::release_lease_on_destination(unsigned connection) noexcept {
    // Whether a lease moves with a renamed file is undocumented; if it did, the destination
    // would refuse other writers until it expired. 409 just means it did not move.
    try {
        const std::string& destination = session_.target().path;
        auto response = session_.send(connection, "release the lease on", destination, [&] {
            auto r = request("POST", destination, "");
            r.headers.push_back({"x-ms-lease-action", "release"});
            r.headers.push_back({"x-ms-lease-id", lease_id_});
            return r;
        });
        spdlog::debug("lease release on {} -> HTTP {}", location(), response.status);
    } catch (const std::exception& e) {
        spdlog::debug("lease release on {} failed ({}); it expires by itself", location(), e.what());
    }
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
        r.headers.push_back({"x-ms-lease-id", lease_id_});
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
    renew_lease_if_due();
    unsigned attempts = 0;
    auto response = session_.send(session_.control_connection(), "flush the temporary file", temp_path_, [&] {
        ++attempts;
        auto r = request("PATCH", temp_path_, query);
        r.headers.push_back({"If-Match", etag_});
        r.headers.push_back({"x-ms-lease-id", lease_id_});
        r.headers.push_back({"x-ms-content-md5", info.md5_base64});
        r.headers.push_back({"x-ms-content-type", session_.content_type()});
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

void DfsSink::rename(const CommitInfo& info) {
    const std::string& destination = session_.target().path;
    // The source is /{filesystem}/{path} on every endpoint (no account segment), with the SAS.
    std::string source = "/" + percent_encode(session_.target().container) + "/" + encode_path(temp_path_) +
                         session_.auth().rename_source_query();
    const std::string properties = properties_header(info);
    renew_lease_if_due();
    unsigned attempts = 0;
    auto response = session_.send(session_.control_connection(), "rename the temporary file onto", destination, [&] {
        ++attempts;
        auto r = request("PUT", destination, "");
        r.headers.push_back({"x-ms-rename-source", source});
        r.headers.push_back({"x-ms-source-if-match", etag_});
        r.headers.push_back({"x-ms-source-lease-id", lease_id_});
        // The export's metadata travels with the rename (which keeps the source's properties unless
        // it carries its own) instead of costing a setProperties round trip of its own.
        r.headers.push_back({"x-ms-properties", properties});
        if (!session_.overwrite()) {
            r.headers.push_back({"If-None-Match", "*"});
        }
        return r;
    });
    // Not a 201 after a retry: an earlier attempt may have renamed it and its reply was lost.
    if (response.status != 201 && !(attempts > 1 && destination_matches(info))) {
        throw session_.failure("rename the temporary file onto", destination, response);
    }
    temporary_ = Temporary::gone;
}

bool DfsSink::destination_matches(const CommitInfo& info) {
    auto temp = head(temp_path_, "check the temporary file");
    if (temp.status != 404) return false;
    // Only a proof counts here: a refused HEAD leaves the rename's own failure to be reported.
    return holds_export(head(session_.target().path, "check"), info);
}

bool DfsSink::holds(const CommitInfo& info) {
    auto destination = head(session_.target().path, "check");
    if (destination.status != 200 && destination.status != 404) {
        throw session_.failure("check", session_.target().path, destination);
    }
    return holds_export(destination, info);
}

void DfsSink::commit(const CommitInfo& info) {
    if (bytes_uploaded_ != info.total_bytes || chunks_uploaded_ != info.chunk_count) {
        throw Failure(Stage::internal, "the upload saw " + std::to_string(bytes_uploaded_) + " bytes in " +
                                           std::to_string(chunks_uploaded_) + " chunks, the export " +
                                           std::to_string(info.total_bytes) + " bytes in " +
                                           std::to_string(info.chunk_count));
    }
    stop_lease_keeper();  // the control connection is this thread's again
    flush(info);
    clear_temporary_expiry();
    rename(info);
    verify_and_release(info);
}

// Whether the lease moved with the file is undocumented: its release goes beside the read-back,
// on the first upload connection (idle now), rather than after it. The expiry clear waits for
// the release, since a lease that moved would refuse it.
void DfsSink::verify_and_release(const CommitInfo& info) {
    auto releasing =
        start_concurrently(Stage::store, [this] { release_lease_on_destination(kHousekeepingConnection); });
    check_after_commit(
        session_,
        [&] {
            const std::string& destination = session_.target().path;
            auto state = head(destination, "read back");
            if (releasing.valid()) releasing.get();
            return without_expiry(std::move(state));
        },
        info, location());
}

void DfsSink::commit_single(const ChunkView& only, const CommitInfo& info) {
    stop_lease_keeper();
    // The whole export is in hand, so the expiry is cleared while it is appended (on the first
    // upload connection, idle here) rather than after: one round trip less before the rename.
    auto clearing = start_concurrently(Stage::store, [this] { clear_temporary_expiry(); });
    if (only.size > 0) {  // an empty append is invalid; an empty export is a create plus a flush at 0
        append(kHousekeepingConnection, only);
    }
    clearing.get();
    commit(info);
}

void DfsSink::abort() noexcept {
    stop_lease_keeper();
    if (temporary_ == Temporary::not_made || temporary_ == Temporary::gone) {
        return;
    }
    try {
        auto response = remove_temporary(true);
        if (response.status == 412 && temporary_ == Temporary::exists) {
            // The lease lapsed (LeaseLost): nothing protects the file any more, nor needs to. A
            // create without a reply gets no such fallback: a path that refuses our lease is not ours.
            response = remove_temporary(false);
        }
        if (response.status == 200 || response.status == 202 || response.status == 404) {
            temporary_ = Temporary::gone;
            return;
        }
        auto error = parse_service_error(response.status, response.headers, response.body);
        warn_not_deleted("HTTP " + std::to_string(response.status) + " " + error.code);
    } catch (const std::exception& e) {
        warn_not_deleted(e.what());
    }
}

void DfsSink::warn_not_deleted(const std::string& why) const {
    // Either way its lease lapses and the next run to this destination reclaims it.
    if (temporary_ == Temporary::exists) {
        spdlog::warn("could not delete the temporary file {} ({}); the next run reclaims it, or delete it by hand",
                     session_.url(temp_path_), why);
    } else {
        spdlog::warn(
            "could not make sure that the temporary file {} was not created ({}); if it was, the next run "
            "reclaims it",
            session_.url(temp_path_), why);
    }
}

http::Response DfsSink::remove_temporary(bool with_lease) {
    return session_.send(session_.control_connection(), "delete the temporary file", temp_path_, [&] {
        auto r = request("DELETE", temp_path_, "");
        if (with_lease) r.headers.push_back({"x-ms-lease-id", lease_id_});
        r.survives_cancellation = true;  // an interrupted run must still clean up
        return r;
    });
}

}  // namespace pe::storage
