#pragma once
// One logger for the whole process: stderr only, text or JSON lines, every line scrubbed
// of registered secrets before it is written. Use spdlog's free functions after init().
#include <spdlog/spdlog.h>

#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/log_settings.hpp"

namespace pe::log {

void init(const LogSettings& settings);

// The stage shown in each JSON line ("stage" field) and text prefix, for the calling thread.
void set_stage(Stage stage);
void clear_stage();

}  // namespace pe::log
