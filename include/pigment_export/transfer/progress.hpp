#pragma once
// Progress on stderr while a transfer runs: bytes, rate, elapsed time and rows, redrawn
// in place about four times a second. Only drawn when enabled (a terminal, or --progress on).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace pe {

struct ProgressSnapshot {
    std::uint64_t bytes = 0;
    std::uint64_t rows = 0;
    std::chrono::milliseconds elapsed{0};
};

// "12.5 MiB  41.3 MB/s  00:03  98,765 rows" (pure).
std::string format_progress(const ProgressSnapshot& snapshot);

class ProgressReporter {
public:
    using Source = std::function<ProgressSnapshot()>;

    ProgressReporter(bool enabled, Source source);
    ~ProgressReporter();
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    // Stops drawing and clears the progress line.
    void stop();

private:
    void loop();

    bool enabled_;
    Source source_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace pe
