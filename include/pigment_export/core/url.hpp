#pragma once
// URLs as the tool's protocols use them: split into parts, percent-encoded and decoded, a query
// appended, trailing slashes dropped. One home for each, so that every check reads a URL the same
// way. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace pe {

// Views into the URL given; nothing is decoded or normalised.
struct UrlParts {
    std::string_view scheme;     // before "://", as written
    std::string_view authority;  // [userinfo@]host[:port]: up to the first '/', '?' or '#'
    std::string_view path;       // from that '/' up to '?' or '#'; empty when there is none
    std::string_view query;      // after '?', up to '#'
    bool has_query = false;      // a '?' is there (the query may still be empty)
    bool has_fragment = false;
};

// nullopt when there is no "://" or nothing before it.
std::optional<UrlParts> split_url(std::string_view url);

// The host name of an authority: lower-case, without port or IPv6 brackets ("[::1]:80" → "::1").
// nullopt for an unclosed '['.
std::optional<std::string> hostname_of(std::string_view authority);

// Percent-encodes everything except RFC 3986 unreserved characters (and '/' when keep_slash).
std::string percent_encode(std::string_view text, bool keep_slash = false);
// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text);
// A malformed escape stays as written: how the storage service reads a query it signs.
std::string percent_decode_lenient(std::string_view text);

// `url` with `parameters` ("a=1&b=2") appended after '?', or after '&' when it has a query.
std::string with_query(std::string url, std::string_view parameters);

// "https://host/" → "https://host": an audience, an authority or a base URL to append a path to.
std::string without_trailing_slashes(std::string_view text);

}  // namespace pe
