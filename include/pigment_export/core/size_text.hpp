#pragma once
// Byte counts as people write and read them. Pure.
#include <cstdint>
#include <string>
#include <string_view>

namespace pe {

// "8MiB", "512KiB", "1048576", "1048576B" → bytes; throws std::invalid_argument.
std::uint64_t parse_size(std::string_view text);
std::string format_size(std::uint64_t bytes);  // "8.0 MiB"
// An exact limit as a person writes it: "1 MiB", "4 KiB", "1000 bytes".
std::string limit_text(std::uint64_t bytes);

}  // namespace pe
