#pragma once
// ASCII case folding for protocol text (header names, schemes, host names, media types): locale
// independent, bytes above 0x7F untouched. Pure.
#include <string>
#include <string_view>

namespace pe {

std::string ascii_lower(std::string_view text);

// Equal ignoring ASCII case, as HTTP header names compare.
bool ascii_iequals(std::string_view a, std::string_view b);

}  // namespace pe
