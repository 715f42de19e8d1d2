#include "pigment_export/core/config.hpp"

namespace pe {

const char* block_type_name(BlockType type) {
    switch (type) {
        case BlockType::view: return "view";
        case BlockType::list: return "list";
        case BlockType::table: return "table";
        case BlockType::metric: break;
    }
    return "metric";
}

}  // namespace pe
