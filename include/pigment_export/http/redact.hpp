#pragma once
// Allow-list sanitising of what HTTP logging shows: only known-safe query parameters and
// headers keep their values; everything else becomes REDACTED. SAS signatures never survive.
#include <string>
#include <string_view>

#include "pigment_export/http/client.hpp"

namespace pe::http {

std::string redact_url(std::string_view url);
bool is_safe_header(std::string_view name);
std::string redact_header_value(std::string_view name, std::string_view value);
// The URL with its query removed entirely (for summaries and user-facing destinations).
std::string strip_query(std::string_view url);

}  // namespace pe::http
