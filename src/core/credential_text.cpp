#include "pigment_export/core/credential_text.hpp"

#include <algorithm>

#include "pigment_export/core/size_text.hpp"

namespace pe {

std::optional<std::string> credential_text_problem(std::string_view value, std::size_t limit) {
    if (value.empty()) return "is empty";
    if (value.size() > limit) return "is larger than " + limit_text(limit);
    if (std::all_of(value.begin(), value.end(),
                    [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
        return "is only whitespace";
    }
    // Every token passes here: find the first bad byte, and only then build the message.
    auto bad = std::find_if(value.begin(), value.end(), [](char ch) {
        auto u = static_cast<unsigned char>(ch);
        return u <= 0x20 || u >= 0x7F;
    });
    if (bad == value.end()) return std::nullopt;
    auto c = static_cast<unsigned char>(*bad);
    std::string at = " at byte " + std::to_string(bad - value.begin() + 1);
    if (c == '\r' || c == '\n') return "has a line break" + at;
    if (c == ' ' || c == '\t') return "has whitespace" + at;
    if (c < 0x20 || c == 0x7F) return "has a control character" + at;
    return "has a non-ASCII byte" + at;
}

void strip_one_line_break(std::string& value) {
    if (!value.empty() && value.back() == '\n') {
        value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
    }
}

}  // namespace pe
