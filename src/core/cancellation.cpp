#include "pigment_export/core/cancellation.hpp"

#include <atomic>
#include <thread>

#include "pigment_export/core/failure.hpp"

namespace pe::cancellation {

namespace {
std::atomic<int> g_reason{static_cast<int>(Reason::none)};
static_assert(std::atomic<int>::is_always_lock_free, "signal handlers need a lock-free flag");
}  // namespace

void request(Reason r) noexcept {
    int expected = static_cast<int>(Reason::none);
    g_reason.compare_exchange_strong(expected, static_cast<int>(r));
}

bool requested() noexcept { return g_reason.load(std::memory_order_relaxed) != static_cast<int>(Reason::none); }

Reason reason() noexcept { return static_cast<Reason>(g_reason.load()); }

void reset_for_tests() noexcept { g_reason.store(static_cast<int>(Reason::none)); }

bool sleep_for(std::chrono::milliseconds duration) {
    constexpr auto kSlice = std::chrono::milliseconds(20);
    auto deadline = std::chrono::steady_clock::now() + duration;
    while (!requested()) {
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return true;
        }
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kSlice, deadline - now));
    }
    return false;
}

void throw_if_requested() {
    switch (reason()) {
        case Reason::none: return;
        case Reason::sigint: throw Failure(Stage::interrupted, "interrupted by SIGINT");
        case Reason::sigterm: throw Failure(Stage::interrupted, "terminated by SIGTERM");
        case Reason::timeout:
            throw Failure(Stage::interrupted, "the run exceeded --timeout", "raise --timeout or check the network");
    }
}

}  // namespace pe::cancellation
