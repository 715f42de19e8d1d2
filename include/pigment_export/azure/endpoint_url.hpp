#pragma once
// The parts of an endpoint URL the credentials need to check and to name in errors.
#include <optional>
#include <string>
#include <string_view>

namespace pe::azure {

struct EndpointUrl {
    std::string scheme;    // lower-case
    std::string host;      // host[:port], as given
    std::string hostname;  // lower-case, without port or IPv6 brackets
    std::string path;      // from the first '/', without query; may be empty
};

std::optional<EndpointUrl> parse_endpoint_url(std::string_view url);

// Credentials and secrets travel only over TLS; plain http is allowed to loopback so the
// in-process fakes can stand in for the services.
bool is_tls_or_loopback(const EndpointUrl& url);

}  // namespace pe::azure
