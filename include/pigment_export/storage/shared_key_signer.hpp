#pragma once
// Shared Key authorization for the Blob and DFS endpoints (one scheme for both): the
// string-to-sign built from a finished request, and the HMAC-SHA256 signature over it.
#include <string>
#include <string_view>

#include "pigment_export/core/secret.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::storage {

// The exact text the service signs. `request.url` must already carry every query parameter and
// `request.headers` every x-ms-* header (x-ms-date included). Content-Length is taken from the
// body size, as the client sends it; a zero length signs as an empty line.
std::string shared_key_string_to_sign(const http::Request& request, std::string_view account);

// Base64(HMAC-SHA256(Base64Decode(account_key), string_to_sign)). Throws Failure (store) when the
// key is not valid base64.
std::string shared_key_signature(std::string_view string_to_sign, const Secret& account_key);

}  // namespace pe::storage
