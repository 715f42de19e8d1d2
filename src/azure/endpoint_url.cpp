#include "pigment_export/azure/endpoint_url.hpp"

#include "pigment_export/core/loopback.hpp"
#include "pigment_export/core/text.hpp"

namespace pe::azure {

std::optional<EndpointUrl> parse_endpoint_url(std::string_view url) {
    auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) {
        return std::nullopt;
    }
    EndpointUrl out;
    out.scheme = ascii_lower(url.substr(0, sep));
    std::string_view rest = url.substr(sep + 3);
    auto end = rest.find_first_of("/?#");
    out.host = std::string(rest.substr(0, end));
    if (out.host.empty() || out.host.find('@') != std::string::npos) {
        return std::nullopt;
    }
    if (end != std::string_view::npos && rest[end] == '/') {
        std::string_view path = rest.substr(end);
        out.path = std::string(path.substr(0, path.find_first_of("?#")));
    }
    std::string_view hostname = out.host;
    if (hostname.front() == '[') {
        auto close = hostname.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        hostname = hostname.substr(1, close - 1);
    } else {
        hostname = hostname.substr(0, hostname.find(':'));
    }
    out.hostname = ascii_lower(hostname);
    return out;
}

bool is_tls_or_loopback(const EndpointUrl& url) {
    return url.scheme == "https" || (url.scheme == "http" && pe::is_loopback_host(url.hostname));
}

}  // namespace pe::azure
