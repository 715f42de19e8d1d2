#include "pigment_export/pigment/request_budget.hpp"

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/log.hpp"

namespace pe::pigment {

std::chrono::milliseconds RequestBudget::try_reserve(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    while (!sent_.empty() && now - sent_.front() >= window_) {
        sent_.pop_front();
    }
    if (sent_.size() < limit_) {
        sent_.push_back(now);
        return std::chrono::milliseconds(0);
    }
    auto free_at = sent_.front() + window_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(free_at - now) + std::chrono::milliseconds(1);
}

RequestBudget& RequestBudget::process() {
    static RequestBudget budget(480, std::chrono::minutes(5));
    return budget;
}

void RequestBudget::acquire() {
    for (;;) {
        auto wait = process().try_reserve(Clock::now());
        if (wait.count() == 0) return;
        spdlog::info("pausing {} s to stay under Pigment's rate limit (500 requests per 5 minutes)",
                     wait.count() / 1000);
        cancellation::sleep_for(wait);
        cancellation::throw_if_requested();
    }
}

}  // namespace pe::pigment
