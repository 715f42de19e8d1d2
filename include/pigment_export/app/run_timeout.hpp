#pragma once
// --timeout for one run (one export, one manifest entry, or one `check`): when the limit
// passes, only the threads bound to this run see cancellation::requested(); other manifest
// entries and later runs in the same process carry on. The calling thread is bound for the
// object's lifetime; threads the run starts bind through cancellation::current_deadline().
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/failure.hpp"

namespace pe {

class RunTimeout {
public:
    explicit RunTimeout(std::optional<std::chrono::seconds> limit);
    ~RunTimeout();
    RunTimeout(const RunTimeout&) = delete;
    RunTimeout& operator=(const RunTimeout&) = delete;

private:
    cancellation::RunDeadline deadline_;
    cancellation::DeadlineBinding binding_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

// A timeout is a failure of whichever stage ran out of time: exit 3, 4 or 5, with service
// code "Timeout", not an interruption.
FailureInfo charge_timeout_to(Stage running, FailureInfo info);

}  // namespace pe
