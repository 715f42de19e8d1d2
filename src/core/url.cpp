#include "pigment_export/core/url.hpp"

#include "pigment_export/core/text.hpp"

namespace pe {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The byte of the escape at text[i] ('%' and two hex digits), or -1.
int escape_at(std::string_view text, std::size_t i) {
    if (text[i] != '%' || i + 2 >= text.size()) return -1;
    int hi = hex_value(text[i + 1]);
    int lo = hex_value(text[i + 2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

std::optional<UrlParts> split_url(std::string_view url) {
    auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) return std::nullopt;
    UrlParts parts;
    parts.scheme = url.substr(0, sep);
    std::string_view rest = url.substr(sep + 3);
    auto fragment = rest.find('#');
    parts.has_fragment = fragment != std::string_view::npos;
    rest = rest.substr(0, fragment);
    auto query = rest.find('?');
    parts.has_query = query != std::string_view::npos;
    if (parts.has_query) parts.query = rest.substr(query + 1);
    rest = rest.substr(0, query);
    auto slash = rest.find('/');
    parts.authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) parts.path = rest.substr(slash);
    return parts;
}

std::optional<std::string> hostname_of(std::string_view authority) {
    if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        return ascii_lower(authority.substr(1, close - 1));
    }
    return ascii_lower(authority.substr(0, authority.find(':')));
}

std::string percent_encode(std::string_view text, bool keep_slash) {
    constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
                          u == '.' || u == '_' || u == '~' || (keep_slash && u == '/');
        if (unreserved) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
        }
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        int byte = escape_at(text, i);
        if (byte < 0) return std::nullopt;
        out.push_back(static_cast<char>(byte));
        i += 2;
    }
    return out;
}

std::string percent_decode_lenient(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        int byte = escape_at(text, i);
        if (byte < 0) {
            out.push_back(text[i]);
            continue;
        }
        out.push_back(static_cast<char>(byte));
        i += 2;
    }
    return out;
}

std::string with_query(std::string url, std::string_view parameters) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += parameters;
    return url;
}

std::string without_trailing_slashes(std::string_view text) {
    while (!text.empty() && text.back() == '/') text.remove_suffix(1);
    return std::string(text);
}

}  // namespace pe
