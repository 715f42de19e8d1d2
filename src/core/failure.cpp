#include "pigment_export/core/failure.hpp"

#include <csignal>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/redactor.hpp"
#include "pigment_export/core/terminal_text.hpp"

namespace pe {

namespace {

// Error text comes from services and libraries; keep the summary and stderr to one clean line.
std::string one_line(std::string_view text) {
    std::string out = printable(text);
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

FailureInfo cleaned(FailureInfo info) {
    info.message = one_line(redactor::scrub(info.message));
    info.hint = one_line(redactor::scrub(info.hint));
    info.service_code = one_line(redactor::scrub(info.service_code));
    info.request_id = one_line(redactor::scrub(info.request_id));
    info.time = one_line(info.time);
    return info;
}

}  // namespace

Failure::Failure(FailureInfo info) : info_(cleaned(std::move(info))), line_(format_failure_line(info_)) {}

Failure::Failure(Stage stage, std::string message, std::string hint)
    : Failure(FailureInfo{stage, 0, {}, std::move(message), std::move(hint)}) {}

const char* stage_name(Stage stage) {
    switch (stage) {
        case Stage::usage:
            return "usage";
        case Stage::secret:
            return "secret";
        case Stage::export_:
            return "export";
        case Stage::store:
            return "store";
        case Stage::after_commit:
            return "after-commit";
        case Stage::interrupted:
            return "interrupted";
        case Stage::internal:
            break;
    }
    return "internal";
}

int exit_code(Stage stage) {
    switch (stage) {
        case Stage::usage:
            return 2;
        case Stage::secret:
            return 3;
        case Stage::export_:
            return 4;
        case Stage::store:
            return 5;
        case Stage::after_commit:
            return 6;
        case Stage::interrupted:
            return interrupted_exit_code();
        case Stage::internal:
            break;
    }
    return 1;
}

int interrupted_exit_code() noexcept {
    // The shell's convention, 128 + the signal number: 129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM.
    int signo = cancellation::stop_signal();
    return 128 + (signo != 0 ? signo : SIGINT);
}

std::string format_failure_line(const FailureInfo& info) {
    std::string line = stage_name(info.stage);
    line += ": ";
    if (info.http_status != 0) {
        line += "HTTP " + std::to_string(info.http_status) + " ";
    }
    if (!info.service_code.empty()) {
        line += info.service_code + ": ";
    } else if (info.http_status != 0) {
        line.back() = ':';
        line += ' ';
    }
    line += info.message;
    if (!info.hint.empty()) {
        line += " (hint: " + info.hint + ")";
    }
    if (!info.request_id.empty() || !info.time.empty()) {
        line += " (" + (info.request_id.empty() ? std::string("no request id") : "request id " + info.request_id);
        line += (info.time.empty() ? std::string() : ", " + info.time) + ")";
    }
    return line;
}

}  // namespace pe
