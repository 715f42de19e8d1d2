#pragma once
// An in-process ADLS Gen2 (DFS path API) fake, written from the REST reference because Azurite
// has no DFS endpoint. Path-style URLs: http://127.0.0.1:PORT/ACCOUNT/FILESYSTEM/PATH.
// It enforces the service rules the sinks depend on: the filesystem must exist; create honours
// If-None-Match/If-Match; appends land at any position in any order but a flush needs the data
// contiguous and position == final length; an append's Content-MD5 or x-ms-content-crc64 is
// checked (never both: the service refuses that) and the CRC64 echoed; rename honours destination
// and source conditions; HEAD errors carry only x-ms-error-code; every request is authorized
// (Shared Key signature verified independently, SAS sig compared, bearer audience checked).
// Errors use the real shape: x-ms-error-code plus {"error":{"code":..,"message":..}}.
// Leases follow the Blob lease rules the DFS shares, as Path Lease (POST) at x-ms-version
// 2021-08-06 offers them (that version's create takes no lease): acquire, renew, release, break;
// 15-60 s or -1; an active lease refuses writes, deletes and rename-as-source without its id;
// expiry runs on the fake's clock, which a test can move forward. The lease moves with a
// renamed file (the service does not document it; the stricter reading).
// Set Blob Expiry (PUT ?comp=expiry, which the blob endpoint serves; here the same host) works on
// a hierarchical-namespace account only (400 HierarchicalNamespaceNotEnabled otherwise): an
// expired path is gone; the expiry moves with a renamed file (undocumented; the stricter reading).
// Lease Blob (PUT ?comp=lease, the Blob endpoint's spelling, used by the SDKs) is the same operation.
// Path List (GET /fs?resource=filesystem) honours directory, recursive=false, maxResults and
// an opaque continuation, with a page size a test can shrink.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/loopback_server.hpp"

namespace testing {

enum class DfsOp { create, append, flush, set_properties, rename, remove, head, lease, list, set_expiry };

enum class DfsAuthMode { shared_key, sas, bearer };

struct DfsFault {
    DfsOp op = DfsOp::append;
    int nth = 1;       // the first call of `op` (1-based) that fails
    int times = 1;     // how many consecutive calls fail; -1: every call from nth on
    int status = 503;  // ignored when reset_connection
    std::string code = "ServerBusy";
    bool reset_connection = false;  // drop the connection instead of answering
    bool apply_first = false;       // carry the operation out, then fail the reply (a lost 2xx)
};

struct DfsFile {
    std::string content;     // empty when the fake does not keep content
    std::uint64_t size = 0;  // flushed length
    std::string data_md5;    // MD5 (base64) of the bytes actually flushed
    std::string etag;
    std::string content_type;
    std::string content_md5;                        // as stored (base64), empty when none
    std::map<std::string, std::string> properties;  // decoded x-ms-properties
    std::size_t pending_appends = 0;                // appended but not yet flushed
    std::string lease_state;                        // available, leased, expired, broken
    std::string lease_id;                           // of the current or last lease
    bool expires = false;                           // carries a server-side expiry
};

// One append request as it reached the fake's checks (authorized, no fault before it), so a
// test can see which transactional checksum the sink sent.
struct DfsAppend {
    std::uint64_t position = 0;
    std::size_t size = 0;
    std::string content_md5;    // the Content-MD5 header, empty when absent
    std::string content_crc64;  // the x-ms-content-crc64 header, empty when absent
    int status = 0;             // the fake's answer to it
};

// The ids of one request: the x-ms-request-id the fake answered with, and what the client sent
// for Azure support to trace it.
struct DfsTrace {
    std::string request_id;
    std::string client_request_id;  // x-ms-client-request-id, empty when absent
    std::string user_agent;
};

class FakeDfs {
public:
    explicit FakeDfs(std::string account = "devstoreaccount1");
    ~FakeDfs();
    FakeDfs(const FakeDfs&) = delete;
    FakeDfs& operator=(const FakeDfs&) = delete;

    const std::string& account() const { return account_; }
    std::string base_url() const;  // http://127.0.0.1:PORT
    // The path-style URL of a file (each segment percent-encoded).
    std::string url(const std::string& filesystem, const std::string& path) const;

    // Which credential requests must carry. Shared Key: the account key (base64);
    // SAS: the exact sig value (decoded); bearer: any JWT whose aud is the storage audience.
    void require_auth(DfsAuthMode mode, std::string secret = {});

    // false: keep only each file's length and a running MD5 of the data, so multi-GiB uploads
    // do not need the memory (out-of-order appends are held until they become contiguous).
    void keep_content(bool keep);

    void create_filesystem(const std::string& filesystem);
    void put_file(const std::string& filesystem, const std::string& path, const std::string& content);
    std::optional<DfsFile> file(const std::string& filesystem, const std::string& path) const;
    std::vector<std::string> paths(const std::string& filesystem) const;
    // Paths that look like the sinks' temporary files (".NAME.pigment-tmp-...").
    std::vector<std::string> temp_paths(const std::string& filesystem) const;

    // true (the default): an ADLS Gen2 account; false: a flat namespace, refusing Set Blob Expiry.
    void hierarchical_namespace(bool enabled);
    // Gives a file an expiry as another client would (RelativeToNow).
    void expire_file(const std::string& filesystem, const std::string& path, std::chrono::seconds after);

    // Moves the clock leases and expiries run by (never backwards).
    void advance_clock(std::chrono::seconds by);
    // The most entries one Path List page returns (the service's own cap is 5000).
    void list_page_size(std::size_t entries);
    // Takes a lease on an existing file as another client would; duration -1 is infinite.
    void lease_file(const std::string& filesystem, const std::string& path, const std::string& lease_id,
                    std::chrono::seconds duration);
    // Breaks that lease at once, as an operator's "break lease" does.
    void break_lease(const std::string& filesystem, const std::string& path);
    // The Path Lease actions received, in order ("acquire", "renew", "release", ...).
    std::vector<std::string> lease_actions() const;

    void inject(DfsFault fault);
    int calls(DfsOp op) const;
    int total_calls() const;                 // every authorized request, whatever its operation
    std::vector<DfsAppend> appends() const;  // in arrival order
    // x-ms-version values seen, and how many requests failed authorization.
    std::vector<std::string> versions_seen() const;
    int auth_failures() const;
    std::vector<DfsTrace> traces() const;  // every request, in arrival order

private:
    struct Impl;
    std::string account_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace testing
