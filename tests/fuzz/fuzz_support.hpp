#pragma once
// Shared helpers for the libFuzzer targets: splitting the input, failing loudly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

// Prints what broke and aborts, so libFuzzer records a crash and saves the input.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "FUZZ INVARIANT VIOLATED: %s\n", what);
    if (!detail.empty()) std::fprintf(stderr, "  detail: %.*s\n", static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline void check(bool ok, const char* what, std::string_view detail = {}) {
    if (!ok) fail(what, detail);
}

// Splits on NUL bytes (the way argv arrives): "a\0b" → {"a", "b"}.
inline std::vector<std::string> split_nul(std::string_view data) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        auto nul = data.find('\0', start);
        parts.emplace_back(data.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
        if (nul == std::string_view::npos) break;
        start = nul + 1;
    }
    return parts;
}

inline std::string part(const std::vector<std::string>& parts, std::size_t i) {
    return i < parts.size() ? parts[i] : std::string();
}

inline bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace fuzz

namespace fuzz {

// Known findings F3/F4 (docs/reliability.md): a date after 2262 or an epoch/second count too big
// for nanoseconds overflows std::chrono's system_clock arithmetic (UB). Under
// PE_FUZZ_TOLERATE_KNOWN=1 the time targets skip inputs that hold such a number (a digit run
// longer than 4, a 4-digit run outside 1900..2200 (margin for offsets and subtraction), or an
// exponent), so a smoke run still hunts the rest.
inline bool tolerate_known() {
    static const bool on = [] {
        const char* v = std::getenv("PE_FUZZ_TOLERATE_KNOWN");
        return v != nullptr && *v == '1';
    }();
    return on;
}

inline bool has_time_overflow_trigger(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] >= '0' && s[i] <= '9') {
            std::size_t j = i;
            while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
            std::string_view run = s.substr(i, j - i);
            if (run.size() > 4 || (run.size() == 4 && (run > "2200" || run < "1900"))) return true;
            i = j;
        } else {
            if ((s[i] == 'e' || s[i] == 'E') && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') return true;
            ++i;
        }
    }
    return false;
}

}  // namespace fuzz
