#pragma once
#include <string>

namespace pe {

enum class LogLevel { trace, debug, info, warn, error, off };
enum class LogFormat { text, json };

struct LogSettings {
    LogLevel level = LogLevel::info;
    LogFormat format = LogFormat::text;
};

}  // namespace pe
