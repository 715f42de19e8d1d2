#pragma once
// The ids that let Azure support find one request: our x-ms-client-request-id (fresh for each
// attempt) and the service's x-ms-request-id, with the time of its answer, on every Failure
// built from an Azure response.
#include <chrono>
#include <string>
#include <string_view>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::http {

inline constexpr std::string_view kClientRequestIdHeader = "x-ms-client-request-id";
inline constexpr std::string_view kServiceRequestIdHeader = "x-ms-request-id";

// A new UUID v4 header for one attempt of a request to an Azure service (never to Pigment).
Header client_request_id_header();

// The service's request id as we show it: x-ms-request-id when it is a plausible id (at most
// 128 characters of [A-Za-z0-9._:-]), else empty: a hostile value is not echoed.
std::string service_request_id(const Headers& headers);

// `info` with request_id and time set from the answer's headers: the Date header as ISO 8601
// UTC, or `now` when the answer has none (or an unreadable one).
FailureInfo with_service_trace(FailureInfo info, const Headers& headers,
                               std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace pe::http
