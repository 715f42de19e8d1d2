#pragma once
// Cooperative cancellation: signal handlers and the run's total timeout set a flag that
// every transfer and every back-off sleep polls, so a stop unwinds through the same
// abort paths as any failure (temporary objects deleted, destination untouched).
#include <chrono>

namespace pe::cancellation {

enum class Reason { none, sigint, sigterm, timeout };

void request(Reason reason) noexcept;  // async-signal-safe
bool requested() noexcept;
Reason reason() noexcept;
void reset_for_tests() noexcept;

// Sleeps up to `duration`, returning early (false) when cancellation is requested.
bool sleep_for(std::chrono::milliseconds duration);

// Throws the Failure that matches the current reason, if any.
void throw_if_requested();

}  // namespace pe::cancellation
