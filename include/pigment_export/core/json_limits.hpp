#pragma once
// nlohmann::json recurses once per nesting level (parse, dump, destruction), so JSON from a
// user or a service is scanned for depth before it is parsed: a 75,000-deep document must be a
// clear error, not a stack overflow.
#include <string_view>

namespace pe {

// True when `text` nests arrays/objects deeper than `limit` (a scan, no parse).
bool json_nesting_exceeds(std::string_view text, int limit);

}  // namespace pe
