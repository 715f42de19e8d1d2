#include "pigment_export/http/redact.hpp"

#include <algorithm>
#include <array>

namespace pe::http {

namespace {

// Query parameters whose values carry no secret and help when reading a trace.
constexpr std::array<std::string_view, 12> kSafeQuery = {"api-version", "resource",  "action",         "position",
                                                         "close",       "comp",      "blockid",        "restype",
                                                         "mode",        "client_id", "fieldDelimiter", "dateFormat"};

// Headers whose values carry no secret. Everything else (Authorization, x-ms-*-key,
// X-IDENTITY-HEADER, secret-bearing cookies, custom headers) is shown as REDACTED.
constexpr std::array<std::string_view, 32> kSafeHeaders = {"Accept",
                                                           "Content-Type",
                                                           "Content-Length",
                                                           "Content-MD5",
                                                           "Content-Encoding",
                                                           "Date",
                                                           "ETag",
                                                           "Last-Modified",
                                                           "If-Match",
                                                           "If-None-Match",
                                                           "Retry-After",
                                                           "Transfer-Encoding",
                                                           "Connection",
                                                           "Server",
                                                           "Metadata",
                                                           "User-Agent",
                                                           "x-ms-version",
                                                           "x-ms-date",
                                                           "x-ms-request-id",
                                                           "x-ms-client-request-id",
                                                           "x-ms-error-code",
                                                           "x-ms-content-md5",
                                                           "x-ms-content-crc64",
                                                           "x-ms-content-type",
                                                           "x-ms-blob-content-md5",
                                                           "x-ms-blob-content-type",
                                                           "x-ms-blob-type",
                                                           "x-ms-resource-type",
                                                           "x-ms-retry-after-ms",
                                                           "x-ms-rename-source-safe",
                                                           "x-ms-properties",
                                                           "WWW-Authenticate-Safe"};

}  // namespace

bool is_safe_header(std::string_view name) {
    return std::any_of(kSafeHeaders.begin(), kSafeHeaders.end(),
                       [&](std::string_view safe) { return header_name_equals(safe, name); }) ||
           (name.size() > 10 && header_name_equals(name.substr(0, 10), "x-ms-meta-"));
}

std::string redact_header_value(std::string_view name, std::string_view value) {
    return is_safe_header(name) ? std::string(value) : std::string("REDACTED");
}

std::string redact_url(std::string_view url) {
    auto q = url.find('?');
    if (q == std::string_view::npos) {
        return std::string(url);
    }
    std::string out(url.substr(0, q + 1));
    std::string_view query = url.substr(q + 1);
    bool first = true;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        if (!first) out.push_back('&');
        first = false;
        out.append(key);
        if (eq != std::string_view::npos) {
            bool safe = std::find(kSafeQuery.begin(), kSafeQuery.end(), key) != kSafeQuery.end();
            out.push_back('=');
            out.append(safe ? pair.substr(eq + 1) : std::string_view("REDACTED"));
        }
    }
    return out;
}

std::string strip_query(std::string_view url) {
    return std::string(url.substr(0, url.find('?')));
}

}  // namespace pe::http
