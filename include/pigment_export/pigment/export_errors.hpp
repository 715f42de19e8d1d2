#pragma once
// Maps Pigment's answers to one-line failures with hints (pure).
#include <string_view>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe::pigment {

// A non-2xx response to an export request.
FailureInfo map_export_error(int status, std::string_view body, BlockType block_type, std::string_view block_id);

// A 2xx response whose body is not CSV (an HTML login page, a JSON error): nullopt when fine.
std::optional<FailureInfo> check_csv_response(std::string_view content_type, std::string_view first_bytes);

// A short, single-line excerpt of an error body for messages (never the whole page).
std::string body_excerpt(std::string_view body);

}  // namespace pe::pigment
