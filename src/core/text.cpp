#include "pigment_export/core/text.hpp"

#include <algorithm>

namespace pe {

namespace {

char fold(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), fold);
    return out;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return fold(x) == fold(y); });
}

std::string first_line(std::string_view text, std::size_t max_bytes) {
    auto start = text.find_first_not_of("\r\n");
    if (start == std::string_view::npos) return {};
    text.remove_prefix(start);
    std::string_view line = text.substr(0, text.find_first_of("\r\n"));
    if (line.size() <= max_bytes) return std::string(line);
    return std::string(line.substr(0, max_bytes)) + "...";
}

}  // namespace pe
