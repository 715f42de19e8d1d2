#include "pigment_export/http/transport_failure.hpp"

namespace pe::http {

FailureInfo describe_transport_failure(const TransportError& error, const TransportContext& context) {
    const std::string& where = context.subject;
    switch (error.kind()) {
        case TransportKind::malformed_response:
            return FailureInfo{
                context.stage, 0, "MalformedResponse", where + " sent a malformed answer: " + error.what(),
                "not retried: a proxy or load balancer in between may be rewriting responses; let the tool "
                "reach the service directly (NO_PROXY) or fix the proxy"};
        case TransportKind::tls:
            return FailureInfo{context.stage, 0, "TlsError", "TLS with " + where + " failed: " + error.what(),
                               "not retried: check --ca-bundle (or SSL_CERT_FILE) and any TLS-inspecting proxy"};
        default:
            return FailureInfo{context.stage, 0, "NetworkError", "cannot reach " + where + ": " + error.what(),
                               context.network_hint};
    }
}

}  // namespace pe::http
