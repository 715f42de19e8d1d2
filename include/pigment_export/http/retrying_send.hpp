#pragma once
// The single retry loop around Client::send. The request is rebuilt by a callback on every
// attempt, so tokens, dates and signatures are fresh on each try.
#include <functional>

#include "pigment_export/http/client.hpp"
#include "pigment_export/http/retry_policy.hpp"

namespace pe::http {

struct RetryHooks {
    std::function<bool(int status)> is_transient = is_transient_status;
    std::function<bool(Millis)> sleep;     // default: cancellation::sleep_for
    std::function<double()> random01;      // default: a thread-local PRNG
    std::function<std::chrono::system_clock::time_point()> now;  // default: system_clock::now
};

// Uniform in [0,1) from a per-thread generator: the jitter source for back-off delays.
double jitter_random01();

// Returns the first non-transient response, or the last one when retries run out.
// Throws the last TransportError when every attempt failed without a response.
Response send_with_retry(Client& client, const RetryPolicy& policy, const std::function<Request()>& build,
                         const RetryHooks& hooks = {});

}  // namespace pe::http
