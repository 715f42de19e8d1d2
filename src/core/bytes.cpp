#include "pigment_export/core/bytes.hpp"

#include <array>
#include <charconv>
#include <ctime>
#include <stdexcept>

namespace pe {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

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

std::string decode_base64_common(std::string_view text, bool require_padding) {
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char c : text) {
        if (c == '=') {
            ++padding;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || padding > 0) {
            throw std::invalid_argument("invalid base64");
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    // One character past a group of four carries only 6 bits: no whole byte, so no valid encoding ends so.
    if (padding > 2 || (require_padding && (text.size() % 4) != 0) || (text.size() - padding) % 4 == 1) {
        throw std::invalid_argument("invalid base64 padding");
    }
    return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out.push_back(kB64[(n >> 6) & 63]);
        out.push_back(kB64[n & 63]);
    }
    if (i + 1 == bytes.size()) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out += "==";
    } else if (i + 2 == bytes.size()) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out.push_back(kB64[(n >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

std::string base64_decode(std::string_view text) {
    return decode_base64_common(text, true);
}

std::string base64url_decode(std::string_view text) {
    return decode_base64_common(text, false);
}

std::uint64_t parse_size(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end == text.data()) {
        throw std::invalid_argument("not a size: '" + std::string(text) + "' (use e.g. 8MiB, 512KiB, 1048576)");
    }
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t multiplier = 0;
    if (unit.empty() || unit == "B")
        multiplier = 1;
    else if (unit == "KiB" || unit == "K")
        multiplier = 1ull << 10;
    else if (unit == "MiB" || unit == "M")
        multiplier = 1ull << 20;
    else if (unit == "GiB" || unit == "G")
        multiplier = 1ull << 30;
    else
        throw std::invalid_argument("unknown size unit '" + std::string(unit) + "' (use B, KiB, MiB or GiB)");
    if (number > UINT64_MAX / multiplier) {
        throw std::invalid_argument("size too large: '" + std::string(text) + "'");
    }
    return number * multiplier;
}

std::string limit_text(std::uint64_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

std::string format_size(std::uint64_t bytes) {
    constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    std::array<char, 32> buffer{};
    int n = unit == 0 ? std::snprintf(buffer.data(), buffer.size(), "%.0f %s", value, kUnits[unit])
                      : std::snprintf(buffer.data(), buffer.size(), "%.1f %s", value, kUnits[unit]);
    return std::string(buffer.data(), static_cast<std::size_t>(n));
}

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

}  // namespace pe
