#pragma once
// argv + environment + --config TOML → a validated Config, before any network call.
// Every problem is a Failure with Stage::usage (exit 2).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/env.hpp"

namespace pe::cli {

struct ParseOutcome {
    std::optional<Config> config;  // empty when the run ends here (--help, --version)
    std::string output;            // what to print on stdout in that case
};

// args excludes the program name.
ParseOutcome parse_command_line(const std::vector<std::string>& args, const EnvLookup& env,
                                std::chrono::system_clock::time_point now);

}  // namespace pe::cli
