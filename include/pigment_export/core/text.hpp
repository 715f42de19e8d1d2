#pragma once
// ASCII case folding for protocol text (header names, schemes, host names, media types): locale
// independent, bytes above 0x7F untouched; and the one line of a message an error quotes. Pure.
#include <string>
#include <string_view>

namespace pe {

std::string ascii_lower(std::string_view text);

// Equal ignoring ASCII case, as HTTP header names compare.
bool ascii_iequals(std::string_view a, std::string_view b);

// The first non-blank line of a message (a service's error text, a child process's stderr), cut
// to max_bytes with "..." so that one error stays one line.
std::string first_line(std::string_view text, std::size_t max_bytes = 300);

}  // namespace pe
