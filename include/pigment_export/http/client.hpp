#pragma once
// The one HTTP client wrapper (libcurl lives only behind this header). One Client owns one
// curl handle and reuses its connection (keep-alive); it is not thread-safe: give each
// worker thread its own Client.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pigment_export/core/config.hpp"

namespace pe::http {

struct Header {
    std::string name;
    std::string value;
};
using Headers = std::vector<Header>;

// ASCII case-insensitive comparison, as header names are compared.
bool header_name_equals(std::string_view a, std::string_view b);

// Case-insensitive lookup of the first header with this name.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

struct Request {
    std::string method = "GET";
    std::string url;              // may carry a SAS query: log it only through redact_url()
    Headers headers;              // values of sensitive headers are redacted in logs
    std::string_view body;        // not owned; must outlive the call
    bool body_is_secret = false;  // e.g. a token request form: never log the body
    // Clean-up after a failure or a signal (deleting a temporary object) must still run
    // while cancellation is requested; stall detection still bounds it.
    bool survives_cancellation = false;
};

struct Response {
    int status = 0;
    int http_version = 0;  // from the status line: 10, 11, 20, 30
    Headers headers;
    std::string body;             // the whole body for send(); for stream(), only a non-2xx error body
    bool body_truncated = false;  // the body was longer than ClientOptions::max_buffered_body
};

struct ClientOptions {
    std::filesystem::path ca_bundle;  // empty: SSL_CERT_FILE, CURL_CA_BUNDLE, then system store
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::seconds stall_timeout{60};      // abort when no byte moves for this long
    std::chrono::milliseconds total_timeout{0};  // per request; 0 = none
    bool use_proxy = true;                       // false for IMDS and other link-local endpoints
    std::size_t max_buffered_body = 4u << 20;    // send() and error bodies beyond this are cut
    // Response headers beyond either bound fail the request as a malformed response.
    std::size_t max_header_bytes = 64u << 10;
    std::size_t max_header_count = 256;
    // libcurl allocates both per handle, so they are the per-connection memory: a large
    // receive buffer only for the export download, a larger send buffer only for chunk uploads.
    std::size_t receive_buffer = 16u << 10;  // libcurl's default
    std::size_t upload_buffer = 64u << 10;   // libcurl's default
};

// The options every client of a run shares: CA bundle and timeouts from the command line.
ClientOptions client_options_for(const NetworkSettings& network);

// What a failed transfer says about the next attempt. Only `network` failures may be cured
// by retrying; the others are deterministic and retrying them only spends the request budget.
enum class TransportKind {
    network,             // connect, reset, timeout, a body cut short (DNS failures are not retried)
    malformed_response,  // oversized or garbled headers, a bad content encoding
    tls,                 // certificate or TLS set-up problem
    cancelled,           // stopped by a signal or by the caller's callback
    other
};

// The kind of a libcurl result code (pure).
TransportKind transport_kind(int curl_code);
// True for the codes a new attempt may cure (a subset of TransportKind::network).
bool is_transient_curl_code(int curl_code);

// No HTTP response: DNS, connect, TLS, reset, timeout, a body cut short. `retryable` is true
// for failures that a new attempt may cure (resets, timeouts, refused connections).
class TransportError : public std::runtime_error {
public:
    TransportError(const std::string& message, std::string host, int curl_code, bool retryable);
    const std::string& host() const noexcept { return host_; }
    bool retryable() const noexcept { return retryable_; }
    TransportKind kind() const noexcept { return transport_kind(curl_code_); }

private:
    std::string host_;
    int curl_code_;
    bool retryable_;
};

// Called once with the status and headers before any body byte; return true to receive the
// body through on_body, false to have an (error) body buffered into Response::body instead.
// An exception thrown by either callback aborts the transfer and is rethrown by stream().
using HeadersCallback = std::function<bool(const Response& head)>;
// Return false to abort the transfer (it then ends in a TransportError of kind cancelled).
using BodyCallback = std::function<bool(const char* data, std::size_t size)>;

class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    // Sends the request and buffers the whole response body (up to max_buffered_body).
    Response send(const Request& request);

    // Sends the request and streams a successful body through on_body.
    Response stream(const Request& request, const HeadersCallback& on_headers, const BodyCallback& on_body);

    const ClientOptions& options() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pe::http
