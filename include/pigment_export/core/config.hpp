#pragma once
// The validated result of argv + env + config file: everything a run needs, no network yet.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pigment_export/core/compression.hpp"
#include "pigment_export/core/destination.hpp"
#include "pigment_export/core/env.hpp"
#include "pigment_export/core/log_settings.hpp"

namespace pe {

enum class BlockType { view, list, metric, table };
enum class PigmentApi { v1, legacy };
enum class CredentialKind { automatic, managed_identity, workload_identity, client_secret, azure_cli };
enum class StorageApi { automatic, dfs, blob };
enum class ProgressMode { automatic, on, off };

const char* block_type_name(BlockType type);

struct ExportSettings {
    BlockType block_type = BlockType::metric;
    std::string block_id;
    std::string pigment_url = "https://pigment.app";
    PigmentApi api = PigmentApi::v1;
    std::optional<std::string> field_delimiter;  // Pigment enum name: "Semicolon" / "Comma"
    std::optional<std::string> date_format;      // "Legacy" / "Iso8601"
    std::string options_json = "{}";             // a JSON object, already validated
};

struct SecretSettings {
    std::string key_vault_url;  // empty: use a local source
    std::string secret_name;
    std::string secret_version;
    std::filesystem::path api_key_file;
    bool api_key_from_env = false;  // PIGMENT_API_KEY is set (its value is read by the secret stage)
    CredentialKind credential = CredentialKind::automatic;
    std::string client_id;
};

struct TransferSettings {
    std::size_t chunk_size = 4u << 20;
    unsigned parallel = 4;
    unsigned max_retries = 5;
    bool overwrite = true;
    bool if_changed = false;  // --if-changed: no commit when the destination already holds the export
    StorageApi storage_api = StorageApi::automatic;
    CompressionSettings compression;  // what is stored: the CSV, or the CSV compressed on the way
};

struct NetworkSettings {
    std::filesystem::path ca_bundle;  // empty: system default
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds stall_timeout{60};             // abort a transfer idle this long
    std::optional<std::chrono::seconds> total_timeout;  // --timeout: one export (or check) from start to commit
};

// Checks that refuse to replace the destination with a suspicious export.
struct DataGuards {
    std::optional<std::uint64_t> min_rows;     // an empty export must not overwrite yesterday's good file
    std::optional<std::string> expect_header;  // the header row, without its line end
};

struct Config {
    ExportSettings export_;
    DataGuards guards;
    SecretSettings secret;
    TransferSettings transfer;
    NetworkSettings network;
    Destination destination;
    LogSettings log;
    ProgressMode progress = ProgressMode::automatic;
    std::optional<std::string> summary_json;  // a path, or "-" for stdout
    bool dry_run = false;
    bool preflight = false;  // `pigment-export check ...`: test every stage, move no data
    // Files named on the command line that the run reads and Config keeps no path of (--config,
    // --export-options @FILE): none of them may be an output of the run.
    std::vector<std::filesystem::path> read_files;
};

// A storage destination writes with a bearer token (an Azure credential) unless
// AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY is set and not empty, as storage/storage_auth
// decides. The one copy of that rule for the option checks and the preflight.
bool storage_needs_token(const Config& config, const EnvLookup& env);

}  // namespace pe
