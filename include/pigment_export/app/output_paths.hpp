#pragma once
// Where a run writes, checked before any request (usage errors, exit 2): a local --dest and a
// --summary-json file must be regular files or absent (core/local_output), no file the run
// reads may be one it writes, the two outputs must differ, and no two manifest exports may
// write the same destination.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"

namespace pe {

// `summary` is the run's --summary-json ("-" or empty for none); `inputs` are files the run
// reads that Config does not name (the manifest, AZURE_FEDERATED_TOKEN_FILE, ...).
void check_output_paths(const Config& config, const std::optional<std::string>& summary,
                        const std::vector<std::filesystem::path>& inputs);

// Manifest exports that resolve to one destination (the same local file, or the same storage
// object through dfs and blob alike) would overwrite each other: exit 2 naming both entries.
void check_distinct_destinations(const std::vector<Config>& configs);

// Files the run reads as named in the environment (the federated token file).
std::vector<std::filesystem::path> environment_inputs(const EnvLookup& env);

}  // namespace pe
