#pragma once
// A string that must never be printed. It has no stream operator and no formatter; the
// only way to the value is reveal(), which call sites use to build a header at the edge.
// Every Secret registers its value with the redactor, so even an accidental leak through
// a library's error text is scrubbed before it reaches a log line or an error message.
#include <string>

namespace pe {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value);
    Secret(const Secret& other);
    Secret& operator=(const Secret& other);
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    ~Secret();

    const std::string& reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

private:
    std::string value_;
};

// Overwrites the whole capacity, then empties: for a Secret's value, and for the response bodies
// and process output that held a token or a secret before they became one, so that the bytes do
// not linger in freed memory or a core file.
void wipe(std::string& text) noexcept;

}  // namespace pe
