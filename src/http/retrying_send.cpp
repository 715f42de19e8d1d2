#include "pigment_export/http/retrying_send.hpp"

#include <random>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/log.hpp"
#include "pigment_export/http/redact.hpp"

namespace pe::http {

double jitter_random01() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

Response retry_loop(const RetryPolicy& policy, const std::function<Request()>& build, const Attempt& attempt_once,
                    const RetryHooks& hooks) {
    auto sleep = hooks.sleep ? hooks.sleep : [](Millis d) { return cancellation::sleep_for(d); };
    auto random01 = hooks.random01 ? hooks.random01 : jitter_random01;
    auto now = hooks.now ? hooks.now : [] { return std::chrono::system_clock::now(); };
    auto transient = hooks.is_transient ? hooks.is_transient : is_transient_status;
    auto retryable =
        hooks.is_retryable_error ? hooks.is_retryable_error : [](const TransportError& e) { return e.retryable(); };

    Millis waited{0};
    for (unsigned attempt = 0;; ++attempt) {
        Request request = build();
        if (!request.survives_cancellation) {
            cancellation::throw_if_requested();
        }
        std::optional<Response> response;
        std::optional<TransportError> error;
        try {
            response = attempt_once(request);
            if (!transient(response->status)) {
                return std::move(*response);
            }
        } catch (const TransportError& e) {
            if (!retryable(e)) {
                throw;
            }
            error = e;
        }
        std::optional<Millis> retry_after = response ? parse_retry_after(response->headers, now()) : std::nullopt;
        Millis delay = next_delay(policy, attempt + 1, retry_after, random01());
        if (attempt >= policy.max_retries || waited + delay > policy.max_total) {
            if (response) {
                return std::move(*response);
            }
            throw *error;
        }
        std::string reason = response ? "HTTP " + std::to_string(response->status) : std::string(error->what());
        spdlog::warn("{} {}: {}; retry {}/{} in {} ms", request.method, strip_query(request.url), reason, attempt + 1,
                     policy.max_retries, delay.count());
        if (!sleep(delay) && !request.survives_cancellation) {
            cancellation::throw_if_requested();
        }
        waited += delay;
    }
}

Response send_with_retry(Client& client, const RetryPolicy& policy, const std::function<Request()>& build,
                         const RetryHooks& hooks) {
    return retry_loop(
        policy, build, [&](const Request& request) { return client.send(request); }, hooks);
}

}  // namespace pe::http
