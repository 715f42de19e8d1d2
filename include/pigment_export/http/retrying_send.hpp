#pragma once
// The single retry loop around Client::send. The request is rebuilt by a callback on every
// attempt, so tokens, dates and signatures are fresh on each try.
#include <functional>

#include "pigment_export/http/client.hpp"
#include "pigment_export/http/retry_policy.hpp"

namespace pe::http {

struct RetryHooks {
    // The classifier: which answers and which transport failures are worth another attempt.
    std::function<bool(int status)> is_transient = is_transient_status;
    std::function<bool(const TransportError&)> is_retryable_error;  // default: TransportError::retryable()
    std::function<bool(Millis)> sleep;                              // default: cancellation::sleep_for
    std::function<double()> random01;                               // default: a thread-local PRNG
    std::function<std::chrono::system_clock::time_point()> now;     // default: system_clock::now
};

// Uniform in [0,1) from a per-thread generator: the jitter source for back-off delays.
double jitter_random01();

// One attempt: sends the built request and returns its response (Client::send, or a stream).
using Attempt = std::function<Response(const Request&)>;

// The loop itself. Returns the first non-transient response, or the last one when retries run
// out (max_retries, or max_total of waiting). Throws the last TransportError when every attempt
// failed without a response, and at once a TransportError the classifier does not retry.
// Any other exception from `attempt` ends the loop unchanged.
Response retry_loop(const RetryPolicy& policy, const std::function<Request()>& build, const Attempt& attempt,
                    const RetryHooks& hooks = {});

// retry_loop with Client::send as the attempt.
Response send_with_retry(Client& client, const RetryPolicy& policy, const std::function<Request()>& build,
                         const RetryHooks& hooks = {});

}  // namespace pe::http
