#include "pigment_export/core/redactor.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace pe::redactor {

namespace {

struct Registry {
    std::mutex mutex;
    std::vector<std::string> values;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

constexpr std::size_t kMinLength = 6;

}  // namespace

void add(std::string_view secret) {
    if (secret.size() < kMinLength) {
        return;
    }
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    if (std::find(reg.values.begin(), reg.values.end(), secret) == reg.values.end()) {
        reg.values.emplace_back(secret);
        // Longest first, so a secret that contains another is masked whole.
        std::sort(reg.values.begin(), reg.values.end(),
                  [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    }
}

std::string scrub(std::string_view text) {
    std::string out(text);
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    for (const auto& value : reg.values) {
        for (auto pos = out.find(value); pos != std::string::npos; pos = out.find(value, pos + kMask.size())) {
            out.replace(pos, value.size(), kMask);
        }
    }
    return out;
}

void clear_for_tests() {
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    reg.values.clear();
}

}  // namespace pe::redactor
