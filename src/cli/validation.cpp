#include "pigment_export/cli/validation.hpp"

#include <cctype>
#include <stdexcept>

#include "pigment_export/cli/destination_parser.hpp"
#include "pigment_export/cli/shown_value.hpp"
#include "pigment_export/core/loopback.hpp"
#include "pigment_export/core/url.hpp"

namespace pe::cli {

namespace {

[[noreturn]] void fail(const std::string& message) {
    throw std::invalid_argument(message);
}

}  // namespace

void check_block_id(std::string_view id) {
    if (id.empty() || id.size() > 128) fail("--block-id must be 1-128 characters (a Pigment UUID)");
    for (char c : id) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
            fail("--block-id '" + shown_value(id) +
                 "' is not a Pigment id: use letters, digits, '-' and '_' only (a UUID)");
        }
    }
}

std::string check_service_url(std::string_view option, std::string_view url) {
    std::string name(option);
    for (char c : url) {
        if (std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            fail(name + " contains whitespace or a control character");
        }
    }
    auto parts = split_url(url);
    bool https = parts && parts->scheme == "https";
    if (!https && !(parts && parts->scheme == "http"))
        fail(name + " '" + shown_value(url) + "' must start with https://");
    if (parts->has_query || parts->has_fragment) fail(name + " must not carry a query or fragment");
    std::string_view host = parts->authority;
    if (host.empty()) fail(name + " has no host");
    if (host.find('@') != std::string_view::npos) fail(name + " must not contain credentials");
    if (!https && !is_loopback_host(host))
        fail(name + " must use https:// (http:// is accepted for loopback test servers only)");
    return without_trailing_slashes(url);
}

void check_secret_name(std::string_view name) {
    bool ok = !name.empty() && name.size() <= 127;
    for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-');
    if (!ok) fail("--secret-name '" + shown_value(name) + "' must be 1-127 letters, digits and hyphens");
}

void check_secret_version(std::string_view version) {
    bool ok = version.size() == 32;
    for (char c : version) ok = ok && std::isxdigit(static_cast<unsigned char>(c));
    if (!ok) fail("--secret-version must be 32 hexadecimal digits (or omit it for the latest version)");
}

}  // namespace pe::cli
