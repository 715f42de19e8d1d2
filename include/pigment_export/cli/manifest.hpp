#pragma once
// --manifest FILE: several exports in one run, sharing credentials and defaults (pure).
//
//   {"defaults": {"key-vault-url": "https://kv.vault.azure.net", "secret-name": "pigment-key"},
//    "exports": [{"block-type": "metric", "block-id": "...", "dest": "abfss://.../{block_id}.csv"}, ...]}
//
// Keys are the long option names without dashes. Values are strings, numbers or booleans
// (true → --key; false → --no-key). Later wins: defaults, then the command line, then the entry.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pe::cli {

struct ManifestRequest {
    std::string path;
    unsigned jobs = 1;
    std::optional<std::string> summary_json;  // the aggregate summary
    std::vector<std::string> shared_args;     // the command line without --manifest/--jobs/--summary-json
};

// Finds --manifest in the arguments; nullopt when absent. Throws Failure (usage).
std::optional<ManifestRequest> find_manifest(const std::vector<std::string>& args);

// The largest manifest read (1000 exports of a few KiB each): the reader's cap and the parser's.
constexpr std::size_t kMaxManifestBytes = 4u << 20;

// One argument vector per export. Throws Failure (usage) naming the entry at fault.
std::vector<std::vector<std::string>> manifest_runs(const std::string& json_text,
                                                    const std::vector<std::string>& shared_args);

}  // namespace pe::cli
