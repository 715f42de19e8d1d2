#pragma once
// UTC formats used by placeholders, logs, x-ms-date and the services' Date headers. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pe {

std::string utc_date(std::chrono::system_clock::time_point t);       // 2026-11-29
std::string utc_time_hms(std::chrono::system_clock::time_point t);   // 031500
std::string utc_timestamp(std::chrono::system_clock::time_point t);  // 20261129T031500Z
std::string utc_iso8601(std::chrono::system_clock::time_point t);    // 2026-11-29T03:15:00Z
std::string http_date(std::chrono::system_clock::time_point t);      // Sun, 29 Nov 2026 03:15:00 GMT
// RFC 7231 IMF-fixdate ("Sun, 29 Nov 2026 03:15:00 GMT"); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace pe
