#pragma once
// Builds Pigment export requests (pure): URL per block type and API generation, method,
// JSON body with the delimiter and date format merged in as Pigment's enum names.
#include <string>

#include "pigment_export/core/config.hpp"

namespace pe::pigment {

struct ExportRequest {
    std::string method;  // GET for views, POST for list/metric/table
    std::string url;
    std::string body;  // empty for GET
};

ExportRequest build_export_request(const ExportSettings& settings);

// Merges --field-delimiter / --date-format into the --export-options object. Throws
// std::invalid_argument when options_json is not a JSON object.
std::string merged_body(const ExportSettings& settings);

// ';' → "Semicolon", ',' → "Comma"; nullopt for anything else.
std::optional<std::string> delimiter_enum(std::string_view character);
// "legacy" → "Legacy", "iso8601" → "Iso8601"; nullopt for anything else.
std::optional<std::string> date_format_enum(std::string_view name);

}  // namespace pe::pigment
