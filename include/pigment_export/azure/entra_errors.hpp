#pragma once
// Entra token-endpoint errors → Failure: the AADSTS code as service_code and a hint for the
// codes people actually hit (wrong secret, expired secret, unknown app, federation mismatch).
#include <string_view>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::azure {

// "AADSTS7000215" from error_codes[0] or from error_description; empty when neither has one.
std::string aadsts_code(std::string_view body);

// Ends with Entra's x-ms-request-id and the time of the answer, as Azure support asks for them.
Failure entra_failure(int status, const http::Headers& headers, std::string_view body, std::string_view source,
                      std::string_view host);

}  // namespace pe::azure
