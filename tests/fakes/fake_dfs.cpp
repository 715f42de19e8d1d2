#include "fakes/fake_dfs.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <regex>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "fakes/fake_service_support.hpp"
#include "fakes/process_runner.hpp"
#include "pigment_export/core/base64.hpp"
#include "pigment_export/core/crc64.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/core/utc_time.hpp"

namespace testing {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string url_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto end = s.find(sep, start);
        out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

// The x-ms-content-crc64 bytes, or nullopt where the service answers InvalidHeaderValue: not
// base64, or fewer than 8 bytes. (Azurite's sources note, from the live service, that a longer
// value passes this check and then fails the comparison.)
std::optional<std::string> crc64_header_bytes(const std::string& value) {
    std::string bytes;
    try {
        bytes = pe::base64_decode(value);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    if (bytes.size() < 8) return std::nullopt;
    return bytes;
}

// The CRC's 8 bytes, least significant first, read and written here rather than by the
// product's encoder, so a byte-order slip on either side shows.
bool crc64_bytes_match(const std::string& bytes, std::uint64_t crc) {
    if (bytes.size() != 8) return false;
    for (std::size_t i = 0; i < 8; ++i) {
        if (static_cast<unsigned char>(bytes[i]) != ((crc >> (8 * i)) & 0xff)) return false;
    }
    return true;
}

std::string crc64_header_value(std::uint64_t crc) {
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
    return pe::base64_encode(bytes);
}

// cpp-httplib 0.11 percent-decodes header values on arrival; the client signed the rename
// source as sent, i.e. with each path segment percent-encoded.
std::string reencode_rename_source(const std::string& decoded) {
    auto q = decoded.find('?');
    std::string out;
    auto segments = split(decoded.substr(0, q), '/');
    for (std::size_t i = 0; i < segments.size(); ++i) out += (i ? "/" : "") + pe::percent_encode(segments[i]);
    return q == std::string::npos ? out : out + decoded.substr(q);
}

// The fake's own reading of the Shared Key rules (kept separate from the product's signer, so
// a shared misreading cannot pass unnoticed).
std::string expected_string_to_sign(const httplib::Request& req, const std::string& account) {
    auto header = [&](const char* name) { return req.get_header_value(name); };
    std::string length = header("Content-Length");
    if (length == "0") length.clear();
    std::string out = req.method + "\n" + header("Content-Encoding") + "\n" + header("Content-Language") + "\n" +
                      length + "\n" + header("Content-MD5") + "\n" + header("Content-Type") + "\n" + header("Date") +
                      "\n" + header("If-Modified-Since") + "\n" + header("If-Match") + "\n" + header("If-None-Match") +
                      "\n" + header("If-Unmodified-Since") + "\n" + header("Range") + "\n";
    std::map<std::string, std::string> ms;
    for (const auto& [name, value] : req.headers) {
        std::string n = lower(name);
        if (n.rfind("x-ms-", 0) == 0) ms[n] = n == "x-ms-rename-source" ? reencode_rename_source(value) : value;
    }
    for (const auto& [name, value] : ms) out += name + ":" + value + "\n";
    auto q = req.target.find('?');
    out += "/" + account + req.target.substr(0, q);
    std::map<std::string, std::vector<std::string>> params;
    if (q != std::string::npos) {
        for (const auto& pair : split(req.target.substr(q + 1), '&')) {
            auto eq = pair.find('=');
            params[lower(url_decode(pair.substr(0, eq)))].push_back(
                eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1)));
        }
    }
    for (auto& [name, values] : params) {
        std::sort(values.begin(), values.end());
        out += "\n" + name + ":";
        for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
    }
    return out;
}

struct Md5Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

using Clock = std::chrono::steady_clock;

struct Lease {
    std::string id;  // empty: never leased, or released
    Clock::time_point until;
    int duration = 0;  // seconds; -1 infinite
    bool broken = false;
};

struct StoredFile {
    std::string content;                                            // only when the fake keeps content
    std::uint64_t length = 0;                                       // flushed length
    std::string data_md5 = md5_base64("");                          // of the flushed bytes
    std::shared_ptr<EVP_MD_CTX> hash{EVP_MD_CTX_new(), Md5Free{}};  // over the contiguous bytes received
    std::uint64_t hashed = 0;
    std::map<std::uint64_t, std::string> pending;  // position → appended bytes, not yet flushed or hashed
    std::string etag;
    std::string content_type;
    std::string content_md5;
    std::string properties;  // raw x-ms-properties
    Lease lease;
    std::optional<Clock::time_point> expires_at;
    std::chrono::system_clock::time_point last_modified;  // on the fake's clock
};

struct Reply {
    int status = 200;
    std::string code;
    std::string message;
    std::vector<std::pair<std::string, std::string>> headers;
};

std::string lease_state(const Lease& lease, Clock::time_point now) {
    if (lease.id.empty()) return "available";
    if (lease.broken) return "broken";
    return lease.duration < 0 || now < lease.until ? "leased" : "expired";
}

// What a write (or delete, or rename source) must show when the path may be leased.
std::optional<Reply> check_lease(const Lease& lease, Clock::time_point now, const std::string& given) {
    bool active = lease_state(lease, now) == "leased";
    if (active && given.empty()) {
        return Reply{412,
                     "LeaseIdMissing",
                     "There is currently a lease on the resource and no lease ID was specified in the request.",
                     {}};
    }
    if (active && given != lease.id) {
        return Reply{412, "LeaseIdMismatch", "The lease ID specified did not match the lease ID for the resource.", {}};
    }
    if (!active && !given.empty()) {
        if (given == lease.id && !lease.broken) {
            return Reply{412, "LeaseLost", "A lease ID was specified, but the lease for the resource has expired.", {}};
        }
        return Reply{412, "LeaseNotPresent", "There is currently no lease on the resource.", {}};
    }
    return std::nullopt;
}

// The service's pattern for lease ids: a GUID, optionally braced, dashes optional.
bool is_lease_id(const std::string& value) {
    static const std::regex guid(R"(^[{(]?[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}[)}]?$)");
    return std::regex_match(value, guid);
}

std::optional<int> lease_duration(const std::string& value) {
    int seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
    if (seconds == -1 || (seconds >= 15 && seconds <= 60)) return seconds;
    return std::nullopt;
}

// The lease a request proposes, checked as the service checks it in both places that take one
// (Path Lease acquire, and a create with x-ms-proposed-lease-id): a duration of -1 or 15-60 s
// and a GUID id. `generated_id` stands in when the request proposes no id (an acquire may
// leave it to the service; a create may not). A refusal, or nullopt with `out` set.
std::optional<Reply> proposed_lease(const httplib::Request& req, Clock::time_point now, const std::string& generated_id,
                                    Lease& out) {
    auto duration = lease_duration(req.get_header_value("x-ms-lease-duration"));
    if (!duration) return Reply{400, "InvalidHeaderValue", "x-ms-lease-duration must be -1 or 15 to 60.", {}};
    std::string id =
        req.has_header("x-ms-proposed-lease-id") ? req.get_header_value("x-ms-proposed-lease-id") : generated_id;
    if (!is_lease_id(id)) return Reply{400, "InvalidHeaderValue", "x-ms-proposed-lease-id is not a GUID.", {}};
    out = Lease{id, now + std::chrono::seconds(*duration), *duration, false};
    return std::nullopt;
}

}  // namespace

struct FakeDfs::Impl {
    std::string account;
    mutable std::mutex mutex;
    std::map<std::string, std::map<std::string, StoredFile>> filesystems;  // fs → path → file
    DfsAuthMode auth_mode = DfsAuthMode::shared_key;
    std::string auth_secret =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    std::vector<DfsFault> faults;
    std::map<DfsOp, int> counts;
    std::vector<std::string> versions;
    std::vector<DfsAppend> appends;
    int auth_failures = 0;
    bool keep_content = true;
    Clock::duration clock_offset{0};
    std::size_t page_size = 5000;
    std::vector<std::string> lease_actions;
    std::vector<DfsTrace> traces;
    std::string listing;  // the JSON body of the last Path List reply
    bool hierarchical_namespace = true;
    std::uint64_t etag_counter = 0x8DC0000;

    // Last among the data, so it is destroyed first: its threads stop before the state they use goes.
    LoopbackServer server;

    Clock::time_point now() const { return Clock::now() + clock_offset; }
    // The wall time the fake's Date and Last-Modified values show, moved with its clock.
    std::chrono::system_clock::time_point wall_now() const {
        return std::chrono::system_clock::now() +
               std::chrono::duration_cast<std::chrono::system_clock::duration>(clock_offset);
    }

    static StoredFile new_file() {
        StoredFile f;
        EVP_DigestInit_ex(f.hash.get(), EVP_md5(), nullptr);
        return f;
    }

    // Without kept content, feed the hash as soon as appended data becomes contiguous.
    void drain(StoredFile& f) const {
        if (keep_content) return;
        for (auto it = f.pending.begin(); it != f.pending.end() && it->first == f.hashed; it = f.pending.erase(it)) {
            EVP_DigestUpdate(f.hash.get(), it->second.data(), it->second.size());
            f.hashed += it->second.size();
        }
    }

    std::string new_etag() { return "\"0x" + std::to_string(++etag_counter) + "\""; }
    // Every change of a path: a new ETag and Last-Modified.
    void changed(StoredFile& f) {
        f.etag = new_etag();
        f.last_modified = wall_now();
    }

    static void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
        res.status = status;
        res.set_header("x-ms-error-code", code);
        nlohmann::json body = {{"error", {{"code", code}, {"message", message + "\nRequestId:fake\nTime:now"}}}};
        res.set_content(body.dump(), "application/json;charset=utf-8");
    }

    // Returns an error reply when the request is not authorized.
    std::optional<Reply> check_auth(const httplib::Request& req) {
        std::string authorization = req.get_header_value("Authorization");
        switch (auth_mode) {
            case DfsAuthMode::shared_key: {
                std::string prefix = "SharedKey " + account + ":";
                if (authorization.rfind(prefix, 0) != 0 || !req.has_header("x-ms-date")) {
                    return Reply{403, "AuthenticationFailed", "Shared Key authorization missing or malformed", {}};
                }
                std::string expected =
                    hmac_sha256_base64(pe::base64_decode(auth_secret), expected_string_to_sign(req, account));
                if (authorization.substr(prefix.size()) != expected) {
                    return Reply{
                        403,
                        "AuthenticationFailed",
                        "The MAC signature found in the HTTP request is not the same as any computed signature.",
                        {}};
                }
                return std::nullopt;
            }
            case DfsAuthMode::sas:
                if (!authorization.empty() || !req.has_param("sig") || req.get_param_value("sig") != auth_secret) {
                    return Reply{403, "AuthenticationFailed", "Signature did not match.", {}};
                }
                return std::nullopt;
            case DfsAuthMode::bearer: {
                if (authorization.rfind("Bearer ", 0) != 0) {
                    return Reply{401, "InvalidAuthenticationInfo", "Bearer token missing", {}};
                }
                auto parts = split(authorization.substr(7), '.');
                if (parts.size() != 3) return Reply{401, "InvalidAuthenticationInfo", "Token is not a JWT", {}};
                auto payload = nlohmann::json::parse(pe::base64url_decode(parts[1]), nullptr, false);
                std::string aud = payload.is_object() && payload.contains("aud") && payload["aud"].is_string()
                                      ? payload["aud"].get<std::string>()
                                      : std::string();
                if (aud != "https://storage.azure.com" && aud != "https://storage.azure.com/") {
                    return Reply{401, "InvalidAuthenticationInfo", "Audience validation failed.", {}};
                }
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    // The fault that applies to this call of `op`, if any (the call is counted here).
    std::optional<DfsFault> take_fault(DfsOp op) {
        int n = ++counts[op];
        for (auto& f : faults) {
            if (f.op != op || n < f.nth) continue;
            if (f.times < 0 || n < f.nth + f.times) return f;
        }
        return std::nullopt;
    }

    void handle(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        traces.push_back(
            {fresh_request_id(), req.get_header_value("x-ms-client-request-id"), req.get_header_value("User-Agent")});
        res.set_header("x-ms-request-id", traces.back().request_id);
        if (req.has_header("x-ms-version")) versions.push_back(req.get_header_value("x-ms-version"));

        // /account/filesystem/path...
        std::string raw_path = req.target.substr(0, req.target.find('?'));
        auto segments = split(raw_path, '/');
        if (segments.size() < 3 || url_decode(segments[1]) != account) {
            return send_error(res, 400, "InvalidUri",
                              "The requested URI does not represent any resource on the server.");
        }
        std::string fs = url_decode(segments[2]);
        std::string path;
        for (std::size_t i = 3; i < segments.size(); ++i) path += (i > 3 ? "/" : "") + url_decode(segments[i]);

        DfsOp op = DfsOp::head;
        std::string action = req.get_param_value("action");
        if (req.method == "PUT" && req.get_param_value("comp") == "expiry") op = DfsOp::set_expiry;
        // The Blob API's Lease Blob (PUT ?comp=lease) works on the same paths: the DataLake SDK's
        // lease client is the Blob one. Same actions, durations and replies as Path Lease.
        else if (req.method == "PUT" && req.get_param_value("comp") == "lease")
            op = DfsOp::lease;
        else if (req.method == "PUT")
            op = req.has_header("x-ms-rename-source") ? DfsOp::rename : DfsOp::create;
        else if (req.method == "PATCH" && action == "append")
            op = DfsOp::append;
        else if (req.method == "PATCH" && action == "flush")
            op = DfsOp::flush;
        else if (req.method == "PATCH" && action == "setProperties")
            op = DfsOp::set_properties;
        else if (req.method == "DELETE")
            op = DfsOp::remove;
        else if (req.method == "POST")
            op = DfsOp::lease;
        else if (req.method == "GET" && req.get_param_value("resource") == "filesystem")
            op = DfsOp::list;
        else if (req.method != "GET" && req.method != "HEAD") {
            return send_error(res, 400, "InvalidQueryParameterValue", "unsupported action '" + action + "'");
        }

        if (!req.has_header("x-ms-version")) {
            return send_error(res, 400, "MissingRequiredHeader",
                              "An HTTP header that's mandatory for this request is not specified.");
        }
        if (auto denied = check_auth(req)) {
            ++auth_failures;
            return send_error(res, denied->status, denied->code, denied->message);
        }

        auto fault = take_fault(op);
        if (fault && !fault->apply_first) {
            return deliver_fault(*fault, res);
        }
        Reply reply = apply(op, req, fs, path);
        if (fault && reply.status < 300) {
            return deliver_fault(*fault, res);
        }
        if (reply.status >= 300) {
            if (req.method == "HEAD") {
                res.status = reply.status;
                res.set_header("x-ms-error-code", reply.code);
                return;
            }
            return send_error(res, reply.status, reply.code, reply.message);
        }
        res.status = reply.status;
        for (const auto& [name, value] : reply.headers) res.set_header(name, value);
        if (op == DfsOp::list) {
            res.set_content(listing, "application/json;charset=utf-8");
        } else if ((req.method == "GET" || req.method == "HEAD") && reply.status == 200) {
            const auto& stored = filesystems[fs][path];
            std::string type = stored.content_type.empty() ? "application/octet-stream" : stored.content_type;
            if (keep_content) {
                res.set_content(stored.content, type);
            } else {
                // HEAD only: the length is announced, no body is sent.
                res.set_content_provider(stored.length, type,
                                         [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
            }
        }
    }

    static void deliver_fault(const DfsFault& fault, httplib::Response& res) {
        if (fault.reset_connection) {
            // Promise a body, then close: the client sees the connection die mid-reply.
            res.status = 200;
            res.set_content_provider(64, "text/plain",
                                     [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
            return;
        }
        send_error(res, fault.status, fault.code, "injected fault");
    }

    static std::optional<Reply> check_conditions(const httplib::Request& req, const StoredFile* existing) {
        std::string if_none_match = req.get_header_value("If-None-Match");
        std::string if_match = req.get_header_value("If-Match");
        if (if_none_match == "*" && existing != nullptr) {
            return Reply{409, "PathAlreadyExists", "The specified path already exists.", {}};
        }
        if (!if_match.empty() && (existing == nullptr || (if_match != "*" && if_match != existing->etag))) {
            return Reply{
                412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met.", {}};
        }
        return std::nullopt;
    }

    Reply append(const httplib::Request& req, StoredFile* existing) {
        if (existing == nullptr) return {404, "PathNotFound", "The specified path does not exist.", {}};
        if (auto refused = check_lease(existing->lease, now(), req.get_header_value("x-ms-lease-id"))) return *refused;
        if (!req.has_param("position")) {
            return {400, "MissingRequiredQueryParameter", "position is required", {}};
        }
        std::uint64_t position = std::stoull(req.get_param_value("position"));
        if (req.body.empty()) return {400, "InvalidHeaderValue", "An append needs a body.", {}};
        if (position < existing->length) {
            return {400, "InvalidFlushPosition", "The position is before the flushed length.", {}};
        }
        bool has_md5 = req.has_header("Content-MD5");
        bool has_crc64 = req.has_header("x-ms-content-crc64");
        if (has_md5 && has_crc64) {
            return {400, "InvalidHeaderValue", "Content-MD5 and x-ms-content-crc64 cannot both be specified.", {}};
        }
        if (has_md5 && req.get_header_value("Content-MD5") != md5_base64(req.body)) {
            return {400, "Md5Mismatch", "The MD5 value specified in the request did not match the computed value.", {}};
        }
        std::uint64_t crc = 0;
        if (has_crc64) {
            auto sent = crc64_header_bytes(req.get_header_value("x-ms-content-crc64"));
            if (!sent) {
                return {400,
                        "InvalidHeaderValue",
                        "The value for one of the HTTP headers is not in the correct format.",
                        {}};
            }
            crc = pe::crc64(req.body.data(), req.body.size());
            if (!crc64_bytes_match(*sent, crc)) {
                return {400,
                        "Crc64Mismatch",
                        "The CRC64 value specified in the request did not match the computed value.",
                        {}};
            }
        }
        if (keep_content || position >= existing->hashed) {
            existing->pending[position] = req.body;  // a retried append replaces its own data
            drain(*existing);
        }
        if (!has_crc64) return {202, {}, {}, {{"Content-MD5", md5_base64(req.body)}}};
        return {202, {}, {}, {{"x-ms-content-crc64", crc64_header_value(crc)}}};
    }

    // Set Blob Expiry's rules: files only, a known option, a time in ms for RelativeToNow and
    // none for NeverExpire, the lease id when the file is leased.
    Reply set_expiry(const httplib::Request& req, StoredFile* existing) {
        if (!hierarchical_namespace) {
            return {400,
                    "HierarchicalNamespaceNotEnabled",
                    "This operation is only supported on a hierarchical namespace account.",
                    {}};
        }
        if (existing == nullptr) return {404, "BlobNotFound", "The specified blob does not exist.", {}};
        if (auto refused = check_lease(existing->lease, now(), req.get_header_value("x-ms-lease-id"))) return *refused;
        std::string option = req.get_header_value("x-ms-expiry-option");
        std::string time = req.get_header_value("x-ms-expiry-time");
        const Reply invalid{
            400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.", {}};
        if (option == "NeverExpire") {
            if (req.has_header("x-ms-expiry-time")) return invalid;
            existing->expires_at.reset();
        } else if (option == "RelativeToNow") {
            if (time.empty() || time.size() > 18 || time.find_first_not_of("0123456789") != std::string::npos)
                return invalid;
            existing->expires_at = now() + std::chrono::milliseconds(std::stoll(time));
        } else {
            return invalid;  // the sinks use no other option; the fake models none
        }
        changed(*existing);
        return {200, {}, {}, {{"ETag", existing->etag}}};
    }

    // The service deletes an expired path by itself; here it is gone at the next request.
    static void drop_expired(std::map<std::string, StoredFile>& files, Clock::time_point at) {
        std::erase_if(files,
                      [&](const auto& entry) { return entry.second.expires_at && *entry.second.expires_at <= at; });
    }

    Reply lease(const httplib::Request& req, StoredFile& file) {
        std::string action = req.get_header_value("x-ms-lease-action");
        lease_actions.push_back(action);
        Lease& lease = file.lease;
        std::string given = req.get_header_value("x-ms-lease-id");
        std::string state = lease_state(lease, now());
        if (action == "acquire") {
            Lease proposed;
            std::string generated = "00000000-0000-4000-8000-" + std::to_string(100000000000 + etag_counter);
            if (auto refused = proposed_lease(req, now(), generated, proposed)) return *refused;
            if (state == "leased" && proposed.id != lease.id) {
                return {409, "LeaseAlreadyPresent", "There is already a lease present.", {}};
            }
            lease = proposed;
            return {201, {}, {}, {{"x-ms-lease-id", lease.id}, {"ETag", file.etag}}};
        }
        if (action != "renew" && action != "release" && action != "break") {
            return {400, "InvalidHeaderValue", "unknown x-ms-lease-action '" + action + "'", {}};
        }
        if (lease.id.empty()) {
            return {409, "LeaseNotPresentWithLeaseOperation", "There is currently no lease on the resource.", {}};
        }
        if (action == "break") {
            lease.broken = true;
            return {202, {}, {}, {{"x-ms-lease-time", "0"}, {"ETag", file.etag}}};
        }
        if (given != lease.id) {
            return {409,
                    "LeaseIdMismatchWithLeaseOperation",
                    "The lease ID specified did not match the lease ID for the resource with the specified lease "
                    "operation.",
                    {}};
        }
        if (action == "release") {
            lease = Lease{};
            return {200, {}, {}, {{"ETag", file.etag}}};
        }
        if (lease.broken)
            return {409,
                    "LeaseIsBrokenAndCannotBeRenewed",
                    "The lease ID matched, but the lease has been broken explicitly and cannot be renewed.",
                    {}};
        lease.until = now() + std::chrono::seconds(lease.duration);
        return {200, {}, {}, {{"x-ms-lease-id", lease.id}, {"ETag", file.etag}}};
    }

    // recursive=false only: the sinks never ask for more. Directories are implied by deeper paths.
    Reply list(const httplib::Request& req, const std::map<std::string, StoredFile>& files) {
        if (req.get_param_value("recursive") != "false") {
            return {400, "InvalidQueryParameterValue", "the fake lists with recursive=false only", {}};
        }
        std::string directory = req.get_param_value("directory");
        std::string prefix = directory.empty() ? "" : directory + "/";
        std::map<std::string, const StoredFile*> entries;  // nullptr: a directory
        for (const auto& [name, file] : files) {
            if (name.rfind(prefix, 0) != 0) continue;
            auto slash = name.find('/', prefix.size());
            if (slash == std::string::npos)
                entries[name] = &file;
            else
                entries.emplace(name.substr(0, slash), nullptr);
        }
        if (!directory.empty() && entries.empty())
            return {404, "PathNotFound", "The specified path does not exist.", {}};
        std::size_t limit = page_size;
        if (req.has_param("maxResults"))
            limit = std::min<std::size_t>(limit, std::stoul(req.get_param_value("maxResults")));
        auto at = entries.begin();
        if (req.has_param("continuation"))
            at = entries.lower_bound(pe::base64_decode(req.get_param_value("continuation")));
        nlohmann::json paths = nlohmann::json::array();
        for (; at != entries.end() && paths.size() < limit; ++at) {
            nlohmann::json entry = {{"name", at->first}};
            if (at->second == nullptr)
                entry.update({{"isDirectory", "true"}, {"lastModified", pe::http_date(wall_now())}});
            else
                entry.update({{"etag", at->second->etag},
                              {"contentLength", std::to_string(at->second->length)},
                              {"lastModified", pe::http_date(at->second->last_modified)}});
            paths.push_back(entry);
        }
        listing = nlohmann::json{{"paths", paths}}.dump();
        Reply reply{200, {}, {}, {{"Date", pe::http_date(wall_now())}}};
        if (at != entries.end()) reply.headers.emplace_back("x-ms-continuation", pe::base64_encode(at->first));
        return reply;
    }

    Reply apply(DfsOp op, const httplib::Request& req, const std::string& fs, const std::string& path) {
        auto fs_it = filesystems.find(fs);
        if (fs_it == filesystems.end()) {
            return {404, "FilesystemNotFound", "The specified filesystem does not exist.", {}};
        }
        auto& files = fs_it->second;
        drop_expired(files, now());
        auto it = files.find(path);
        StoredFile* existing = it == files.end() ? nullptr : &it->second;

        switch (op) {
            case DfsOp::create: {
                if (req.get_param_value("resource") != "file") {
                    return {400, "InvalidQueryParameterValue", "resource must be file", {}};
                }
                if (auto failed = check_conditions(req, existing)) return *failed;
                StoredFile created = new_file();  // an overwrite truncates at once, as the service does
                // x-ms-version 2021-08-06 and later: the create can take a lease; the two headers go together.
                bool proposes = req.has_header("x-ms-proposed-lease-id");
                if (proposes != req.has_header("x-ms-lease-duration")) {
                    return {400,
                            "MissingRequiredHeader",
                            "x-ms-proposed-lease-id and x-ms-lease-duration go together on a create.",
                            {}};
                }
                if (proposes) {
                    if (auto refused = proposed_lease(req, now(), {}, created.lease)) return *refused;
                    lease_actions.push_back("acquire on create");
                }
                changed(created);
                created.content_type = req.get_header_value("x-ms-content-type");
                created.properties = req.get_header_value("x-ms-properties");
                files[path] = created;
                return {201, {}, {}, {{"ETag", created.etag}}};
            }
            case DfsOp::append: {
                Reply reply = append(req, existing);
                appends.push_back({req.has_param("position") ? std::stoull(req.get_param_value("position")) : 0,
                                   req.body.size(), req.get_header_value("Content-MD5"),
                                   req.get_header_value("x-ms-content-crc64"), reply.status});
                return reply;
            }
            case DfsOp::flush: {
                if (existing == nullptr) return {404, "PathNotFound", "The specified path does not exist.", {}};
                if (!req.body.empty()) return {400, "ContentLengthMustBeZero", "A flush has no body.", {}};
                if (auto failed = check_conditions(req, existing)) return *failed;
                if (auto refused = check_lease(existing->lease, now(), req.get_header_value("x-ms-lease-id")))
                    return *refused;
                std::uint64_t position = std::stoull(req.get_param_value("position"));
                const Reply not_contiguous{400,
                                           "InvalidFlushPosition",
                                           "The uploaded data is not contiguous or the position query parameter value "
                                           "is not equal to the length of the file after appending the uploaded data.",
                                           {}};
                std::string data;
                std::uint64_t cursor = keep_content ? existing->length : existing->hashed;
                for (const auto& [at, bytes] : existing->pending) {
                    if (at >= position) break;
                    if (at != cursor) return not_contiguous;
                    data += bytes;
                    cursor += bytes.size();
                }
                if (cursor != position) return not_contiguous;
                existing->pending.clear();  // retainUncommittedData=false
                existing->length = position;
                if (keep_content) {
                    existing->content += data;
                    existing->data_md5 = md5_base64(existing->content);
                } else {
                    std::unique_ptr<EVP_MD_CTX, Md5Free> copy(EVP_MD_CTX_new());
                    EVP_MD_CTX_copy_ex(copy.get(), existing->hash.get());
                    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
                    unsigned int n = 0;
                    EVP_DigestFinal_ex(copy.get(), digest.data(), &n);
                    existing->data_md5 =
                        pe::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), n));
                }
                changed(*existing);
                if (req.has_header("x-ms-content-md5"))
                    existing->content_md5 = req.get_header_value("x-ms-content-md5");
                if (req.has_header("x-ms-content-type"))
                    existing->content_type = req.get_header_value("x-ms-content-type");
                return {200, {}, {}, {{"ETag", existing->etag}}};
            }
            case DfsOp::set_properties: {
                if (existing == nullptr) return {404, "PathNotFound", "The specified path does not exist.", {}};
                if (auto failed = check_conditions(req, existing)) return *failed;
                if (auto refused = check_lease(existing->lease, now(), req.get_header_value("x-ms-lease-id")))
                    return *refused;
                existing->properties = req.get_header_value("x-ms-properties");
                if (req.has_header("x-ms-content-md5"))
                    existing->content_md5 = req.get_header_value("x-ms-content-md5");
                if (req.has_header("x-ms-content-type"))
                    existing->content_type = req.get_header_value("x-ms-content-type");
                changed(*existing);
                return {200, {}, {}, {{"ETag", existing->etag}}};
            }
            case DfsOp::rename: {
                std::string source = req.get_header_value("x-ms-rename-source");  // already decoded (httplib)
                auto q = source.find('?');
                if (auth_mode == DfsAuthMode::sas &&
                    (q == std::string::npos || source.find("sig=", q) == std::string::npos)) {
                    return {403, "AuthenticationFailed", "The rename source carries no SAS.", {}};
                }
                auto parts = split(source.substr(0, q), '/');
                if (parts.size() < 3 || !parts[0].empty())
                    return {400, "InvalidSourceUri", "bad x-ms-rename-source", {}};
                std::string source_fs = parts[1];
                std::string source_path;
                for (std::size_t i = 2; i < parts.size(); ++i) source_path += (i > 2 ? "/" : "") + parts[i];
                if (source_fs != fs) return {400, "InvalidSourceUri", "rename across filesystems", {}};
                auto src = files.find(source_path);
                if (src == files.end())
                    return {404, "SourcePathNotFound", "The source path for a rename operation does not exist.", {}};
                std::string source_if_match = req.get_header_value("x-ms-source-if-match");
                if (!source_if_match.empty() && source_if_match != src->second.etag) {
                    return {412,
                            "SourceConditionNotMet",
                            "The source condition specified using HTTP conditional header(s) is not met.",
                            {}};
                }
                if (auto refused =
                        check_lease(src->second.lease, now(), req.get_header_value("x-ms-source-lease-id"))) {
                    return *refused;
                }
                if (auto failed = check_conditions(req, existing)) return *failed;
                if (existing != nullptr) {
                    if (auto refused = check_lease(existing->lease, now(), req.get_header_value("x-ms-lease-id")))
                        return *refused;
                }
                StoredFile moved = std::move(src->second);
                // The rename keeps the source's properties unless it carries its own.
                if (req.has_header("x-ms-properties")) moved.properties = req.get_header_value("x-ms-properties");
                files.erase(src);
                files[path] = std::move(moved);
                return {201, {}, {}, {}};
            }
            case DfsOp::remove:
                if (existing == nullptr) return {404, "PathNotFound", "The specified path does not exist.", {}};
                if (auto failed = check_conditions(req, existing)) return *failed;
                if (auto refused = check_lease(existing->lease, now(), req.get_header_value("x-ms-lease-id")))
                    return *refused;
                files.erase(it);
                return {200, {}, {}, {}};
            case DfsOp::lease:
                if (existing == nullptr) return {404, "PathNotFound", "The specified path does not exist.", {}};
                return lease(req, *existing);
            case DfsOp::list:
                return list(req, files);
            case DfsOp::set_expiry:
                return set_expiry(req, existing);
            case DfsOp::head:
                if (existing == nullptr) return {404, "PathNotFound", "The specified path does not exist.", {}};
                {
                    Reply r{200, {}, {}, {{"ETag", existing->etag}, {"x-ms-resource-type", "file"}}};
                    if (!existing->content_md5.empty()) r.headers.emplace_back("Content-MD5", existing->content_md5);
                    if (!existing->properties.empty()) r.headers.emplace_back("x-ms-properties", existing->properties);
                    std::string state = lease_state(existing->lease, now());
                    r.headers.emplace_back("x-ms-lease-state", state);
                    r.headers.emplace_back("x-ms-lease-status", state == "leased" ? "locked" : "unlocked");
                    if (state == "leased") {
                        r.headers.emplace_back("x-ms-lease-duration",
                                               existing->lease.duration < 0 ? "infinite" : "fixed");
                    }
                    if (existing->expires_at) {
                        auto left = std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            *existing->expires_at - now());
                        r.headers.emplace_back("x-ms-expiry-time",
                                               pe::http_date(std::chrono::system_clock::now() + left));
                    }
                    return r;
                }
        }
        return {500, "InternalError", "unreachable", {}};
    }
};

FakeDfs::FakeDfs(std::string account) : account_(std::move(account)), impl_(std::make_unique<Impl>()) {
    impl_->account = account_;
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { impl_->handle(req, res); };
    auto& s = impl_->server.server();
    s.Get(".*", handler);
    s.Put(".*", handler);
    s.Patch(".*", handler);
    s.Delete(".*", handler);
    s.Post(".*", handler);
    impl_->server.start();
}

FakeDfs::~FakeDfs() = default;

std::string FakeDfs::base_url() const {
    return impl_->server.base_url();
}

std::string FakeDfs::url(const std::string& filesystem, const std::string& path) const {
    std::string out = base_url() + "/" + account_ + "/" + filesystem;
    for (const auto& segment : split(path, '/')) out += "/" + pe::percent_encode(segment);
    return out;
}

void FakeDfs::require_auth(DfsAuthMode mode, std::string secret) {
    std::lock_guard lock(impl_->mutex);
    impl_->auth_mode = mode;
    if (!secret.empty()) impl_->auth_secret = std::move(secret);
}

void FakeDfs::keep_content(bool keep) {
    std::lock_guard lock(impl_->mutex);
    impl_->keep_content = keep;
}

void FakeDfs::create_filesystem(const std::string& filesystem) {
    std::lock_guard lock(impl_->mutex);
    impl_->filesystems[filesystem];
}

void FakeDfs::put_file(const std::string& filesystem, const std::string& path, const std::string& content) {
    std::lock_guard lock(impl_->mutex);
    StoredFile f = Impl::new_file();
    f.content = impl_->keep_content ? content : std::string();
    f.length = content.size();
    f.data_md5 = md5_base64(content);
    impl_->changed(f);
    f.content_type = "text/csv";
    f.content_md5 = md5_base64(content);
    impl_->filesystems[filesystem][path] = f;
}

std::optional<DfsFile> FakeDfs::file(const std::string& filesystem, const std::string& path) const {
    std::lock_guard lock(impl_->mutex);
    auto fs = impl_->filesystems.find(filesystem);
    if (fs == impl_->filesystems.end()) return std::nullopt;
    auto it = fs->second.find(path);
    if (it == fs->second.end()) return std::nullopt;
    DfsFile out;
    out.content = it->second.content;
    out.size = it->second.length;
    out.data_md5 = it->second.data_md5;
    out.etag = it->second.etag;
    out.content_type = it->second.content_type;
    out.content_md5 = it->second.content_md5;
    out.pending_appends = it->second.pending.size();
    out.lease_state = lease_state(it->second.lease, impl_->now());
    out.lease_id = it->second.lease.id;
    out.expires = it->second.expires_at.has_value();
    if (!it->second.properties.empty()) {
        for (const auto& pair : split(it->second.properties, ',')) {
            auto eq = pair.find('=');
            out.properties[pair.substr(0, eq)] = eq == std::string::npos ? "" : pe::base64_decode(pair.substr(eq + 1));
        }
    }
    return out;
}

std::vector<std::string> FakeDfs::paths(const std::string& filesystem) const {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::string> out;
    auto fs = impl_->filesystems.find(filesystem);
    if (fs != impl_->filesystems.end()) {
        for (const auto& [path, file] : fs->second) out.push_back(path);
    }
    return out;
}

std::vector<std::string> FakeDfs::temp_paths(const std::string& filesystem) const {
    std::vector<std::string> out;
    for (const auto& p : paths(filesystem)) {
        if (p.find(".pigment-tmp-") != std::string::npos) out.push_back(p);
    }
    return out;
}

void FakeDfs::advance_clock(std::chrono::seconds by) {
    std::lock_guard lock(impl_->mutex);
    impl_->clock_offset += std::max(by, std::chrono::seconds(0));
    for (auto& [name, files] : impl_->filesystems) Impl::drop_expired(files, impl_->now());
}

void FakeDfs::hierarchical_namespace(bool enabled) {
    std::lock_guard lock(impl_->mutex);
    impl_->hierarchical_namespace = enabled;
}

void FakeDfs::expire_file(const std::string& filesystem, const std::string& path, std::chrono::seconds after) {
    std::lock_guard lock(impl_->mutex);
    impl_->filesystems.at(filesystem).at(path).expires_at = impl_->now() + after;
}

void FakeDfs::list_page_size(std::size_t entries) {
    std::lock_guard lock(impl_->mutex);
    impl_->page_size = std::max<std::size_t>(entries, 1);
}

void FakeDfs::lease_file(const std::string& filesystem, const std::string& path, const std::string& lease_id,
                         std::chrono::seconds duration) {
    std::lock_guard lock(impl_->mutex);
    auto& file = impl_->filesystems.at(filesystem).at(path);
    file.lease = Lease{lease_id, impl_->now() + std::max(duration, std::chrono::seconds(0)),
                       static_cast<int>(duration.count()), false};
}

void FakeDfs::break_lease(const std::string& filesystem, const std::string& path) {
    std::lock_guard lock(impl_->mutex);
    impl_->filesystems.at(filesystem).at(path).lease.broken = true;
}

std::vector<std::string> FakeDfs::lease_actions() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->lease_actions;
}

void FakeDfs::inject(DfsFault fault) {
    std::lock_guard lock(impl_->mutex);
    impl_->faults.push_back(std::move(fault));
}

int FakeDfs::calls(DfsOp op) const {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->counts.find(op);
    return it == impl_->counts.end() ? 0 : it->second;
}

int FakeDfs::total_calls() const {
    std::lock_guard lock(impl_->mutex);
    int total = 0;
    for (const auto& [op, n] : impl_->counts) total += n;
    return total;
}

std::vector<DfsAppend> FakeDfs::appends() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->appends;
}

std::vector<std::string> FakeDfs::versions_seen() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->versions;
}

std::vector<DfsTrace> FakeDfs::traces() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->traces;
}

int FakeDfs::auth_failures() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->auth_failures;
}

}  // namespace testing
