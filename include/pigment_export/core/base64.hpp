#pragma once
// Base64 (RFC 4648 §4) and its URL-safe alphabet (§5), as Content-MD5, block ids, account keys
// and JWT segments use them. Pure.
#include <string>
#include <string_view>

namespace pe {

std::string base64_encode(std::string_view bytes);
// Padded; either alphabet; throws std::invalid_argument on anything else.
std::string base64_decode(std::string_view text);
// Either alphabet, padding optional (JWT segments omit it); throws std::invalid_argument.
std::string base64url_decode(std::string_view text);

}  // namespace pe
