#include "pigment_export/http/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/redactor.hpp"
#include "pigment_export/core/terminal_text.hpp"
#include "pigment_export/core/text.hpp"
#include "pigment_export/core/url.hpp"
#include "pigment_export/http/redact.hpp"
#include "pigment_export/http/service_trace.hpp"
#include "pigment_export/http/user_agent.hpp"

namespace pe::http {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The authority an error names (what comes before the first '/', '?' or '#' when there is no scheme).
std::string host_of(std::string_view url) {
    auto parts = split_url(url);
    return std::string(parts ? parts->authority : url.substr(0, url.find_first_of("/?#")));
}

std::string no_proxy_list() {
    // Loopback and link-local (IMDS) must never go through a proxy.
    std::string list = "localhost,127.0.0.1,::1,169.254.169.254";
    for (const char* name : {"NO_PROXY", "no_proxy"}) {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
            list = std::string(value) + "," + list;
            break;
        }
    }
    return list;
}

std::string default_ca_bundle() {
    for (const char* name : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"}) {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
            return value;
        }
    }
    return {};
}

}  // namespace

bool is_transient_curl_code(int curl_code) {
    switch (curl_code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR:  // a handshake cut by a reset; certificate problems have their own codes
            return true;
        default:
            return false;
    }
}

TransportKind transport_kind(int curl_code) {
    if (is_transient_curl_code(curl_code)) return TransportKind::network;
    switch (curl_code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return TransportKind::network;
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_OUT_OF_MEMORY:  // libcurl's answer to a header line beyond its own limit
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_FILESIZE_EXCEEDED:
            return TransportKind::malformed_response;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_USE_SSL_FAILED:
            return TransportKind::tls;
        case CURLE_ABORTED_BY_CALLBACK:
        case CURLE_WRITE_ERROR:
            return TransportKind::cancelled;
        default:
            return TransportKind::other;
    }
}

bool header_name_equals(std::string_view a, std::string_view b) {
    return ascii_iequals(a, b);
}

namespace {

// The last guard behind every source's own check: a CR, LF or NUL would let a value end its
// header and start another. Reaching it is a bug, so it is not a TransportError (not retried).
void refuse_unsafe_header(const Header& h) {
    auto unsafe = [](std::string_view text) {
        return std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    };
    if (h.name.empty() || unsafe(h.name) || unsafe(h.value) || h.name.find(':') != std::string::npos) {
        throw std::invalid_argument("refusing to send the header '" + printable(h.name) +
                                    "': its name or value contains a line break or NUL");
    }
}

}  // namespace

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
    for (const auto& h : headers) {
        if (header_name_equals(h.name, name)) {
            return std::string_view(h.value);
        }
    }
    return std::nullopt;
}

ClientOptions client_options_for(const NetworkSettings& network) {
    ClientOptions options;
    options.ca_bundle = network.ca_bundle;
    options.connect_timeout = network.connect_timeout;
    options.stall_timeout = network.stall_timeout;
    return options;
}

TransportError::TransportError(const std::string& message, std::string host, int curl_code, bool retryable)
    : std::runtime_error(redactor::scrub(message)),
      host_(std::move(host)),
      curl_code_(curl_code),
      retryable_(retryable) {}

struct Client::Impl {
    ClientOptions options;
    CURL* curl = nullptr;
    std::string ca_bundle;
    std::string no_proxy;

    // Per-transfer state read by the libcurl callbacks.
    Response response;
    const HeadersCallback* on_headers = nullptr;
    const BodyCallback* on_body = nullptr;
    bool headers_delivered = false;
    bool streaming_body = false;
    bool aborted_by_caller = false;
    bool stalled = false;
    bool headers_too_large = false;
    std::size_t header_bytes = 0;
    // An exception thrown by a callback must not unwind through libcurl's C frames: it is kept
    // here, the callback returns libcurl's abort code, and perform() rethrows it.
    std::exception_ptr callback_error;
    bool cancellable = true;
    curl_off_t last_progress_bytes = -1;
    std::chrono::steady_clock::time_point last_progress_time;
    char error_buffer[CURL_ERROR_SIZE] = {};

    static std::size_t header_cb(char* data, std::size_t size, std::size_t count, void* user) {
        auto* self = static_cast<Impl*>(user);
        try {
            return self->on_header_line(std::string_view(data, size * count));
        } catch (...) {
            self->callback_error = std::current_exception();
            return 0;
        }
    }

    std::size_t on_header_line(std::string_view line) {
        header_bytes += line.size();
        if (header_bytes > options.max_header_bytes || response.headers.size() >= options.max_header_count) {
            headers_too_large = true;
            return 0;
        }
        if (line.rfind("HTTP/", 0) == 0) {
            // A new status line (after 100-continue or a proxy CONNECT) starts a fresh header set.
            response.headers.clear();
            response.http_version = http_version_of(line);
            return line.size();
        }
        auto colon = line.find(':');
        if (colon != std::string_view::npos) {
            auto trim = [](std::string_view s) {
                while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
                while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
                return s;
            };
            response.headers.push_back(
                {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
        }
        return line.size();
    }

    // "HTTP/1.1 200 OK" -> 11, "HTTP/2 200" -> 20; 0 when unreadable.
    static int http_version_of(std::string_view status_line) {
        std::string_view v =
            status_line.substr(5, status_line.find(' ') == std::string_view::npos ? 0 : status_line.find(' ') - 5);
        if (v.empty() || v[0] < '0' || v[0] > '9') return 0;
        int minor = v.size() >= 3 && v[1] == '.' && v[2] >= '0' && v[2] <= '9' ? v[2] - '0' : 0;
        return (v[0] - '0') * 10 + minor;
    }

    bool deliver_headers() {
        headers_delivered = true;
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        response.status = static_cast<int>(status);
        streaming_body = on_headers != nullptr && (*on_headers)(response);
        return true;
    }

    static std::size_t write_cb(char* data, std::size_t size, std::size_t count, void* user) {
        auto* self = static_cast<Impl*>(user);
        try {
            return self->on_body_bytes(data, size * count);
        } catch (...) {
            self->callback_error = std::current_exception();
            return CURL_WRITEFUNC_ERROR;
        }
    }

    std::size_t on_body_bytes(const char* data, std::size_t n) {
        if (!headers_delivered) {
            deliver_headers();
        }
        if (streaming_body) {
            if (!(*on_body)(data, n)) {
                aborted_by_caller = true;
                return CURL_WRITEFUNC_ERROR;
            }
            return n;
        }
        std::size_t room = options.max_buffered_body - std::min(options.max_buffered_body, response.body.size());
        response.body.append(data, std::min(n, room));
        response.body_truncated = response.body_truncated || n > room;
        return n;
    }

    // Cancellation, and our own stall detection: curl's low-speed check averages over a
    // window of several seconds, so a stream that goes silent after a burst would outlive
    // --stall-timeout by that much.
    static int progress_cb(void* user, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) noexcept {
        // Nothing here throws (steady_clock and an atomic flag), hence noexcept rather than a catch.
        auto* self = static_cast<Impl*>(user);
        if (self->cancellable && cancellation::requested()) return 1;
        auto now = std::chrono::steady_clock::now();
        curl_off_t total = dlnow + ulnow;
        if (total != self->last_progress_bytes) {
            self->last_progress_bytes = total;
            self->last_progress_time = now;
        } else if (now - self->last_progress_time > self->options.stall_timeout) {
            self->stalled = true;
            return 1;
        }
        return 0;
    }

    void configure(const Request& request, curl_slist* headers) {
        curl_easy_reset(curl);  // keeps the connection cache: keep-alive survives
        curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
        curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
        curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!ca_bundle.empty()) {
            curl_easy_setopt(curl, CURLOPT_CAINFO, ca_bundle.c_str());
        }
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
        if (options.total_timeout.count() > 0) {
            curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
        }
        if (options.use_proxy) {
            curl_easy_setopt(curl, CURLOPT_NOPROXY, no_proxy.c_str());
        } else {
            curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
        }
        curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, static_cast<long>(options.receive_buffer));
        curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, static_cast<long>(options.upload_buffer));
        curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
        // No Accept-Encoding is sent, and a Content-Encoding the server adds anyway is left for
        // the caller to refuse rather than silently decoded (or, if unknown, passed through).
        curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Impl::header_cb);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Impl::write_cb);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Impl::progress_cb);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);

        if (request.method == "HEAD") {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        } else if (request.method != "GET") {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
        }
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    }

    Response perform(const Request& request, const HeadersCallback* headers_cb, const BodyCallback* body_cb) {
        response = Response{};
        on_headers = headers_cb;
        on_body = body_cb;
        headers_delivered = false;
        streaming_body = false;
        aborted_by_caller = false;
        stalled = false;
        headers_too_large = false;
        header_bytes = 0;
        callback_error = nullptr;
        cancellable = !request.survives_cancellation;
        last_progress_bytes = -1;
        last_progress_time = std::chrono::steady_clock::now();
        error_buffer[0] = '\0';

        curl_slist* list = nullptr;
        bool has_content_type = false;
        for (const auto& h : request.headers) {
            refuse_unsafe_header(h);
            has_content_type = has_content_type || header_name_equals(h.name, "Content-Type");
            std::string line = h.name + ": " + h.value;
            list = curl_slist_append(list, line.c_str());
        }
        // Every service, Pigment included, sees who is calling.
        list = curl_slist_append(list, ("User-Agent: " + user_agent()).c_str());
        // Suppress curl's defaults: no 100-continue round trip, no form content type.
        list = curl_slist_append(list, "Expect:");
        if (!has_content_type) {
            list = curl_slist_append(list, "Content-Type:");
        }
        configure(request, list);
        log_request(request);

        auto started = std::chrono::steady_clock::now();
        CURLcode code = curl_easy_perform(curl);
        curl_slist_free_all(list);
        // Drop every option that points into the caller's memory or ours before returning.
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
        auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

        if (callback_error) {
            std::rethrow_exception(std::exchange(callback_error, nullptr));
        }
        if (code != CURLE_OK) {
            std::string host = host_of(request.url);
            if (headers_too_large) {
                throw TransportError("the response headers exceed " + std::to_string(options.max_header_bytes / 1024) +
                                         " KiB or " + std::to_string(options.max_header_count) + " lines (" + host +
                                         ")",
                                     host, CURLE_WEIRD_SERVER_REPLY, false);
            }
            if (stalled) {
                throw TransportError("no data moved for " + std::to_string(options.stall_timeout.count()) +
                                         " s (--stall-timeout) (" + host + ")",
                                     host, CURLE_OPERATION_TIMEDOUT, true);
            }
            if (aborted_by_caller || (cancellable && cancellation::requested())) {
                throw TransportError("transfer aborted", host, CURLE_ABORTED_BY_CALLBACK, false);
            }
            std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
            spdlog::debug("{} {} failed after {} ms: {}", request.method, redact_url(request.url), elapsed.count(),
                          redactor::scrub(detail));
            throw TransportError(detail + " (" + host + ")", host, static_cast<int>(code),
                                 is_transient_curl_code(code));
        }
        if (!headers_delivered) {
            deliver_headers();
        }
        spdlog::debug("{} {} -> {} ({} ms){}", request.method, redact_url(request.url), response.status,
                      elapsed.count(), trace_ids(request, response));
        if (spdlog::should_log(spdlog::level::trace)) {
            for (const auto& h : response.headers) {
                spdlog::trace("  < {}: {}", h.name, redact_header_value(h.name, h.value));
            }
        }
        return std::move(response);
    }

    // The ids an Azure support ticket needs, on the request's debug line; nothing for Pigment.
    static std::string trace_ids(const Request& request, const Response& answer) {
        std::string out;
        if (auto sent = find_header(request.headers, kClientRequestIdHeader)) {
            out += "; client request id " + std::string(*sent);
        }
        if (std::string id = service_request_id(answer.headers); !id.empty()) {
            out += "; request id " + id;
        }
        return out;
    }

    static void log_request(const Request& request) {
        static std::once_flag once;
        std::call_once(once, [] { spdlog::debug("User-Agent: {}", user_agent()); });
        if (!spdlog::should_log(spdlog::level::trace)) {
            return;
        }
        spdlog::trace("> {} {}", request.method, redact_url(request.url));
        for (const auto& h : request.headers) {
            spdlog::trace("  > {}: {}", h.name, redact_header_value(h.name, h.value));
        }
        if (!request.body.empty()) {
            spdlog::trace("  > body: {} bytes{}", request.body.size(),
                          request.body_is_secret ? " (secret, not shown)" : "");
        }
    }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->options = std::move(options);
    impl_->curl = curl_easy_init();
    if (impl_->curl == nullptr) {
        throw std::runtime_error("libcurl could not create a handle");
    }
    impl_->ca_bundle = impl_->options.ca_bundle.empty() ? default_ca_bundle() : impl_->options.ca_bundle.string();
    impl_->no_proxy = no_proxy_list();
}

Client::~Client() {
    if (impl_ && impl_->curl != nullptr) {
        curl_easy_cleanup(impl_->curl);
    }
}

Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Response Client::send(const Request& request) {
    return impl_->perform(request, nullptr, nullptr);
}

Response Client::stream(const Request& request, const HeadersCallback& on_headers, const BodyCallback& on_body) {
    return impl_->perform(request, &on_headers, &on_body);
}

const ClientOptions& Client::options() const noexcept {
    return impl_->options;
}

}  // namespace pe::http
