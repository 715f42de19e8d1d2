#pragma once
// The Failure a piece of library code throws, for the tests that call the library in-process.
#include <catch2/catch.hpp>

#include <functional>

#include "pigment_export/core/failure.hpp"

namespace testing {

inline pe::FailureInfo failure_of(const std::function<void()>& run) {
    try {
        run();
    } catch (const pe::Failure& f) {
        return f.info();
    }
    FAIL("no Failure was thrown");
    return {};
}

}  // namespace testing
