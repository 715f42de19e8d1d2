#include "pigment_export/http/response_framing.hpp"

#include <charconv>

namespace pe::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls f on each comma-separated element of every header named `name`.
template <typename F>
void for_each_element(const Headers& headers, std::string_view name, F f) {
    for (const auto& h : headers) {
        if (!header_name_equals(h.name, name)) continue;
        std::string_view rest = h.value;
        for (;;) {
            auto comma = rest.find(',');
            f(trim(rest.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
}

}  // namespace

Framing classify_framing(const Response& head) {
    std::optional<std::uint64_t> length;
    bool invalid = false, conflicting = false;
    for_each_element(head.headers, "Content-Length", [&](std::string_view v) {
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
            invalid = true;
        } else if (length && *length != n) {
            conflicting = true;
        } else {
            length = n;
        }
    });
    int codings = 0;
    bool chunked_only = true;
    for_each_element(head.headers, "Transfer-Encoding", [&](std::string_view v) {
        ++codings;
        chunked_only = chunked_only && header_name_equals(v, "chunked");
    });
    if (invalid) return {BodyEnd::invalid_length, std::nullopt};
    if (conflicting || (codings > 0 && length)) return {BodyEnd::conflicting_length, std::nullopt};
    if (codings > 0)
        return {chunked_only && codings == 1 ? BodyEnd::chunked : BodyEnd::unsupported_transfer_coding, std::nullopt};
    if (head.http_version >= 20) return {BodyEnd::stream_end, std::nullopt};
    if (length) return {BodyEnd::content_length, length};
    return {BodyEnd::connection_close, std::nullopt};
}

bool end_is_provable(BodyEnd end) {
    return end == BodyEnd::content_length || end == BodyEnd::chunked || end == BodyEnd::stream_end;
}

bool is_identity_encoded(const Headers& headers) {
    bool identity = true;
    for_each_element(headers, "Content-Encoding",
                     [&](std::string_view v) { identity = identity && header_name_equals(v, "identity"); });
    return identity;
}

}  // namespace pe::http
