#include "pigment_export/storage/dfs_expiry.hpp"

namespace pe::storage {

http::Request expiry_request(std::string url, ExpiryMode mode, std::string_view lease_id) {
    http::Request r;
    r.method = "PUT";
    r.url = std::move(url) + "?comp=expiry";
    if (mode == ExpiryMode::never) {
        r.headers.push_back({"x-ms-expiry-option", "NeverExpire"});
    } else {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(kTemporaryExpiry).count();
        r.headers.push_back({"x-ms-expiry-option", "RelativeToNow"});
        r.headers.push_back({"x-ms-expiry-time", std::to_string(ms)});
    }
    if (!lease_id.empty()) r.headers.push_back({"x-ms-lease-id", std::string(lease_id)});
    return r;
}

ExpiryReply classify_expiry_reply(int status, std::string_view error_code) {
    if (status == 200) return ExpiryReply::applied;
    if (status == 400 && error_code == "HierarchicalNamespaceNotEnabled") return ExpiryReply::no_hierarchical_namespace;
    return ExpiryReply::failed;
}

bool announces_expiry(const http::Headers& headers) {
    auto value = http::find_header(headers, "x-ms-expiry-time");
    return value && !value->empty();
}

}  // namespace pe::storage
