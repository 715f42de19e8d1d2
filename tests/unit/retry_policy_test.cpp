#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

#include "pigment_export/http/retry_policy.hpp"
#include "pigment_export/http/retrying_send.hpp"

using namespace pe::http;
using std::chrono::milliseconds;

namespace {

// Sun, 29 Nov 2026 03:15:00 GMT
std::chrono::system_clock::time_point fixed_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 29} + hours{3} + minutes{15};
}

std::optional<Millis> retry_after(Headers headers) {
    return parse_retry_after(headers, fixed_now());
}

}  // namespace

TEST_CASE("transient statuses", "[retry]") {
    for (int status : {408, 429, 500, 502, 503, 504}) {
        INFO(status);
        CHECK(is_transient_status(status));
    }
    for (int status : {0, 200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 410, 412, 413, 422, 501, 505, 599}) {
        INFO(status);
        CHECK_FALSE(is_transient_status(status));
    }
}

TEST_CASE("no Retry-After header means no server hint", "[retry]") {
    CHECK_FALSE(retry_after({}).has_value());
    CHECK_FALSE(retry_after({{"Content-Type", "text/plain"}}).has_value());
}

TEST_CASE("Retry-After in seconds", "[retry]") {
    CHECK(retry_after({{"Retry-After", "0"}}) == Millis(0));
    CHECK(retry_after({{"Retry-After", "5"}}) == Millis(5000));
    CHECK(retry_after({{"retry-after", "120"}}) == Millis(120'000));  // case-insensitive name
    CHECK(retry_after({{"Retry-After", " 7 "}}) == Millis(7000));     // surrounding spaces
}

TEST_CASE("huge Retry-After seconds are clamped to a day", "[retry]") {
    CHECK(retry_after({{"Retry-After", "86400"}}) == Millis(86'400'000));
    CHECK(retry_after({{"Retry-After", "86401"}}) == Millis(86'400'000));
    CHECK(retry_after({{"Retry-After", "999999999999"}}) == Millis(86'400'000));
}

TEST_CASE("Retry-After as an HTTP-date is relative to the injected now", "[retry]") {
    CHECK(retry_after({{"Retry-After", "Sun, 29 Nov 2026 03:15:30 GMT"}}) == Millis(30'000));
    CHECK(retry_after({{"Retry-After", "Sun, 29 Nov 2026 04:15:00 GMT"}}) == Millis(3'600'000));
    CHECK(retry_after({{"Retry-After", "Mon, 30 Nov 2026 03:15:00 GMT"}}) == Millis(86'400'000));
    CHECK(retry_after({{"Retry-After", "Sun, 29 Nov 2026 03:15:00 GMT"}}) == Millis(0));
}

TEST_CASE("a Retry-After date in the past means retry now", "[retry]") {
    CHECK(retry_after({{"Retry-After", "Sun, 29 Nov 2026 03:14:00 GMT"}}) == Millis(0));
    CHECK(retry_after({{"Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT"}}) == Millis(0));
}

TEST_CASE("x-ms-retry-after-ms wins over Retry-After", "[retry]") {
    CHECK(retry_after({{"Retry-After", "10"}, {"x-ms-retry-after-ms", "250"}}) == Millis(250));
    CHECK(retry_after({{"X-MS-Retry-After-Ms", "1500"}}) == Millis(1500));
    // A garbled x-ms-retry-after-ms falls back to Retry-After.
    CHECK(retry_after({{"x-ms-retry-after-ms", "soon"}, {"Retry-After", "3"}}) == Millis(3000));
}

TEST_CASE("unparsable Retry-After values are ignored", "[retry]") {
    for (const char* bad :
         {"", "soon", "-1", "1.5", "5s", "0x10", "Sun, 29 Nov 2026 03:15:30", "29 Nov 2026 03:15:30 GMT",
          "Sun, 29 Nov 2026 03:15:30 GMT trailing", "Sunday, 29-Nov-26 03:15:30 GMT"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(retry_after({{"Retry-After", bad}}).has_value());
    }
    CHECK_FALSE(retry_after({{"x-ms-retry-after-ms", "-5"}}).has_value());
}

TEST_CASE("full-jitter delay lies between 0 and base * 2^(attempt-1)", "[retry]") {
    RetryPolicy p;  // base 800 ms, cap 60 s
    CHECK(next_delay(p, 1, std::nullopt, 0.0) == Millis(0));
    CHECK(next_delay(p, 1, std::nullopt, 0.5) == Millis(400));
    CHECK(next_delay(p, 1, std::nullopt, 0.999) == Millis(799));
    CHECK(next_delay(p, 2, std::nullopt, 0.5) == Millis(800));
    CHECK(next_delay(p, 3, std::nullopt, 0.5) == Millis(1600));
    CHECK(next_delay(p, 4, std::nullopt, 0.999) == Millis(6393));  // 6400 * 0.999
    for (unsigned attempt = 1; attempt <= 40; ++attempt) {
        for (double r : {0.0, 0.25, 0.5, 0.75, 0.999}) {
            auto d = next_delay(p, attempt, std::nullopt, r);
            INFO("attempt " << attempt << " r " << r);
            CHECK(d >= Millis(0));
            CHECK(d <= p.max_delay);
        }
    }
}

TEST_CASE("the exponential ceiling is capped at max_delay", "[retry]") {
    RetryPolicy p;
    p.base_delay = Millis(1000);
    p.max_delay = Millis(5000);
    CHECK(next_delay(p, 3, std::nullopt, 0.999) == Millis(3996));
    CHECK(next_delay(p, 4, std::nullopt, 0.5) == Millis(2500));  // 8000 capped to 5000
    CHECK(next_delay(p, 30, std::nullopt, 0.5) == Millis(2500));
    CHECK(next_delay(p, 4'000'000'000u, std::nullopt, 0.999) == Millis(4995));  // no overflow
}

TEST_CASE("the jitter grows monotonically with the attempt for a fixed random value", "[retry]") {
    RetryPolicy p;
    Millis previous{0};
    for (unsigned attempt = 1; attempt <= 12; ++attempt) {
        auto d = next_delay(p, attempt, std::nullopt, 0.75);
        CHECK(d >= previous);
        previous = d;
    }
    CHECK(previous == Millis(45'000));  // 60 s cap * 0.75
}

TEST_CASE("a server's Retry-After wins over jitter but is capped", "[retry]") {
    RetryPolicy p;
    CHECK(next_delay(p, 1, Millis(2500), 0.0) == Millis(2500));
    CHECK(next_delay(p, 5, Millis(0), 0.9) == Millis(0));
    CHECK(next_delay(p, 1, Millis(3'600'000), 0.5) == Millis(60'000));
    p.max_delay = Millis(1000);
    CHECK(next_delay(p, 1, Millis(86'400'000), 0.5) == Millis(1000));
}

TEST_CASE("out-of-range random values are clamped", "[retry]") {
    RetryPolicy p;
    CHECK(next_delay(p, 1, std::nullopt, -3.0) == Millis(0));
    CHECK(next_delay(p, 1, std::nullopt, 7.0) == Millis(800));
}

TEST_CASE("jitter_random01 stays at or above 0 and below 1 and varies", "[retry]") {
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i < 2000; ++i) {
        double r = jitter_random01();
        REQUIRE(r >= 0.0);
        REQUIRE(r < 1.0);
        lo = std::min(lo, r);
        hi = std::max(hi, r);
    }
    CHECK(lo < 0.1);
    CHECK(hi > 0.9);
}

namespace {

struct Loop {
    RetryPolicy policy;
    std::vector<Millis> slept;
    int attempts = 0;
    RetryHooks hooks;

    Loop() {
        policy.max_retries = 3;
        hooks.sleep = [this](Millis d) {
            slept.push_back(d);
            return true;
        };
        hooks.random01 = [] { return 0.5; };
        hooks.now = fixed_now;
    }

    Response run(const std::function<Response(int attempt)>& answer) {
        return retry_loop(
            policy, [] { return Request{}; }, [&](const Request&) { return answer(++attempts); }, hooks);
    }
};

Response status(int code) {
    Response r;
    r.status = code;
    return r;
}

}  // namespace

TEST_CASE("retry_loop retries transient answers and stops at the first final one", "[retry]") {
    Loop loop;
    auto r = loop.run([](int n) { return status(n < 3 ? 503 : 200); });
    CHECK(r.status == 200);
    CHECK(loop.attempts == 3);
    CHECK(loop.slept == std::vector<Millis>{Millis(400), Millis(800)});
}

TEST_CASE("retry_loop returns the last transient answer when retries run out", "[retry]") {
    Loop loop;
    CHECK(loop.run([](int) { return status(429); }).status == 429);
    CHECK(loop.attempts == 4);  // 1 + max_retries
}

TEST_CASE("retry_loop honours the total wait cap", "[retry]") {
    Loop loop;
    loop.policy.max_total = Millis(1000);
    CHECK_THROWS_AS(loop.run([](int) -> Response { throw TransportError("reset", "h", 56, true); }), TransportError);
    CHECK(loop.attempts == 2);  // 400 ms waited, the next 800 would pass 1000
}

TEST_CASE("retry_loop never retries a failure its classifier calls deterministic", "[retry]") {
    Loop loop;
    CHECK_THROWS_WITH(loop.run([](int) -> Response { throw TransportError("headers too large", "h", 8, false); }),
                      "headers too large");
    CHECK(loop.attempts == 1);
    CHECK(loop.slept.empty());

    Loop strict;
    strict.hooks.is_retryable_error = [](const TransportError&) { return false; };
    CHECK_THROWS_AS(strict.run([](int) -> Response { throw TransportError("reset", "h", 56, true); }), TransportError);
    CHECK(strict.attempts == 1);
}

TEST_CASE("retry_loop passes other exceptions through at once", "[retry]") {
    Loop loop;
    CHECK_THROWS_AS(loop.run([](int) -> Response { throw std::logic_error("refused"); }), std::logic_error);
    CHECK(loop.attempts == 1);
}
