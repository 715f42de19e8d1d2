#include "pigment_export/app/run_timeout.hpp"

namespace pe {

RunTimeout::RunTimeout(std::optional<std::chrono::seconds> limit) : binding_(&deadline_) {
    if (!limit) return;
    thread_ = std::thread([this, limit] {
        std::unique_lock lock(mutex_);
        if (!wake_.wait_for(lock, *limit, [&] { return done_; })) {
            deadline_.expire();
        }
    });
}

RunTimeout::~RunTimeout() {
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

FailureInfo charge_timeout_to(Stage running, FailureInfo info) {
    if (info.stage == Stage::interrupted && info.service_code == "Timeout") info.stage = running;
    return info;
}

}  // namespace pe
