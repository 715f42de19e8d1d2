#pragma once
// The one error model: every failure, whichever stage raises it, is a Failure.
// Its stage alone decides the process exit code (see exit_code()).
#include <exception>
#include <string>

namespace pe {

// after_commit: the destination already holds the new export, and something after the commit
// (reading it back to check it, writing the summary) failed.
enum class Stage { usage, secret, export_, store, after_commit, internal, interrupted };

struct FailureInfo {
    Stage stage = Stage::internal;
    int http_status = 0;       // 0 when no HTTP response was received
    std::string service_code;  // the service's own error code, e.g. "SecretNotFound"
    std::string message;       // what went wrong, never containing a secret
    std::string hint;          // what the user can do about it
    // What Azure support asks for first: the service's x-ms-request-id of the failed answer and
    // its time (the Date header, or our clock), UTC ISO 8601. Empty when no service answered.
    std::string request_id = {};
    std::string time = {};
};

class Failure : public std::exception {
public:
    explicit Failure(FailureInfo info);
    Failure(Stage stage, std::string message, std::string hint = {});

    const FailureInfo& info() const noexcept { return info_; }
    Stage stage() const noexcept { return info_.stage; }
    const char* what() const noexcept override { return line_.c_str(); }

private:
    FailureInfo info_;
    std::string line_;
};

// "secret", "export", "store", "after-commit", "usage", "internal", "interrupted".
const char* stage_name(Stage stage);

// The single place where stages become exit codes: 0 ok, 1 internal, 2 usage,
// 3 secret, 4 export, 5 store, 6 after the commit (the destination was replaced), 128 + signal
// when interrupted (see interrupted_exit_code()).
int exit_code(Stage stage);

// 128 + the first terminating signal received (129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM).
// Async-signal-safe: the second signal's immediate exit uses it too.
int interrupted_exit_code() noexcept;

// "store: HTTP 403 AuthorizationPermissionMismatch: <message> (hint: <hint>) (request id <id>, <time>)",
// one line; the last parentheses only when a service answered with its trace.
std::string format_failure_line(const FailureInfo& info);

}  // namespace pe
