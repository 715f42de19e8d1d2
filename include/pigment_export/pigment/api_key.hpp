#pragma once
// The Pigment API key as it may be sent: every source (PIGMENT_API_KEY, --api-key-file, Key
// Vault) passes this one check before the key can become an Authorization header.
#include <string>

#include "pigment_export/core/secret.hpp"

namespace pe::pigment {

enum class ApiKeyOrigin { environment, file, key_vault };

// Strips exactly one trailing line break, then refuses an empty, whitespace-only, oversized
// (over 4 KiB) value or one with a control character, whitespace or non-ASCII byte: Failure in
// the secret stage (exit 3), code ApiKeyMalformed, naming `source` and how to fix it there.
Secret checked_api_key(std::string value, ApiKeyOrigin origin, const std::string& source);

}  // namespace pe::pigment
