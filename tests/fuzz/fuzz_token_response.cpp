// Token responses from IMDS / App Service / Arc / Entra: parse_token_response and
// parse_expiry_text on arbitrary bytes. TokenResponseError is the only documented exception,
// its text never quotes the access token, and UBSan (overflowing time arithmetic, float casts) aborts.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "pigment_export/azure/token_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    if (fuzz::tolerate_known() && fuzz::has_time_overflow_trigger({reinterpret_cast<const char*>(data), size}))
        return 0;
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
    try {
        auto token = pe::azure::parse_token_response(body, now);
        (void)token.expires_on.time_since_epoch().count();
    } catch (const pe::azure::TokenResponseError& e) {
        // The message names what is wrong, never the body (which may hold a token).
        std::string_view what = e.what();
        fuzz::check(what.size() < 200, "TokenResponseError text is long (quotes the body?)", what);
        auto json = nlohmann::json::parse(body, nullptr, false);
        if (!json.is_discarded() && json.is_object() && json.contains("access_token") &&
            json["access_token"].is_string()) {
            const auto& token = json["access_token"].get_ref<const std::string&>();
            // The library's own fixed texts (a token that happens to be a piece of them proves nothing).
            static constexpr std::string_view kFixed =
                "the token response is not a JSON object|the token response has no access_token string|"
                "the token response has an expires_on value in no known format|"
                "the token response has neither expires_in nor expires_on";
            if (token.size() >= 6 && kFixed.find(token) == std::string_view::npos)
                fuzz::check(what.find(token) == std::string_view::npos, "TokenResponseError quotes the token", what);
        }
    } catch (const std::exception& e) {
        fuzz::fail("parse_token_response threw an undocumented exception", e.what());
    }
    try {
        (void)pe::azure::parse_expiry_text(body);
    } catch (const std::exception& e) {
        fuzz::fail("parse_expiry_text threw", e.what());
    }
    return 0;
}
