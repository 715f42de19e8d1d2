#include "fakes/run_helpers.hpp"

#include <algorithm>

namespace testing {

bool leaks_none(const RunResult& result, const std::vector<std::string>& secrets,
                const std::vector<std::string>& files) {
    std::vector<std::string> texts = {result.out, result.err};
    for (const auto& f : files) texts.push_back(read_file(f));
    for (const auto& secret : secrets) {
        for (const auto& text : texts) {
            if (text.find(secret) != std::string::npos) return false;
        }
    }
    return true;
}

std::vector<std::string> temporary_files(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& name : list_dir(dir)) {
        if (name.find(".pigment-tmp-") != std::string::npos) out.push_back(name);
    }
    return out;
}

std::size_t line_count(const std::string& text) {
    auto n = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    return !text.empty() && text.back() != '\n' ? n + 1 : n;
}

std::string header(const pe::http::Response& response, std::string_view name) {
    auto value = pe::http::find_header(response.headers, name);
    return value ? std::string(*value) : std::string();
}

}  // namespace testing
