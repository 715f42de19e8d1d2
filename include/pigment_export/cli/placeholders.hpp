#pragma once
// {block_type}, {block_id}, {date}, {time}, {timestamp} in --dest (pure).
#include <chrono>
#include <string>
#include <string_view>

namespace pe::cli {

struct PlaceholderValues {
    std::string block_type;
    std::string block_id;
    std::chrono::system_clock::time_point now;
};

// Throws std::invalid_argument naming an unknown or unterminated placeholder.
std::string expand_placeholders(std::string_view text, const PlaceholderValues& values);

}  // namespace pe::cli
