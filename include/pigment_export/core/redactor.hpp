#pragma once
// Process-wide list of secret values to scrub from any text that leaves the process
// (log lines, error messages, the summary). Secrets register themselves on creation.
#include <string>
#include <string_view>

namespace pe::redactor {

inline constexpr std::string_view kMask = "[REDACTED]";

// Values shorter than 6 characters are not registered: masking them would shred
// ordinary text and such values are not credentials anyway.
void add(std::string_view secret);

// Returns text with every registered secret replaced by kMask.
std::string scrub(std::string_view text);

// Forgets every registered value (tests only).
void clear_for_tests();

}  // namespace pe::redactor
