#include "pigment_export/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <nlohmann/json.hpp>

#include "pigment_export/core/redactor.hpp"
#include "pigment_export/core/terminal_text.hpp"
#include "pigment_export/core/utc_time.hpp"

namespace pe::log {

namespace {

// Per thread: with --jobs, several runs log at once, each from its own thread.
thread_local int g_stage = -1;

const char* current_stage() {
    int s = g_stage;
    return s < 0 ? nullptr : stage_name(static_cast<Stage>(s));
}

// Formats each record itself (text or one JSON object per line), scrubs every registered
// secret and every control character from the message, and writes it to stderr in one call.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit StderrSink(LogFormat format) : format_(format) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string message = printable(redactor::scrub(std::string_view(msg.payload.data(), msg.payload.size())));
        std::string level(spdlog::level::to_string_view(msg.level).data(),
                          spdlog::level::to_string_view(msg.level).size());
        std::string time = utc_iso8601(msg.time);
        const char* stage = current_stage();
        std::string line;
        if (format_ == LogFormat::json) {
            nlohmann::json j = {{"time", time}, {"level", level}, {"stage", stage ? stage : ""}, {"message", message}};
            if (!stage) j["stage"] = nullptr;
            line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } else {
            line = "pigment-export: " + level + ": " + (stage ? std::string(stage) + ": " : "") + message;
        }
        line.push_back('\n');
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

private:
    LogFormat format_;
};

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return spdlog::level::trace;
        case LogLevel::debug:
            return spdlog::level::debug;
        case LogLevel::info:
            return spdlog::level::info;
        case LogLevel::warn:
            return spdlog::level::warn;
        case LogLevel::error:
            return spdlog::level::err;
        case LogLevel::off:
            break;
    }
    return spdlog::level::off;
}

}  // namespace

void init(const LogSettings& settings) {
    auto logger = std::make_shared<spdlog::logger>("pigment-export", std::make_shared<StderrSink>(settings.format));
    logger->set_level(to_spdlog(settings.level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
}

void set_stage(Stage stage) {
    g_stage = static_cast<int>(stage);
}
void clear_stage() {
    g_stage = -1;
}

}  // namespace pe::log
