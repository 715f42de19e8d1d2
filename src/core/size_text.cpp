#include "pigment_export/core/size_text.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace pe {

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

}  // namespace pe
