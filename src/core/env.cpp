#include "pigment_export/core/env.hpp"

#include <cstdlib>

namespace pe {

EnvLookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr || *value == '\0') {
            return std::nullopt;
        }
        return std::string(value);
    };
}

EnvLookup map_env(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end() || it->second.empty()) {
            return std::nullopt;
        }
        return it->second;
    };
}

}  // namespace pe
