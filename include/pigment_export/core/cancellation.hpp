#pragma once
// Cooperative cancellation: every transfer and every back-off sleep polls requested(), so a
// stop unwinds through the same abort paths as any failure (temporary objects deleted,
// destination untouched). Two sources, with different reach:
//  - a terminating signal stops the whole process (every run, every manifest entry);
//  - a run's --timeout stops only that run: its deadline is bound to the threads that work
//    for it (the run's own thread and the threads its pipeline starts), nothing else.
#include <atomic>
#include <chrono>

namespace pe::cancellation {

enum class Reason { none, signal, timeout };

// Async-signal-safe; the first signal is the one remembered.
void request_stop(int signo) noexcept;
// The first terminating signal received, 0 when none.
int stop_signal() noexcept;

// A deadline with a parent also expires with it: work that a run starts and may have to stop on
// its own (the sink's open, when the secret stage fails) gets one of these.
class RunDeadline {
public:
    explicit RunDeadline(const RunDeadline* parent = nullptr) noexcept : parent_(parent) {}
    void expire() noexcept { expired_.store(true, std::memory_order_relaxed); }
    bool expired() const noexcept {
        return expired_.load(std::memory_order_relaxed) || (parent_ != nullptr && parent_->expired());
    }

private:
    const RunDeadline* parent_;
    std::atomic<bool> expired_{false};
};

// Binds the calling thread to `deadline` (nullptr: none) until destroyed; restores the previous binding.
class DeadlineBinding {
public:
    explicit DeadlineBinding(RunDeadline* deadline) noexcept;
    ~DeadlineBinding();
    DeadlineBinding(const DeadlineBinding&) = delete;
    DeadlineBinding& operator=(const DeadlineBinding&) = delete;

private:
    RunDeadline* previous_;
};

// The deadline of the calling thread's run, to hand to the threads it starts.
RunDeadline* current_deadline() noexcept;

bool requested() noexcept;
Reason reason() noexcept;  // signal first: a signal outranks a deadline that passed meanwhile
void reset_for_tests() noexcept;

// Sleeps up to `duration`, returning early (false) when cancellation is requested.
bool sleep_for(std::chrono::milliseconds duration);

// Throws the Failure that matches the current reason, if any: Stage::interrupted naming the
// signal, or Stage::interrupted with service code "Timeout" (the run re-attributes that one to
// the stage that ran out of time).
void throw_if_requested();

}  // namespace pe::cancellation
