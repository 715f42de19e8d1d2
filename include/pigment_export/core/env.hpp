#pragma once
// Environment lookup as a value, so credential selection and option defaults are testable.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pe {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment; an empty variable counts as unset.
EnvLookup process_env();

// A fixed environment (tests).
EnvLookup map_env(std::map<std::string, std::string> values);

}  // namespace pe
