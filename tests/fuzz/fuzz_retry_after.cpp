// Retry-After / x-ms-retry-after-ms parsing and the delay derived from it.
// Input: FLAGS(1) RETRY-AFTER \0 X-MS-RETRY-AFTER-MS. Never throws, never negative, and the
// delay never exceeds the policy's cap; UBSan aborts on overflowing time arithmetic.
#include <chrono>
#include <ctime>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/http/retry_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    if (fuzz::tolerate_known() && fuzz::has_time_overflow_trigger({reinterpret_cast<const char*>(data), size}))
        return 0;
    unsigned flags = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto nul = rest.find('\0');
    pe::http::Headers headers;
    headers.push_back({(flags & 1u) ? "retry-after" : "Retry-After", std::string(rest.substr(0, nul))});
    if (nul != std::string_view::npos) headers.push_back({"x-ms-retry-after-ms", std::string(rest.substr(nul + 1))});
    if (fuzz::tolerate_known()) {
        // F3: an HTTP date far from now overflows system_clock arithmetic; skip those.
        std::tm tm{};
        std::string value(rest.substr(0, nul));
        const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        if (end != nullptr && (tm.tm_year + 1900 < 1900 || tm.tm_year + 1900 > 2200)) return 0;
    }
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
    try {
        auto after = pe::http::parse_retry_after(headers, now);
        if (after) fuzz::check(after->count() >= 0, "negative Retry-After", std::to_string(after->count()));
        pe::http::RetryPolicy policy;
        for (unsigned attempt : {1u, 2u, 7u, 40u}) {
            for (double r : {0.0, 0.5, 0.999999}) {
                auto d = pe::http::next_delay(policy, attempt, after, r);
                fuzz::check(d.count() >= 0 && d <= policy.max_delay, "delay outside [0, max_delay]",
                            std::to_string(d.count()));
            }
        }
    } catch (const std::exception& e) {
        fuzz::fail("Retry-After parsing threw", e.what());
    }
    return 0;
}
