#include "pigment_export/core/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace pe {

namespace {

bool is_port(std::string_view text) {
    return !text.empty() && text.size() <= 5 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_ipv6_loopback(std::string_view literal) {
    in6_addr address{};
    std::string copy(literal);
    return inet_pton(AF_INET6, copy.c_str(), &address) == 1 &&
           std::memcmp(&address, &in6addr_loopback, sizeof address) == 0;
}

bool is_ipv4_loopback(std::string_view literal) {
    // inet_pton(AF_INET) takes only four decimal octets, so "127.1" or "0x7f.0.0.1" are not literals here.
    in_addr address{};
    std::string copy(literal);
    return inet_pton(AF_INET, copy.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

bool is_localhost_label(std::string_view name) {
    return name.size() == 9 && std::equal(name.begin(), name.end(), "localhost", [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
}

// "localhost", or a name under it ("kv1.vault.localhost"): RFC 6761 reserves the domain for
// loopback, and libcurl answers such names with 127.0.0.1/::1 itself, never asking a resolver.
bool is_localhost(std::string_view name) {
    if (name.size() < 9 || !is_localhost_label(name.substr(name.size() - 9))) return false;
    std::string_view below = name.substr(0, name.size() - 9);
    if (below.empty()) return true;
    if (below.back() != '.') return false;
    below.remove_suffix(1);
    std::size_t start = 0;
    while (start <= below.size()) {
        std::size_t dot = std::min(below.find('.', start), below.size());
        std::string_view label = below.substr(start, dot - start);
        if (label.empty() || !std::all_of(label.begin(), label.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
            })) {
            return false;
        }
        start = dot + 1;
    }
    return true;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || !is_port(rest.substr(1)))) return false;
        return is_ipv6_loopback(host.substr(1, close - 1));
    }
    if (std::count(host.begin(), host.end(), ':') > 1) return is_ipv6_loopback(host);
    std::string_view name = host;
    if (auto colon = host.find(':'); colon != std::string_view::npos) {
        if (!is_port(host.substr(colon + 1))) return false;
        name = host.substr(0, colon);
    }
    return is_localhost(name) || is_ipv4_loopback(name);
}

}  // namespace pe
