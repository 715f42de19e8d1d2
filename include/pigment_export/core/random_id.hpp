#pragma once
// Identifiers that must not repeat across processes or machines (request ids Azure support
// looks up): drawn from OpenSSL's CSPRNG, not from a per-thread Mersenne Twister.
#include <cstddef>
#include <string>

namespace pe {

// RFC 4122 version 4, lower case: "1b4e28ba-2fa1-4d2b-883f-0016d3cca427".
std::string random_uuid_v4();

// `length` random lower-case hex digits: temporary names and block-id tags that concurrent runs
// on other machines must not reuse.
std::string random_hex(std::size_t length);

}  // namespace pe
