#include "pigment_export/http/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "pigment_export/core/utc_time.hpp"

namespace pe::http {

namespace {

std::optional<long long> parse_integer(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

bool is_transient_status(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<Millis> parse_retry_after(const Headers& headers, std::chrono::system_clock::time_point now) {
    if (auto ms = find_header(headers, "x-ms-retry-after-ms")) {
        if (auto v = parse_integer(*ms)) {
            return Millis(*v);
        }
    }
    if (auto value = find_header(headers, "Retry-After")) {
        if (auto seconds = parse_integer(*value)) {
            return Millis(std::min<long long>(*seconds, 86'400) * 1000);
        }
        if (auto when = parse_http_date(*value)) {
            auto delta = std::chrono::duration_cast<Millis>(*when - now);
            return std::max(delta, Millis(0));
        }
    }
    return std::nullopt;
}

Millis next_delay(const RetryPolicy& policy, unsigned attempt, std::optional<Millis> retry_after, double random01) {
    if (retry_after) {
        return std::min(*retry_after, policy.max_delay);
    }
    // Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))], so clients that failed
    // together do not retry together.
    double exp_ms = static_cast<double>(policy.base_delay.count()) * std::pow(2.0, std::min(attempt, 30u) - 1.0);
    double ceiling = std::min(exp_ms, static_cast<double>(policy.max_delay.count()));
    double r = std::clamp(random01, 0.0, 1.0);
    return Millis(static_cast<long long>(ceiling * r));
}

}  // namespace pe::http
