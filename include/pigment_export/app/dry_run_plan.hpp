#pragma once
// --dry-run: what a run would do, stage by stage, with no secret and no network call (pure).
#include <string>

#include "pigment_export/core/config.hpp"

namespace pe {

std::string describe_plan(const Config& config);

}  // namespace pe
