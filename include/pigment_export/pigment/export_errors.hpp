#pragma once
// Maps Pigment's answers to one-line failures with hints (pure).
#include <string_view>

#include "pigment_export/core/config.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::pigment {

// A non-2xx response to an export request.
FailureInfo map_export_error(int status, std::string_view body, BlockType block_type, std::string_view block_id);

// A 2xx response whose body is not CSV (an HTML login page, a JSON error): nullopt when fine.
std::optional<FailureInfo> check_csv_response(std::string_view content_type, std::string_view first_bytes);

// A 2xx head whose body could only look like an export: a Content-Encoding other than identity
// (never asked for), or framing whose end cannot be proven. nullopt when the body may be used.
std::optional<FailureInfo> check_export_head(const http::Response& head);

// A request that got no usable answer; the message says whether it was a network problem or a
// deterministic one (malformed answer, TLS), which are not retried.
FailureInfo map_export_transport_error(const http::TransportError& error);

// A short, single-line excerpt of an error body for messages (never the whole page).
std::string body_excerpt(std::string_view body);

}  // namespace pe::pigment
