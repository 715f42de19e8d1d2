#pragma once
// Counts the round trips of a run that wait for one another. While a RoundTripRecorder lives,
// every LoopbackServer started delays each request by `latency` (as a distant service would) and
// records when it arrived and when its answer was written. Two requests that overlap in time
// did not wait for each other; the longest chain of requests each arriving after the previous
// one was answered is the run's sequential round trips.
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace testing {

struct Exchange {
    int port = 0;
    std::string method;
    std::string path;  // with only the query parameter that names the operation (resource, action, comp)
    std::chrono::steady_clock::time_point arrived;
    std::chrono::steady_clock::time_point answered;
};

class RoundTripRecorder {
public:
    explicit RoundTripRecorder(std::chrono::milliseconds latency);
    ~RoundTripRecorder();
    RoundTripRecorder(const RoundTripRecorder&) = delete;
    RoundTripRecorder& operator=(const RoundTripRecorder&) = delete;

    std::chrono::milliseconds latency() const { return latency_; }
    void record(Exchange exchange);
    std::vector<Exchange> exchanges() const;

    // The one recorder in force, or nullptr.
    static RoundTripRecorder* active();

private:
    std::chrono::milliseconds latency_;
    mutable std::mutex mutex_;
    std::vector<Exchange> exchanges_;
};

// The longest chain of exchanges, each arriving after the previous one was answered, in order.
std::vector<Exchange> longest_sequential_chain(std::vector<Exchange> exchanges);

}  // namespace testing
