#pragma once
// The one rule for a secret that goes into an HTTP header (API key, access token, identity
// endpoint secret): visible ASCII only, within a size. A line break in such a value would
// inject headers, a space or non-ASCII byte cannot be a Bearer credential (RFC 6750 b64token),
// and an oversized one fails in libcurl as "out of memory" far from its cause.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pe {

// What is wrong with `value` ("is empty", "has a line break at byte 12", ...), or nullopt when
// it may go into a header. Never quotes the value.
std::optional<std::string> credential_text_problem(std::string_view value, std::size_t limit);

// Removes exactly one trailing "\n" or "\r\n": the line end an editor, `echo` or
// `az keyvault secret set --file` adds. A second one is the user's and stays (and is refused).
void strip_one_line_break(std::string& value);

}  // namespace pe
