#include "pigment_export/core/credential_text.hpp"

#include <algorithm>

namespace pe {

namespace {

std::string size_text(std::size_t bytes) {
    return bytes % 1024 == 0 ? std::to_string(bytes / 1024) + " KiB" : std::to_string(bytes) + " bytes";
}

}  // namespace

std::optional<std::string> credential_text_problem(std::string_view value, std::size_t limit) {
    if (value.empty()) return "is empty";
    if (value.size() > limit) return "is larger than " + size_text(limit);
    if (std::all_of(value.begin(), value.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
        return "is only whitespace";
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        std::string at = " at byte " + std::to_string(i + 1);
        if (c == '\r' || c == '\n') return "has a line break" + at;
        if (c == ' ' || c == '\t') return "has whitespace" + at;
        if (c < 0x20 || c == 0x7F) return "has a control character" + at;
        if (c > 0x7E) return "has a non-ASCII byte" + at;
    }
    return std::nullopt;
}

void strip_one_line_break(std::string& value) {
    if (!value.empty() && value.back() == '\n') {
        value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
    }
}

}  // namespace pe
