#pragma once
// Pigment allows 500 requests per 5 minutes per source IP across its public API. Every export
// request of this process (retries and --jobs included) takes a slot here first, so a manifest
// run stays under the limit instead of collecting 429s.
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>

namespace pe::pigment {

class RequestBudget {
public:
    using Clock = std::chrono::steady_clock;

    RequestBudget(std::size_t limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

    // Records a request at `now` if a slot is free and returns 0; otherwise returns how long to
    // wait before asking again (pure: no sleeping here).
    std::chrono::milliseconds try_reserve(Clock::time_point now);

    // The process-wide budget: 480 of Pigment's 500 (a margin for other tools on the same IP).
    static RequestBudget& process();

    // Waits (interruptibly) for a slot in the process-wide budget.
    static void acquire();

private:
    std::size_t limit_;
    std::chrono::seconds window_;
    std::mutex mutex_;
    std::deque<Clock::time_point> sent_;
};

}  // namespace pe::pigment
