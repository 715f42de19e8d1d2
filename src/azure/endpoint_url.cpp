#include "pigment_export/azure/endpoint_url.hpp"

#include "pigment_export/core/loopback.hpp"
#include "pigment_export/core/text.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::azure {

std::optional<EndpointUrl> parse_endpoint_url(std::string_view url) {
    auto parts = split_url(url);
    if (!parts || parts->authority.empty() || parts->authority.find('@') != std::string_view::npos) {
        return std::nullopt;
    }
    auto hostname = hostname_of(parts->authority);
    if (!hostname) return std::nullopt;
    return EndpointUrl{ascii_lower(parts->scheme), std::string(parts->authority), *hostname, std::string(parts->path)};
}

bool is_tls_or_loopback(const EndpointUrl& url) {
    return url.scheme == "https" || (url.scheme == "http" && pe::is_loopback_host(url.hostname));
}

}  // namespace pe::azure
