#pragma once
// Checks of single option values (pure). Each throws std::invalid_argument with a message
// that names the option and says what is accepted.
#include <string>
#include <string_view>

namespace pe::cli {

// A Pigment block id: one safe path segment (letters, digits, '-', '_'), 1-128 characters.
void check_block_id(std::string_view id);

// An http(s) base URL without query, fragment, credentials or whitespace; http only for
// loopback hosts. Returns it without trailing slashes.
std::string check_service_url(std::string_view option, std::string_view url);

// Key Vault secret names: 1-127 letters, digits and hyphens; versions: 32 hex digits.
void check_secret_name(std::string_view name);
void check_secret_version(std::string_view version);

}  // namespace pe::cli
