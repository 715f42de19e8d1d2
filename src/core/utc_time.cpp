#include "pigment_export/core/utc_time.hpp"

#include <array>
#include <ctime>

namespace pe {

namespace {

std::tm utc_tm(std::chrono::system_clock::time_point t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm out{};
    gmtime_r(&seconds, &out);
    return out;
}

std::string format_tm(std::chrono::system_clock::time_point t, const char* format) {
    std::tm tm = utc_tm(t);
    std::array<char, 64> buffer{};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    std::size_t n = std::strftime(buffer.data(), buffer.size(), format, &tm);
#pragma GCC diagnostic pop
    return std::string(buffer.data(), n);
}

}  // namespace

std::string utc_date(std::chrono::system_clock::time_point t) {
    return format_tm(t, "%Y-%m-%d");
}
std::string utc_time_hms(std::chrono::system_clock::time_point t) {
    return format_tm(t, "%H%M%S");
}
std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    return format_tm(t, "%Y%m%dT%H%M%SZ");
}
std::string utc_iso8601(std::chrono::system_clock::time_point t) {
    return format_tm(t, "%Y-%m-%dT%H:%M:%SZ");
}
std::string http_date(std::chrono::system_clock::time_point t) {
    // strftime's %a/%b follow the C locale, which is what HTTP dates require.
    return format_tm(t, "%a, %d %b %Y %H:%M:%S GMT");
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    std::tm tm{};
    std::string copy(text);
    const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    // Outside this window the clock arithmetic overflows; no server means such a date.
    if (end == nullptr || *end != '\0' || tm.tm_year < 70 || tm.tm_year > 300) {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace pe
