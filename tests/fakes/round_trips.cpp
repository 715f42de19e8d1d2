#include "fakes/round_trips.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace testing {

namespace {
std::atomic<RoundTripRecorder*> g_active{nullptr};
}

RoundTripRecorder::RoundTripRecorder(std::chrono::milliseconds latency) : latency_(latency) {
    RoundTripRecorder* none = nullptr;
    if (!g_active.compare_exchange_strong(none, this)) throw std::logic_error("one RoundTripRecorder at a time");
}

RoundTripRecorder::~RoundTripRecorder() {
    g_active.store(nullptr);
}

RoundTripRecorder* RoundTripRecorder::active() {
    return g_active.load();
}

void RoundTripRecorder::record(Exchange exchange) {
    std::lock_guard lock(mutex_);
    exchanges_.push_back(std::move(exchange));
}

std::vector<Exchange> RoundTripRecorder::exchanges() const {
    std::lock_guard lock(mutex_);
    return exchanges_;
}

std::vector<Exchange> longest_sequential_chain(std::vector<Exchange> exchanges) {
    std::sort(exchanges.begin(), exchanges.end(),
              [](const Exchange& a, const Exchange& b) { return a.arrived < b.arrived; });
    // length[j]: the longest chain ending with exchange j; before[j]: its predecessor.
    std::vector<std::size_t> length(exchanges.size(), 1);
    std::vector<std::ptrdiff_t> before(exchanges.size(), -1);
    for (std::size_t j = 0; j < exchanges.size(); ++j) {
        for (std::size_t i = 0; i < j; ++i) {
            if (exchanges[i].answered <= exchanges[j].arrived && length[i] + 1 > length[j]) {
                length[j] = length[i] + 1;
                before[j] = static_cast<std::ptrdiff_t>(i);
            }
        }
    }
    std::vector<Exchange> chain;
    if (exchanges.empty()) return chain;
    auto last = static_cast<std::ptrdiff_t>(std::max_element(length.begin(), length.end()) - length.begin());
    for (auto k = last; k >= 0; k = before[static_cast<std::size_t>(k)]) {
        chain.push_back(exchanges[static_cast<std::size_t>(k)]);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
}

}  // namespace testing
