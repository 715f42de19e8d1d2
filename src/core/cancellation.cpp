#include "pigment_export/core/cancellation.hpp"

#include <signal.h>

#include <cstring>
#include <string>
#include <thread>

#include "pigment_export/core/failure.hpp"

namespace pe::cancellation {

namespace {
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "signal handlers need a lock-free flag");
thread_local RunDeadline* t_deadline = nullptr;
}  // namespace

void request_stop(int signo) noexcept {
    int expected = 0;
    g_signal.compare_exchange_strong(expected, signo);
}

int stop_signal() noexcept {
    return g_signal.load(std::memory_order_relaxed);
}

DeadlineBinding::DeadlineBinding(RunDeadline* deadline) noexcept : previous_(t_deadline) {
    t_deadline = deadline;
}
DeadlineBinding::~DeadlineBinding() {
    t_deadline = previous_;
}

RunDeadline* current_deadline() noexcept {
    return t_deadline;
}

Reason reason() noexcept {
    if (stop_signal() != 0) return Reason::signal;
    if (t_deadline != nullptr && t_deadline->expired()) return Reason::timeout;
    return Reason::none;
}

bool requested() noexcept {
    return reason() != Reason::none;
}

void reset_for_tests() noexcept {
    g_signal.store(0);
}

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
        case Reason::none:
            return;
        case Reason::signal: {
            int signo = stop_signal();
            const char* name = sigabbrev_np(signo);
            throw Failure(Stage::interrupted,
                          std::string("stopped by SIG") + (name ? name : std::to_string(signo).c_str()));
        }
        case Reason::timeout:
            throw Failure(FailureInfo{Stage::interrupted, 0, "Timeout", "the run exceeded --timeout",
                                      "raise --timeout or check the network"});
    }
}

}  // namespace pe::cancellation
