#pragma once
// Small shared helpers: base64, hex, sizes, UTC time formats.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pe {

std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);  // throws std::invalid_argument on bad input
std::string base64url_decode(std::string_view text);

// "8MiB", "512KiB", "1048576", "1048576B" → bytes; throws std::invalid_argument.
std::uint64_t parse_size(std::string_view text);
std::string format_size(std::uint64_t bytes);  // "8.0 MiB"
// An exact limit as a person writes it: "1 MiB", "4 KiB", "1000 bytes".
std::string limit_text(std::uint64_t bytes);

// UTC formats used by placeholders, logs and x-ms-date.
std::string utc_date(std::chrono::system_clock::time_point t);       // 2026-11-29
std::string utc_time_hms(std::chrono::system_clock::time_point t);   // 031500
std::string utc_timestamp(std::chrono::system_clock::time_point t);  // 20261129T031500Z
std::string utc_iso8601(std::chrono::system_clock::time_point t);    // 2026-11-29T03:15:00Z
std::string http_date(std::chrono::system_clock::time_point t);      // Sun, 29 Nov 2026 03:15:00 GMT
// RFC 7231 IMF-fixdate ("Sun, 29 Nov 2026 03:15:00 GMT"); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// Percent-encodes everything except RFC 3986 unreserved characters (and '/' when keep_slash).
std::string percent_encode(std::string_view text, bool keep_slash = false);

}  // namespace pe
