#pragma once
// nlohmann::json recurses once per nesting level (parse, dump, destruction), so JSON from a
// user or a service is scanned for depth before it is parsed: a 75,000-deep document must be a
// clear error, not a stack overflow.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pe {

// True when `text` nests arrays/objects deeper than `limit` (a scan, no parse).
bool json_nesting_exceeds(std::string_view text, int limit);

// Bounds for JSON a service sends: its answers are small and flat.
struct JsonBounds {
    std::size_t max_bytes = 1u << 20;
    int max_depth = 32;
};

// nlohmann::json::parse within `bounds`: a discarded value (is_discarded()) when `text` is
// larger, nests deeper or is not JSON, so every caller's "not the JSON I expected" path covers it.
nlohmann::json parse_bounded_json(std::string_view text, JsonBounds bounds = {});

// The string member `key` of `object`; empty when `object` is not an object or the member is
// absent or not a string. Services put numbers, nulls and arrays where their documents say
// string, and nlohmann's value()/get<std::string>() throw type_error on those.
std::string string_member(const nlohmann::json& object, const std::string& key);

}  // namespace pe
