#include "pigment_export/cli/shown_value.hpp"

namespace pe::cli {

std::string shown_value(std::string_view value) {
    std::string out;
    for (char c : value.substr(0, 80)) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
    }
    return value.size() > 80 ? out + "..." : out;
}

}  // namespace pe::cli
