#include "pigment_export/cli/placeholders.hpp"

#include <stdexcept>

#include "pigment_export/core/utc_time.hpp"

namespace pe::cli {

std::string expand_placeholders(std::string_view text, const PlaceholderValues& values) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}') {
            throw std::invalid_argument("unmatched '}' in --dest");
        }
        if (text[i] != '{') {
            out.push_back(text[i]);
            continue;
        }
        auto close = text.find('}', i);
        if (close == std::string_view::npos) {
            throw std::invalid_argument("unterminated placeholder in --dest: '" + std::string(text.substr(i)) + "'");
        }
        std::string_view name = text.substr(i + 1, close - i - 1);
        if (name == "block_type")
            out += values.block_type;
        else if (name == "block_id")
            out += values.block_id;
        else if (name == "date")
            out += utc_date(values.now);
        else if (name == "time")
            out += utc_time_hms(values.now);
        else if (name == "timestamp")
            out += utc_timestamp(values.now);
        else
            throw std::invalid_argument("unknown placeholder {" + std::string(name) +
                                        "} in --dest (known: {block_type}, {block_id}, {date}, {time}, {timestamp})");
        i = close;
    }
    return out;
}

}  // namespace pe::cli
