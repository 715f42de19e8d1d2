#include "pigment_export/http/service_trace.hpp"

#include <algorithm>

#include "pigment_export/core/random_id.hpp"
#include "pigment_export/core/utc_time.hpp"

namespace pe::http {

namespace {

constexpr std::size_t kMaxRequestId = 128;

bool id_character(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == ':';
}

}  // namespace

Header client_request_id_header() {
    return {std::string(kClientRequestIdHeader), random_uuid_v4()};
}

std::string service_request_id(const Headers& headers) {
    std::string_view id = find_header(headers, kServiceRequestIdHeader).value_or("");
    if (id.empty() || id.size() > kMaxRequestId || !std::all_of(id.begin(), id.end(), id_character)) {
        return {};
    }
    return std::string(id);
}

FailureInfo with_service_trace(FailureInfo info, const Headers& headers, std::chrono::system_clock::time_point now) {
    info.request_id = service_request_id(headers);
    auto date = find_header(headers, "Date");
    auto when = date ? parse_http_date(*date) : std::nullopt;
    info.time = utc_iso8601(when.value_or(now));
    return info;
}

}  // namespace pe::http
