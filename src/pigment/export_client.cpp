#include "pigment_export/pigment/export_client.hpp"

#include <optional>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/core/size_text.hpp"
#include "pigment_export/http/client.hpp"
#include "pigment_export/http/redact.hpp"
#include "pigment_export/http/retry_policy.hpp"
#include "pigment_export/http/retrying_send.hpp"
#include "pigment_export/pigment/export_errors.hpp"
#include "pigment_export/pigment/export_request.hpp"
#include "pigment_export/pigment/request_budget.hpp"

namespace pe::pigment {

namespace {

http::ClientOptions download_options(const NetworkSettings& network) {
    http::ClientOptions options = http::client_options_for(network);
    // The one large transfer of the run: 128 KiB per read keeps the download thread's system
    // calls few and the buffer in the core's L2 cache while the bytes are copied out of it. On
    // the benchmark the transfer ran 6 % faster than with 512 KiB (libcurl's maximum) at the
    // same CPU; 64 KiB cost more CPU (docs/performance.md).
    options.receive_buffer = 128u << 10;
    return options;
}

http::Request export_http_request(const ExportRequest& built, const Secret& api_key) {
    http::Request request;
    request.method = built.method;
    request.url = built.url;
    request.body = built.body;
    request.headers = {
        {"Authorization", "Bearer " + api_key.reveal()}, {"Accept", "text/csv"}, {"Accept-Encoding", "identity"}};
    if (!built.body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    return request;
}

// One attempt of the export: its state is read by the body callbacks and, after a transport
// error, by the retry classifier and the error that names how far the stream came.
class Attempt {
public:
    Attempt(http::Client& client, const BodyConsumer& consumer) : client_(client), consumer_(consumer) {}

    http::Response run(const http::Request& request) {
        delivered_ = 0;
        consumer_stopped_ = false;
        refused_.reset();
        content_type_.clear();
        http::Response response;
        try {
            response = client_.stream(
                request, [this](const http::Response& head) { return on_headers(head); },
                [this](const char* data, std::size_t size) { return on_body(data, size); });
        } catch (const http::TransportError&) {
            if (refused_) throw Failure(*refused_);
            if (!consumer_stopped_) throw;
            response.status = 200;
            return response;
        }
        if (refused_) throw Failure(*refused_);
        if (response.status >= 200 && response.status < 300 && delivered_ == 0) {
            // An empty 200 body still needs the HTML/JSON check of its content type.
            if (auto bad = check_csv_response(content_type_, {})) throw Failure(*bad);
        }
        return response;
    }

    std::uint64_t delivered() const { return delivered_; }
    bool consumer_stopped() const { return consumer_stopped_; }

private:
    bool on_headers(const http::Response& head) {
        if (head.status < 200 || head.status >= 300) return false;
        content_type_ = std::string(http::find_header(head.headers, "Content-Type").value_or(""));
        refused_ = check_export_head(head);
        return true;
    }

    bool on_body(const char* data, std::size_t size) {
        if (!refused_ && delivered_ == 0) refused_ = check_csv_response(content_type_, std::string_view(data, size));
        if (refused_) return false;
        delivered_ += size;
        if (!consumer_(data, size)) {
            consumer_stopped_ = true;
            return false;
        }
        return true;
    }

    http::Client& client_;
    const BodyConsumer& consumer_;
    std::uint64_t delivered_ = 0;
    bool consumer_stopped_ = false;
    std::optional<FailureInfo> refused_;  // not CSV, or a body that could only look like an export
    std::string content_type_;
};

[[noreturn]] void throw_transport_failure(const http::TransportError& e, std::uint64_t delivered) {
    cancellation::throw_if_requested();
    if (delivered > 0) {
        throw Failure(
            FailureInfo{Stage::export_, 200, "StreamInterrupted",
                        "the export was cut short after " + std::to_string(delivered) + " bytes: " + e.what(),
                        "nothing was committed; run again (Pigment ends a failing export by cutting the stream)"});
    }
    throw Failure(map_export_transport_error(e));
}

}  // namespace

bool export_may_retry(const http::TransportError& error, std::uint64_t bytes_delivered) {
    return bytes_delivered == 0 && error.retryable();
}

ExportClient::ExportClient(ExportSettings settings, NetworkSettings network, unsigned max_retries)
    : settings_(std::move(settings)), network_(std::move(network)), max_retries_(max_retries) {}

StreamEnd ExportClient::stream(const Secret& api_key, const BodyConsumer& consumer) {
    ExportRequest built = build_export_request(settings_);
    http::Client client(download_options(network_));
    http::RetryPolicy policy;
    policy.max_retries = max_retries_;
    spdlog::debug("exporting {} {} from {}", block_type_name(settings_.block_type), settings_.block_id,
                  http::strip_query(built.url));

    Attempt attempt(client, consumer);
    auto build = [&] {
        RequestBudget::acquire();
        return export_http_request(built, api_key);
    };
    http::RetryHooks hooks;
    hooks.is_retryable_error = [&](const http::TransportError& e) { return export_may_retry(e, attempt.delivered()); };
    http::Response response;
    try {
        response = http::retry_loop(
            policy, build, [&](const http::Request& request) { return attempt.run(request); }, hooks);
    } catch (const http::TransportError& e) {
        throw_transport_failure(e, attempt.delivered());
    }
    if (attempt.consumer_stopped()) return StreamEnd::stopped_by_consumer;
    if (response.status < 200 || response.status >= 300) {
        throw Failure(map_export_error(response.status, response.body, settings_.block_type, settings_.block_id));
    }
    spdlog::debug("export body complete: {}", format_size(attempt.delivered()));
    return StreamEnd::complete;
}

void ExportClient::probe(const Secret& api_key) {
    stream(api_key, [](const char*, std::size_t) { return false; });
}

}  // namespace pe::pigment
