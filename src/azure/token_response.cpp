#include "pigment_export/azure/token_response.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <regex>
#include <string>

#include "pigment_export/core/credential_text.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/json_limits.hpp"
#include "pigment_export/core/secret.hpp"
#include "pigment_export/core/text.hpp"

namespace pe::azure {

namespace {

using std::chrono::system_clock;

std::optional<long long> parse_integer(std::string_view text) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

int to_int(const std::ssub_match& m) {
    return std::stoi(m.str());
}

int month_number(std::string_view name) {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    std::string lower = ascii_lower(name);
    for (int i = 0; i < 12; ++i) {
        if (kMonths[i] == lower) return i + 1;
    }
    return 0;
}

std::optional<system_clock::time_point> civil_time(int year, int month, int day, int hour, int minute, int second,
                                                   std::chrono::minutes utc_offset) {
    using namespace std::chrono;
    // Outside this window the nanosecond clock overflows; no real token expires there.
    if (year < 1970 || year > 2200) {
        return std::nullopt;
    }
    year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                        std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    return system_clock::time_point(sys_days(date) + hours(hour) + minutes(minute) + seconds(second) - utc_offset);
}

std::chrono::minutes zone_offset(const std::string& zone) {
    if (zone.empty() || zone == "Z" || zone == "z" || zone == "GMT" || zone == "UTC") {
        return std::chrono::minutes(0);
    }
    int sign = zone[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : zone) {
        if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    }
    if (digits.size() != 4) {
        return std::chrono::minutes(0);
    }
    return std::chrono::minutes(sign * (std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2, 2))));
}

std::optional<system_clock::time_point> parse_rfc3339(const std::string& text) {
    static const std::regex re(
        R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}:?\d{2})?$)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return std::nullopt;
    return civil_time(to_int(m[1]), to_int(m[2]), to_int(m[3]), to_int(m[4]), to_int(m[5]), to_int(m[6]),
                      zone_offset(m[7].str()));
}

std::optional<system_clock::time_point> parse_rfc1123(const std::string& text) {
    static const std::regex re(
        R"(^[A-Za-z]{3}, (\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|[+-]\d{4})$)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return std::nullopt;
    int month = month_number(m[2].str());
    if (month == 0) return std::nullopt;
    return civil_time(to_int(m[3]), month, to_int(m[1]), to_int(m[4]), to_int(m[5]), to_int(m[6]),
                      zone_offset(m[7].str()));
}

// App Service 2017: month/day/year with a 12-hour clock, observed with hour "00" as well.
std::optional<system_clock::time_point> parse_app_service_2017(const std::string& text) {
    static const std::regex re(
        R"(^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ([AaPp][Mm]))?(?: ([+-]\d{2}:?\d{2}))?$)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return std::nullopt;
    int hour = to_int(m[4]);
    if (m[7].matched) {
        bool pm = m[7].str()[0] == 'P' || m[7].str()[0] == 'p';
        hour = hour % 12 + (pm ? 12 : 0);
    }
    return civil_time(to_int(m[3]), to_int(m[1]), to_int(m[2]), hour, to_int(m[5]), to_int(m[6]),
                      zone_offset(m[8].str()));
}

// Epoch seconds and lifetimes beyond this (about the year 2200) would overflow the clock.
constexpr long long kMaxSeconds = 7'258'118'400;

// A number, or a string holding one (IMDS quotes every number).
std::optional<long long> number_field(const nlohmann::json& json, const char* name) {
    auto it = json.find(name);
    if (it == json.end()) return std::nullopt;
    std::optional<long long> value;
    if (it->is_number_integer())
        value = it->get<long long>();
    else if (it->is_number()) {
        double d = it->get<double>();
        if (d >= 0 && d < kMaxSeconds) value = static_cast<long long>(d);
    } else if (it->is_string())
        value = parse_integer(it->get_ref<const std::string&>());
    if (value && (*value < 0 || *value > kMaxSeconds)) return std::nullopt;
    return value;
}

}  // namespace

std::optional<system_clock::time_point> epoch_expiry(long long seconds) {
    if (seconds < 0 || seconds > kMaxSeconds) return std::nullopt;
    return system_clock::time_point(std::chrono::seconds(seconds));
}

std::optional<system_clock::time_point> parse_expiry_text(std::string_view text) {
    // Every accepted form is short; a long value is refused before std::regex, which recurses
    // once per character and would overflow the stack.
    if (text.size() > 64) {
        return std::nullopt;
    }
    if (auto epoch = parse_integer(text)) return epoch_expiry(*epoch);
    std::string copy(text);
    if (auto t = parse_rfc3339(copy)) return t;
    if (auto t = parse_rfc1123(copy)) return t;
    return parse_app_service_2017(copy);
}

std::optional<std::string> access_token_problem(std::string_view token) {
    return credential_text_problem(token, kMaxAccessToken);
}

AccessToken parse_token_response(std::string_view body, system_clock::time_point now) {
    nlohmann::json json = parse_bounded_json(body);
    if (json.is_discarded() || !json.is_object()) {
        throw TokenResponseError("the token response is not a JSON object (or is too large or deeply nested)");
    }
    auto token = json.find("access_token");
    if (token == json.end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
        throw TokenResponseError("the token response has no access_token string");
    }
    AccessToken result{Secret(std::move(token->get_ref<std::string&>())), {}};
    if (auto problem = access_token_problem(result.token.reveal())) {
        throw TokenResponseError("the access_token " + *problem);
    }
    if (auto expires_in = number_field(json, "expires_in")) {
        result.expires_on = now + std::chrono::seconds(*expires_in);
        return result;
    }
    auto expires_on = json.find("expires_on");
    if (expires_on != json.end()) {
        std::optional<system_clock::time_point> when;
        if (expires_on->is_number()) {
            if (auto epoch = number_field(json, "expires_on")) when = epoch_expiry(*epoch);
        } else if (expires_on->is_string()) {
            when = parse_expiry_text(expires_on->get_ref<const std::string&>());
        }
        if (when) {
            result.expires_on = *when;
            return result;
        }
        throw TokenResponseError("the token response has an expires_on value in no known format");
    }
    throw TokenResponseError("the token response has neither expires_in nor expires_on");
}

AccessToken token_from_answer(std::string& body, int status, const std::string& where, std::string hint) {
    try {
        AccessToken token = parse_token_response(body, std::chrono::system_clock::now());
        wipe(body);
        return token;
    } catch (const TokenResponseError& e) {
        wipe(body);
        throw Failure(FailureInfo{
            Stage::secret, status, {}, where + " sent an unusable token response: " + e.what(), std::move(hint)});
    }
}

}  // namespace pe::azure
