#include "pigment_export/pigment/export_request.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "pigment_export/core/url.hpp"

namespace pe::pigment {

std::optional<std::string> delimiter_enum(std::string_view character) {
    if (character == ";") return "Semicolon";
    if (character == ",") return "Comma";
    return std::nullopt;
}

std::optional<std::string> date_format_enum(std::string_view name) {
    if (name == "legacy") return "Legacy";
    if (name == "iso8601") return "Iso8601";
    return std::nullopt;
}

std::string merged_body(const ExportSettings& settings) {
    nlohmann::json body = nlohmann::json::parse(settings.options_json);
    if (!body.is_object()) {
        throw std::invalid_argument("--export-options must be a JSON object");
    }
    // The explicit options win over the same keys inside --export-options.
    if (settings.field_delimiter) body["fieldDelimiter"] = *settings.field_delimiter;
    if (settings.date_format) body["dateFormat"] = *settings.date_format;
    return body.dump();
}

ExportRequest build_export_request(const ExportSettings& settings) {
    std::string base = without_trailing_slashes(settings.pigment_url);
    std::string prefix = settings.api == PigmentApi::v1 ? "/api/v1/export/" : "/api/export/";
    ExportRequest request;
    request.url = base + prefix + block_type_name(settings.block_type) + "/" + percent_encode(settings.block_id);
    if (settings.block_type == BlockType::view) {
        request.method = "GET";
        std::string query;
        auto add = [&](const char* key, const std::optional<std::string>& value) {
            if (value) query += (query.empty() ? "?" : "&") + std::string(key) + "=" + *value;
        };
        add("fieldDelimiter", settings.field_delimiter);
        // The v1 view endpoint declares only fieldDelimiter; dateFormat exists on the legacy path.
        if (settings.api == PigmentApi::legacy) add("dateFormat", settings.date_format);
        request.url += query;
    } else {
        request.method = "POST";
        request.body = merged_body(settings);
    }
    return request;
}

}  // namespace pe::pigment
