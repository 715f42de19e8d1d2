#include "pigment_export/transfer/progress.hpp"

#include <cstdio>

#include "pigment_export/core/size_text.hpp"

namespace pe {

namespace {

std::string with_thousands(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

}  // namespace

std::string format_progress(const ProgressSnapshot& s) {
    double seconds = static_cast<double>(s.elapsed.count()) / 1000.0;
    double rate = seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / seconds : 0.0;
    long total = static_cast<long>(seconds);
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "  %.1f MB/s  %02ld:%02ld  ", rate, total / 60, total % 60);
    return format_size(s.bytes) + buffer + with_thousands(s.rows) + " rows";
}

ProgressReporter::ProgressReporter(bool enabled, Source source) : enabled_(enabled), source_(std::move(source)) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
}

ProgressReporter::~ProgressReporter() {
    stop();
}

void ProgressReporter::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    }
}

void ProgressReporter::loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping_; })) {
        std::string line = "\r\033[K" + format_progress(source_());
        std::fputs(line.c_str(), stderr);
        std::fflush(stderr);
    }
}

}  // namespace pe
