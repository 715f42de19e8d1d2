#include "pigment_export/core/config.hpp"

namespace pe {

const char* block_type_name(BlockType type) {
    switch (type) {
        case BlockType::view:
            return "view";
        case BlockType::list:
            return "list";
        case BlockType::table:
            return "table";
        case BlockType::metric:
            break;
    }
    return "metric";
}

bool storage_needs_token(const Config& config, const EnvLookup& env) {
    auto set = [&](const char* name) {
        auto value = env(name);
        return value && !value->empty();
    };
    return config.destination.kind == DestinationKind::storage && !set("AZURE_STORAGE_SAS_TOKEN") &&
           !set("AZURE_STORAGE_KEY");
}

}  // namespace pe
