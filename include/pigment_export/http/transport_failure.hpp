#pragma once
// A transport failure told the same way for every service, by its kind: only a network failure
// says "cannot reach" (and was retried); a malformed answer or a TLS failure says what it is and
// that it was not retried, so nobody debugs DNS for a proxy that rewrites headers.
#include <string>
#include <string_view>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/http/client.hpp"

namespace pe::http {

struct TransportContext {
    Stage stage;
    std::string subject;       // what was talked to: "Pigment", "Key Vault at HOST", ...
    std::string network_hint;  // the service's own advice when the network is at fault
};

// Codes NetworkError, MalformedResponse, TlsError (Cancelled is the caller's business: check
// for a stop request before calling this).
FailureInfo describe_transport_failure(const TransportError& error, const TransportContext& context);

}  // namespace pe::http
