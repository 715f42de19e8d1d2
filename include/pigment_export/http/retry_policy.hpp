#pragma once
// One retry policy for every stage, as pure functions: which outcomes are transient, how
// long to wait (exponential back-off, full jitter, Retry-After honoured, every delay capped).
#include <chrono>
#include <functional>
#include <optional>

#include "pigment_export/http/client.hpp"

namespace pe::http {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
    unsigned max_retries = 5;
    Millis base_delay{800};
    Millis max_delay{60'000};   // cap on one wait, Retry-After included
    Millis max_total{300'000};  // cap on all waits of one request
};

// 408, 429, 500, 502, 503, 504 (and 410/404 where a caller's own classifier says so).
bool is_transient_status(int status);

// Retry-After (seconds or HTTP-date) or x-ms-retry-after-ms; nullopt when absent or unparsable.
std::optional<Millis> parse_retry_after(const Headers& headers, std::chrono::system_clock::time_point now);

// Full-jitter exponential delay for retry number `attempt` (1-based); random01 in [0,1).
// A server-given retry_after wins when present; the result never exceeds policy.max_delay.
Millis next_delay(const RetryPolicy& policy, unsigned attempt, std::optional<Millis> retry_after, double random01);

}  // namespace pe::http
