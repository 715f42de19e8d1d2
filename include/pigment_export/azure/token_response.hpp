#pragma once
// Token JSON as the identity endpoints really send it: IMDS sends every number as a string,
// Entra sends numbers, and expires_on comes as epoch seconds, RFC 3339, RFC 1123 or the 2017
// App Service form "09/14/2017 00:00:00 PM +00:00".
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pigment_export/azure/token_credential.hpp"

namespace pe::azure {

// Says what is wrong with the body, never quotes it (it may hold a token).
class TokenResponseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Entra's tokens are a few KiB (more with many group claims); anything beyond this is not one.
constexpr std::size_t kMaxAccessToken = 64u << 10;

// Why an access token (from any source) cannot be sent as a Bearer header, or nullopt.
std::optional<std::string> access_token_problem(std::string_view token);

// access_token + (expires_in | expires_on), as from managed identity and Entra. The token must
// pass access_token_problem().
AccessToken parse_token_response(std::string_view body, std::chrono::system_clock::time_point now);

// A successful answer's token, its body wiped either way: one that does not parse is a
// secret-stage Failure, "`where` sent an unusable token response: <why>", with `hint`.
AccessToken token_from_answer(std::string& body, int status, const std::string& where, std::string hint);

// An expiry given as epoch seconds: nullopt when negative or beyond what the clock can hold
// (about the year 2200), which a wrapped or hostile number would otherwise overflow.
std::optional<std::chrono::system_clock::time_point> epoch_expiry(long long seconds);

// Epoch seconds (digits), RFC 3339, RFC 1123 or the 2017 App Service date; nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_expiry_text(std::string_view text);

}  // namespace pe::azure
