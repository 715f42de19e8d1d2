#pragma once
// --config FILE: TOML whose root keys are long option names without dashes (pure but for
// read_config_file).
//
//   block-type = "metric"
//   dest = "abfss://raw@acct.dfs.core.windows.net/pigment/{block_id}.csv"
//   parallel = 8
//   overwrite = false
//
// Every key takes one value: a string or an integer for an option that takes a value, true or
// false for a flag. Every problem is a Failure with Stage::usage, one line naming the file, the
// line and the key.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pe::cli {

enum class OptionKind { value, flag };

// The options a config file may set, by long name without dashes.
using OptionKinds = std::map<std::string, OptionKind, std::less<>>;

struct ConfigSetting {
    std::string key;    // e.g. "dest"
    std::string value;  // as it would be typed after --key; "true" or "false" for a flag
    long line = 0;
};

// The settings in the order of their lines.
std::vector<ConfigSetting> parse_config_file(std::string_view text, const std::string& path,
                                             const OptionKinds& options);

// Reads `path` (a regular file of at most 1 MiB) and parses it.
std::vector<ConfigSetting> read_config_file(const std::string& path, const OptionKinds& options);

// True when `text` nests arrays or inline tables deeper than `limit`, brackets inside TOML
// strings and comments aside (a scan, no parse).
bool toml_nesting_exceeds(std::string_view text, int limit);

}  // namespace pe::cli
